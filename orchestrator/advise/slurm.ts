/**
 * advise with --slurm: each round's configurations still missing from the output folder
 * run as one Slurm job array (orchestrator/sweep/slurm.ts: task i runs shard i of the
 * round's list with `hypersio advise-task`, into OUT/slurm/round-K/shards/i-of-n); when
 * every task has ended, their records are appended to OUT/results.jsonl, the one store a
 * rerun resumes from (locally or on Slurm alike).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, Interrupted } from '../../core/errors.js';
import { writeFilesAtomically } from '../../core/atomic-write.js';
import { acquireFolderLock } from '../folder-lock.js';
import type { ModelConfig } from '../config.js';
import { latestRecords, readResultsFile, ResultsLog, RESULTS_FILE, type RecordDetail, type SweepRecord } from '../sweep/results.js';
import { checkSharedFilesystem, jobIsActive, planSlurmSweep, readJobState, requireSlurmCommands, submitSlurmJob, watchSlurmJob, type SlurmJobState, type SlurmPlan, type SlurmSettings } from '../sweep/slurm.js';
import { makeJob, type SweepJob } from '../sweep/spec.js';
import type { CostModel } from '../cost-model-core.js';
import { configCostBytes } from '../cost-model-core.js';

export interface AdviseSlurmSettings extends SlurmSettings {
  /** The --cost-model file, handed to the tasks. */
  costModelPath?: string;
}

/** What OUT/slurm/round-K/jobs.json holds: the round's configurations, in shard order. */
export interface AdviseTaskList {
  jobs: { trace: string; config: ModelConfig }[];
}

/** The task list as sweep jobs (index = position: task i runs every n-th from i). */
export function jobsOfTaskList(list: AdviseTaskList): SweepJob[] {
  return list.jobs.map(({ trace, config }, index) => makeJob(trace, config, index));
}

/** Reads a task list written by evaluateOnSlurm (InputError naming the file when it is not one). */
export function readTaskList(path: string): SweepJob[] {
  let list: AdviseTaskList;
  try {
    list = JSON.parse(readFileSync(path, 'utf8')) as AdviseTaskList;
  } catch (err) {
    throw new InputError(`--jobs ${path}: cannot read the task list (${(err as NodeJS.ErrnoException).code ?? 'not valid JSON'})`);
  }
  if (!Array.isArray(list?.jobs)) throw new InputError(`--jobs ${path}: not a task list written by advise --slurm`);
  return jobsOfTaskList(list);
}

export async function evaluateOnSlurm(
  jobs: SweepJob[],
  options: { out: string; round: number; settings: AdviseSlurmSettings; costModel: CostModel; quiet: boolean },
): Promise<{ ran: number; records: SweepRecord[] }> {
  const { out } = options;
  const lock = acquireFolderLock(out, 'advise', '--out-dir');
  try {
    const log = new ResultsLog(out);
    try {
      const byId = new Map(latestRecords(log.existing).map((r) => [r.id, r]));
      const missing = jobs.filter((job) => byId.get(job.id)?.status !== 'ok');
      if (missing.length > 0) {
        const roundDir = join(out, 'slurm', `round-${options.round}`);
        const listPath = join(roundDir, 'jobs.json');
        const list: AdviseTaskList = { jobs: missing.map(({ trace, config }) => ({ trace, config })) };
        mkdirSync(roundDir, { recursive: true });
        writeFilesAtomically([{ path: listPath, data: Buffer.from(JSON.stringify(list) + '\n') }]);
        const sweepArgs = ['--jobs', listPath, ...(options.settings.costModelPath !== undefined ? ['--cost-model', options.settings.costModelPath] : [])];
        const plan = planSlurmSweep({ spec: { traces: [], axes: {} }, jobs: jobsOfTaskList(list), command: 'advise-task', sweepArgs, out: roundDir, settings: options.settings });
        requireSlurmCommands();
        await checkSharedFilesystem(plan);
        await runRound(plan, options.quiet);
        for (const shard of plan.shards) {
          const path = join(shard.folder, RESULTS_FILE);
          if (!existsSync(path)) continue;
          for (const record of latestRecords(readResultsFile(path))) {
            if (byId.get(record.id)?.status === 'ok') continue;
            const detail = record.detail === undefined ? undefined : (JSON.parse(readFileSync(join(shard.folder, record.detail), 'utf8')) as RecordDetail);
            const costed = { ...record, costBytes: configCostBytes(record.config, options.costModel) };
            log.append(costed, detail);
            byId.set(record.id, costed);
          }
        }
      }
      const records = jobs.map((job) => byId.get(job.id)).filter((r): r is SweepRecord => r !== undefined);
      return { ran: missing.length, records };
    } finally {
      log.close();
    }
  } finally {
    lock.release();
  }
}

/** Submits the round's missing tasks (or attaches to its running job) and waits for them, with progress. */
async function runRound(plan: SlurmPlan, quiet: boolean): Promise<void> {
  const abort = new AbortController();
  const onSigint = () => abort.abort('SIGINT');
  const onSigterm = () => abort.abort('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  let job: SlurmJobState | undefined;
  try {
    const previous = readJobState(plan.out);
    if (previous && previous.fingerprint === plan.fingerprint && (await jobIsActive(previous.jobId))) job = previous;
    else if (plan.missing.length > 0) job = await submitSlurmJob(plan);
    if (job === undefined) return;
    if (!quiet) process.stderr.write(`advise: Slurm job ${job.jobId}: ${plan.missingConfigurations} simulations in ${plan.missing.length} task(s); logs in ${plan.files.logs}\n`);
    let lastText = '';
    const failures = await watchSlurmJob(
      plan,
      job,
      (p) => {
        const text = `advise: Slurm job ${p.jobId}: ${p.done}/${p.total} simulations; tasks ${p.pending} pending, ${p.running} running, ${p.finished} done, ${p.failed} failed\n`;
        if (!quiet && text !== lastText) process.stderr.write(text);
        lastText = text;
      },
      abort.signal,
    );
    if (failures.length > 0) {
      const f = failures[0]!;
      throw new Error(`advise: ${failures.length} Slurm task(s) did not finish (task ${f.task} ${f.state.toLowerCase()}, log ${f.log}${f.lastLogLine ? `: ${f.lastLogLine}` : ''}); run the same command again to resume`);
    }
  } catch (err) {
    if (!abort.signal.aborted || job === undefined) throw err;
    throw new Interrupted(abort.signal.reason as 'SIGINT' | 'SIGTERM', `Slurm job ${job.jobId} left running: run the same command again (same --out-dir) to attach to it, or scancel ${job.jobId}`);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
}
