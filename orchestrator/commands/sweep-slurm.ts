/**
 * `hypersio sweep … --slurm`: the same sweep as a Slurm job array (orchestrator/sweep/slurm.ts),
 * with progress across the shards, the merged results and the local sweep's summary.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { InputError, Interrupted } from '../../core/errors.js';
import { flagKey, integerFlag } from '../flags.js';
import { formatDuration, redrawsInPlace } from '../sweep/progress.js';
import { SWEEP_AXES } from '../sweep/axes.js';
import { SWEEP_FIELDS, type RawSweepInput, type SweepSpec } from '../sweep/spec.js';
import {
  cancelSlurmJob,
  checkSharedFilesystem,
  formatArray,
  jobIsActive,
  mergeShards,
  planSlurmSweep,
  readJobState,
  requireSlurmCommands,
  shellQuote,
  splitOptions,
  submitSlurmJob,
  watchSlurmJob,
  writeJobScript,
  type SlurmJobState,
  type SlurmPlan,
  type SlurmProgress,
  type SlurmSettings,
  type TaskFailure,
} from '../sweep/slurm.js';
import { printSweepOutputs } from './sweep-outputs.js';
import { compileJobVariants } from '../sweep/runner.js';
import { PLUGIN_KIND_KEYS } from '../plugins/plugin-file.js';

const INTERRUPT_CHOICES = ['leave', 'cancel'] as const;
type InterruptChoice = (typeof INTERRUPT_CHOICES)[number];

/** The Slurm flags of `sweep` (each only with --slurm). */
const SLURM_FLAGS: readonly { flags: string; description: string }[] = [
  { flags: '--slurm', description: 'run the sweep as a Slurm job array (task i runs --shard i/n), wait, then merge the shards into --out-dir' },
  { flags: '--slurm-tasks <n>', description: 'array tasks, i.e. shards (default: as the job already in --out-dir, else 4, at most one per configuration)' },
  { flags: '--slurm-cpus-per-task <n>', description: "CPUs per task, each a simulation worker (default: --workers, else 2)" },
  { flags: '--slurm-time <time>', description: "time limit per task, in Slurm's formats (e.g. 30, 2:00:00)" },
  { flags: '--slurm-partition <name>', description: 'partition to submit to (default: the cluster default)' },
  { flags: '--sbatch <options>', description: "any other sbatch options, as one string (e.g. '--account=proj --qos=normal')" },
  { flags: '--slurm-on-interrupt <leave|cancel>', description: 'on Ctrl-C while waiting: leave the job running (a later run attaches to it) or scancel it (default: ask on a terminal, else leave)' },
  { flags: '--dry-run', description: 'with --slurm: write and print the job script and the sbatch command, submit nothing' },
];

export function addSlurmOptions(command: Command): void {
  for (const { flags, description } of SLURM_FLAGS) command.option(flags, description);
}

/** True when the command line asks for Slurm (a Slurm flag without --slurm is an error). */
export function slurmRequested(flags: Record<string, unknown>): boolean {
  if (flags['slurm'] === true) return true;
  const stray = SLURM_FLAGS.slice(1).find(({ flags: f }) => flags[flagKey(f.split(' ')[0]!)] !== undefined);
  if (stray) throw new InputError(`${stray.flags.split(' ')[0]}: only with --slurm`);
  return false;
}

/** The sweep's own flags for the tasks, from the merged sweep file and flags (paths as the user gave them). */
function sweepArguments(spec: SweepSpec, input: RawSweepInput, flags: Record<string, unknown>): string[] {
  const args: string[] = [];
  const text = (value: unknown) => (value === true ? 'on' : value === false ? 'off' : String(value));
  for (const { key, flag } of [...SWEEP_FIELDS, ...SWEEP_AXES]) {
    // The tasks get their own output folder, shard and workers.
    if (key === 'out' || key === 'shard' || key === 'workers') continue;
    // Plugin files as resolved here (path and content hash): a task given a file changed
    // since then fails with a message instead of running another configuration.
    const value = (PLUGIN_KIND_KEYS as string[]).includes(key) ? spec.axes[key] : input[key];
    if (value === undefined) continue;
    args.push(`--${flag}`, ...(Array.isArray(value) ? value : [value]).map(text));
  }
  if (flags['memoryBudget'] !== undefined) args.push('--memory-budget', String(flags['memoryBudget']));
  if (flags['retryFailed'] === true) args.push('--retry-failed');
  if (flags['costModel'] !== undefined) args.push('--cost-model', String(flags['costModel']));
  // Confirmed (or small enough) on the login node: the tasks do not ask again.
  args.push('--yes');
  return args;
}

function slurmSettings(spec: SweepSpec & { workers?: number }, flags: Record<string, unknown>): SlurmSettings {
  const text = (flag: string, key: string): string | undefined => {
    const value = flags[key];
    if (value !== undefined && String(value).trim() === '') throw new InputError(`${flag}: empty`);
    return value === undefined ? undefined : String(value);
  };
  const settings: SlurmSettings = {
    cpusPerTask: integerFlag('--slurm-cpus-per-task', text('--slurm-cpus-per-task', 'slurmCpusPerTask'), 1) ?? spec.workers ?? 2,
    sbatchOptions: splitOptions(text('--sbatch', 'sbatch') ?? ''),
  };
  const tasks = integerFlag('--slurm-tasks', text('--slurm-tasks', 'slurmTasks'), 1, 100_000);
  if (tasks !== undefined) settings.tasks = tasks;
  const time = text('--slurm-time', 'slurmTime');
  if (time !== undefined) settings.time = time;
  const partition = text('--slurm-partition', 'slurmPartition');
  if (partition !== undefined) settings.partition = partition;
  return settings;
}

function interruptChoice(flags: Record<string, unknown>): InterruptChoice | 'ask' {
  const value = flags['slurmOnInterrupt'];
  if (value === undefined) return process.stdin.isTTY && process.stderr.isTTY ? 'ask' : 'leave';
  if (!(INTERRUPT_CHOICES as readonly unknown[]).includes(value)) throw new InputError(`--slurm-on-interrupt ${String(value)}: expected leave or cancel`);
  return value as InterruptChoice;
}

function progressText(p: SlurmProgress): string {
  return `slurm job ${p.jobId}: ${p.done}/${p.total} configs; tasks ${p.pending} pending, ${p.running} running, ${p.finished} done, ${p.failed} failed; ${formatDuration(p.elapsedMs)}`;
}

/** In place on a terminal; otherwise a line when the tasks' states change, else every 5 s. */
function progressPrinter(): { update(p: SlurmProgress): void; finish(p: SlurmProgress): void } {
  const tty = redrawsInPlace(process.stderr);
  let lastLine = 0;
  let lastStates = '';
  let lastText = '';
  const line = (p: SlurmProgress) => {
    const text = `sweep: ${progressText(p)}\n`;
    if (text !== lastText) process.stderr.write(text);
    lastText = text;
    lastLine = Date.now();
  };
  return {
    update(p) {
      if (tty) return void process.stderr.write(`\r\x1b[K${progressText(p).slice(0, (process.stderr.columns || 80) - 1)}`);
      const states = `${p.pending} ${p.running} ${p.finished} ${p.failed}`;
      if (states === lastStates && Date.now() - lastLine < 5000) return;
      lastStates = states;
      line(p);
    },
    finish(p) {
      if (tty) process.stderr.write(`\r\x1b[K${progressText(p)}\n`);
      else line(p);
    },
  };
}

async function askCancel(jobId: number): Promise<InterruptChoice> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const asked = new AbortController();
  rl.on('SIGINT', () => asked.abort()); // a second Ctrl-C: leave it running
  try {
    const answer = await rl.question(`\nCancel Slurm job ${jobId} (scancel)? Otherwise it keeps running and a later run attaches to it. [y/N] `, { signal: asked.signal });
    return /^y(es)?$/i.test(answer.trim()) ? 'cancel' : 'leave';
  } catch {
    return 'leave';
  } finally {
    rl.close();
  }
}

/**
 * Ctrl-C (or SIGTERM) from here on aborts the wait: caught before submitting, so an
 * interrupt right after sbatch still reports the job.
 */
function trapInterrupts(): { signal: AbortSignal; release(): void } {
  const abort = new AbortController();
  const onSigint = () => abort.abort('SIGINT');
  const onSigterm = () => abort.abort('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return {
    signal: abort.signal,
    release() {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}

/** Waits for the job with progress; an interrupt leaves it running or cancels it. */
async function waitForJob(plan: SlurmPlan, job: SlurmJobState, onInterrupt: InterruptChoice | 'ask', interrupted: AbortSignal) {
  const printer = progressPrinter();
  let last: SlurmProgress | undefined;
  try {
    const failures = await watchSlurmJob(
      plan,
      job,
      (p) => {
        last = p;
        printer.update(p);
      },
      interrupted,
    );
    if (last) printer.finish(last);
    return failures;
  } catch (err) {
    if (!interrupted.aborted) throw err;
    const signal = interrupted.reason as 'SIGINT' | 'SIGTERM';
    const choice = onInterrupt === 'ask' ? (signal === 'SIGINT' ? await askCancel(job.jobId) : 'leave') : onInterrupt;
    if (choice === 'cancel') {
      await cancelSlurmJob(job.jobId);
      throw new Interrupted(signal, `Slurm job ${job.jobId} cancelled; what its tasks finished is kept: run the same command again to go on`);
    }
    throw new Interrupted(signal, `Slurm job ${job.jobId} left running: run the same command again (same --out-dir) to attach to it, or scancel ${job.jobId}`);
  }
}

export async function runSweepOnSlurm(spec: SweepSpec & { workers?: number; shard?: string; out?: string }, input: RawSweepInput, flags: Record<string, unknown>, out: string): Promise<void> {
  if (spec.shard !== undefined) throw new InputError('--shard: not with --slurm (it splits the sweep into --slurm-tasks shards itself)');
  const settings = slurmSettings(spec, flags);
  const onInterrupt = interruptChoice(flags);
  const plan = planSlurmSweep({ spec, sweepArgs: sweepArguments(spec, input, flags), out, settings, retryFailed: flags['retryFailed'] === true });
  // Plugin variants are compiled here, into build/models/ on the shared filesystem, where
  // the tasks find them; a plugin that does not compile stops the sweep before submission.
  await compileJobVariants(
    plan.shards.flatMap((shard) => shard.jobs),
    (line) => process.stderr.write(`sweep: ${line}\n`),
  );

  if (flags['dryRun'] === true) {
    writeJobScript(plan);
    process.stdout.write(plan.script);
    process.stdout.write(`\n# ${plan.files.script}; submit with:\n`);
    process.stdout.write(plan.missing.length > 0 ? `sbatch ${plan.sbatchArgs.map(shellQuote).join(' ')}\n` : `# nothing to submit: every configuration is in ${plan.out}/shards\n`);
    return;
  }

  requireSlurmCommands();
  await checkSharedFilesystem(plan);
  let failures: TaskFailure[];
  try {
    failures = await runSlurmJob(plan, onInterrupt);
  } catch (err) {
    if (!(err instanceof Interrupted)) throw err;
    process.stderr.write(`\nhypersio: sweep: ${err.message}\n`);
    process.exitCode = err.exitCode;
    return;
  }
  if (failures.length > 0) {
    for (const f of failures) {
      const why = f.lastLogLine !== '' ? `; its log ends: ${f.lastLogLine}` : '';
      process.stderr.write(`hypersio: sweep: Slurm task ${f.task} ${f.state.toLowerCase()} (exit ${f.exitCode || '?'}), ${f.missing} of its configurations missing; log ${f.log}${why}\n`);
    }
    process.stderr.write(`hypersio: sweep: ${failures.length} of ${plan.tasks} Slurm tasks did not finish (tasks ${failures.map((f) => f.task).join(', ')}); run the same command again to submit only what is missing\n`);
    process.exitCode = 1;
    return;
  }
  const merged = await mergeShards(plan, { charts: flags['charts'] !== false });
  printSweepOutputs(merged);
  if (merged.records.some((r) => r.status === 'failed')) process.exitCode = 1;
}

/** Attaches to the folder's running job, or submits the missing tasks; waits for them. */
async function runSlurmJob(plan: SlurmPlan, onInterrupt: InterruptChoice | 'ask') {
  const trap = trapInterrupts();
  try {
    const previous = readJobState(plan.out);
    if (previous && (await jobIsActive(previous.jobId))) {
      if (previous.fingerprint !== plan.fingerprint) {
        throw new InputError(`--out-dir ${plan.out}: Slurm job ${previous.jobId} of a different sweep is still running there; wait for it, scancel ${previous.jobId}, or use another --out-dir`);
      }
      process.stderr.write(`sweep: attaching to Slurm job ${previous.jobId} (tasks ${formatArray(previous.submitted)} of ${previous.tasks}, submitted ${previous.submittedAt})\n`);
      return await waitForJob(plan, previous, onInterrupt, trap.signal);
    }
    if (plan.missing.length === 0) {
      process.stderr.write(`sweep: all ${plan.total} configurations are already in ${plan.out}/shards: nothing to submit\n`);
      return [];
    }
    const job = await submitSlurmJob(plan);
    const done = plan.total - plan.missingConfigurations;
    process.stderr.write(
      `sweep: submitted Slurm job ${job.jobId}: ${plan.missing.length} of ${plan.tasks} tasks (${plan.missingConfigurations} configurations${done > 0 ? `; ${done} already done` : ''}), ${plan.cpusPerTask} CPU${plan.cpusPerTask === 1 ? '' : 's'} each; script ${plan.files.script}, logs in ${plan.files.logs}\n`,
    );
    return await waitForJob(plan, job, onInterrupt, trap.signal);
  } finally {
    trap.release();
  }
}
