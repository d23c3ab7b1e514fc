/**
 * A sweep as a Slurm job array: task i of n runs the same sweep with `--shard i/n` into
 * its own shard folder (resuming from it), and when every task has ended the shards are
 * merged with `merge`'s code. Everything lives in the output folder:
 *
 *   OUT/slurm/sweep.sbatch            the job script (`sbatch` it by hand if you like)
 *   OUT/slurm/job.json                the job submitted last (a later run attaches to it)
 *   OUT/slurm/logs/task-I-job-J.log   each task's output
 *   OUT/shards/I-of-N/                each task's sweep folder (results.jsonl)
 *   OUT/results.jsonl, results.csv, charts   the merged sweep
 *
 * Slurm is driven through its commands (sbatch, scontrol, scancel, sinfo), as a user would.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { InputError } from '../../core/errors.js';
import { writeFilesAtomically } from '../../core/atomic-write.js';
import { projectPath } from '../../core/paths.js';
import { mergeSweeps, type MergeSummary } from './merge.js';
import { latestRecords, readResultsFile, RESULTS_FILE } from './results.js';
import { expandGrid, shardJobs, type SweepJob, type SweepSpec } from './spec.js';

/** bin/hypersio of this installation: the tasks run the same build (on a shared filesystem). */
export const HYPERSIO_BIN = projectPath('bin', 'hypersio');

export interface SlurmSettings {
  /** Array tasks (shards); default: the count of the job already in the folder, else min(4, configurations). */
  tasks?: number;
  /** CPUs per task, and so the Piscina pool of each task. */
  cpusPerTask: number;
  /** `--time` of each task (Slurm's formats, e.g. 30, 2:00:00, 1-00:00:00). */
  time?: string;
  partition?: string;
  /** Any other sbatch options, passed through as given. */
  sbatchOptions: readonly string[];
}

export interface SlurmSweepRequest {
  spec: SweepSpec;
  /** An explicit list of configurations instead of the spec's grid (advise's rounds); the tasks must run the same list. */
  jobs?: SweepJob[];
  /** The hypersio command each task runs (default `sweep`), with sweepArgs, --shard, --out-dir, --workers and --no-charts. */
  command?: string;
  /** The sweep's flags (grid and sweep options) as the tasks get them; not --out-dir, --shard, --workers. */
  sweepArgs: readonly string[];
  out: string;
  settings: SlurmSettings;
  /** Configurations recorded as failed are missing too (and run again). */
  retryFailed?: boolean;
  /** Folder the tasks run in (relative trace paths resolve from it); default the current one. */
  workDir?: string;
}

export interface ShardPlan {
  index: number;
  folder: string;
  jobs: SweepJob[];
  /**
   * Configurations to run again although recorded (failed ones, with --retry-failed), with
   * how many records they had: they are done once they have one more.
   */
  rerun: Map<string, number>;
}

export interface SlurmPlan {
  out: string;
  tasks: number;
  cpusPerTask: number;
  shards: ShardPlan[];
  /** Shards with configurations still to run: the array tasks to submit. */
  missing: number[];
  /** Configurations of the grid (all shards), and of those still to run. */
  total: number;
  missingConfigurations: number;
  files: { script: string; state: string; logs: string };
  script: string;
  /** The sbatch command line that submits the missing tasks (after the script is written). */
  sbatchArgs: string[];
  /** Identity of the grid and the tasks' command: a job in the folder for another sweep is not attached to. */
  fingerprint: string;
  /** Every distinct trace of the grid, as the tasks open them. */
  traces: string[];
}

/** What OUT/slurm/job.json records about the job submitted last. */
export interface SlurmJobState {
  jobId: number;
  tasks: number;
  submitted: number[];
  fingerprint: string;
  submittedAt: string;
}

export const SLURM_DIR = 'slurm';
export const SHARDS_DIR = 'shards';

export function shardFolder(out: string, index: number, count: number): string {
  return join(out, SHARDS_DIR, `${index}-of-${count}`);
}

export function taskLogPath(out: string, task: number, jobId: number): string {
  return join(out, SLURM_DIR, 'logs', `task-${task}-job-${jobId}.log`);
}

function slurmFiles(out: string): SlurmPlan['files'] {
  return { script: join(out, SLURM_DIR, 'sweep.sbatch'), state: join(out, SLURM_DIR, 'job.json'), logs: join(out, SLURM_DIR, 'logs') };
}

export function readJobState(out: string): SlurmJobState | null {
  const path = slurmFiles(out).state;
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SlurmJobState;
  } catch {
    return null; // torn or hand-edited: as if no job had been submitted
  }
}

// ---------------------------------------------------------------------------
// The plan: shards, what is missing, the job script.

/** Single-quoted for bash. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Splits sbatch options given as one string, as a shell would (quotes and backslashes). */
export function splitOptions(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i]!;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i]!;
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new InputError(`--sbatch: unterminated ${quote} quote in '${text}'`);
  if (word !== null) words.push(word);
  return words;
}

/** `0-2,5,7-8` for [0, 1, 2, 5, 7, 8]: Slurm's --array list. */
export function formatArray(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Slurm's task list (`0-3`, `1,4-5`, `2-7%2`) → task ids. */
export function parseArray(text: string): number[] {
  const ids: number[] = [];
  for (const part of text.replace(/%\d+$/, '').split(',')) {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || !Number.isInteger(from)) continue;
    for (let id = from; id <= (to !== undefined && Number.isInteger(to) ? to : from); id++) ids.push(id);
  }
  return ids;
}

/** How many records each configuration has in a shard folder (none before its task starts). */
function recordCounts(folder: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of readResultsFile(join(folder, RESULTS_FILE))) counts.set(record.id, (counts.get(record.id) ?? 0) + 1);
  return counts;
}

/** Configurations of the shard that are done: recorded (and, if to be run again, recorded again since). */
function doneConfigurations(shard: ShardPlan): number {
  const counts = recordCounts(shard.folder);
  return shard.jobs.filter((job) => (counts.get(job.id) ?? 0) > (shard.rerun.get(job.id) ?? 0)).length;
}

/** A shard of the grid with what it must run again (its failed configurations, with retryFailed). */
function planShard(folder: string, index: number, jobs: SweepJob[], retryFailed: boolean): ShardPlan {
  const rerun = new Map<string, number>();
  if (retryFailed) {
    const counts = recordCounts(folder);
    const failed = latestRecords(readResultsFile(join(folder, RESULTS_FILE))).filter((r) => r.status !== 'ok');
    for (const record of failed) rerun.set(record.id, counts.get(record.id) ?? 0);
  }
  return { index, folder, jobs, rerun };
}

export function planSlurmSweep(request: SlurmSweepRequest): SlurmPlan {
  const out = resolve(request.out);
  const workDir = resolve(request.workDir ?? process.cwd());
  const grid = request.jobs ?? expandGrid(request.spec);
  if (grid.length === 0) throw new InputError('--slurm: the sweep has no configurations');
  const previous = readJobState(out);
  const { settings } = request;
  if (settings.tasks !== undefined && previous && previous.tasks !== settings.tasks && existsSync(join(out, SHARDS_DIR))) {
    throw new InputError(`--slurm-tasks ${settings.tasks}: ${request.out} holds this sweep split into ${previous.tasks} tasks; give --slurm-tasks ${previous.tasks} (or nothing) to go on with it, or another --out-dir`);
  }
  const tasks = Math.min(grid.length, settings.tasks ?? previous?.tasks ?? 4);
  const shards = Array.from({ length: tasks }, (_, index) => planShard(shardFolder(out, index, tasks), index, shardJobs(grid, { index, count: tasks }), request.retryFailed === true));
  const missingPerShard = shards.map((shard) => shard.jobs.length - doneConfigurations(shard));
  const missing = shards.filter((shard) => missingPerShard[shard.index]! > 0).map((shard) => shard.index);
  const files = slurmFiles(out);
  const traces = [...new Set(grid.map((job) => job.trace))];
  const taskCommand = [HYPERSIO_BIN, request.command ?? 'sweep', ...request.sweepArgs];
  const script = jobScript({ out, workDir, tasks, settings, files, taskCommand, traces });
  const sbatchArgs = ['--parsable', `--array=${formatArray(missing)}`, ...settings.sbatchOptions, files.script];
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ ids: grid.map((job) => job.id), taskCommand, tasks, workDir }))
    .digest('hex')
    .slice(0, 16);
  return { out, tasks, cpusPerTask: settings.cpusPerTask, shards, missing, total: grid.length, missingConfigurations: missingPerShard.reduce((a, b) => a + b, 0), files, script, sbatchArgs, fingerprint, traces };
}

function jobScript(p: { out: string; workDir: string; tasks: number; settings: SlurmSettings; files: SlurmPlan['files']; taskCommand: string[]; traces: string[] }): string {
  const directives = [
    '--job-name=hypersio-sweep',
    `--array=0-${p.tasks - 1}`,
    `--cpus-per-task=${p.settings.cpusPerTask}`,
    ...(p.settings.time !== undefined ? [`--time=${p.settings.time}`] : []),
    ...(p.settings.partition !== undefined ? [`--partition=${p.settings.partition}`] : []),
    `--output=${join(p.files.logs, 'task-%a-job-%A.log')}`,
  ];
  const q = shellQuote;
  const command = [...p.taskCommand.map(q), '--shard', `"$i/${p.tasks}"`, '--out-dir', `"$OUT/${SHARDS_DIR}/$i-of-${p.tasks}"`, '--workers', `"\${SLURM_CPUS_PER_TASK:-1}"`, '--no-charts'];
  return [
    '#!/bin/bash',
    `# hypersio sweep on Slurm, written by \`hypersio sweep --slurm\`: array task i of ${p.tasks} runs the`,
    '# sweep\'s shard i (--shard i/n) into its own folder, resuming from what that folder holds,',
    '# with one simulation per CPU. The project, the traces and the output folder must be on a',
    '# filesystem the compute nodes share with this one.',
    ...directives.map((d) => `#SBATCH ${d}`),
    'set -eu',
    `cd ${q(p.workDir)}`,
    `OUT=${q(p.out)}`,
    'i="$SLURM_ARRAY_TASK_ID"',
    `for path in ${[p.out, p.taskCommand[0]!, ...p.traces].map(q).join(' ')}; do`,
    '  if [ ! -r "$path" ]; then',
    '    echo "hypersio: $path: not readable on $(hostname): the project, the traces and the output folder must be on a filesystem shared with the compute nodes" >&2',
    '    exit 2',
    '  fi',
    'done',
    `exec ${command.join(' ')}`,
    '',
  ].join('\n');
}

/** Writes the job script and makes the logs folder (Slurm does not create it). */
export function writeJobScript(plan: SlurmPlan): void {
  mkdirSync(plan.files.logs, { recursive: true });
  writeFilesAtomically([{ path: plan.files.script, data: Buffer.from(plan.script) }]);
}

// ---------------------------------------------------------------------------
// Before submitting: the commands, and a filesystem the nodes can read.

/** The path of an executable on PATH, else null. */
export function findOnPath(name: string, path = process.env['PATH'] ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export function requireSlurmCommands(): void {
  for (const command of ['sbatch', 'scontrol', 'scancel']) {
    if (findOnPath(command) === null) {
      throw new InputError(`--slurm: ${command} not found on PATH: run this on a machine with Slurm's client commands (a cluster's login node), or give --dry-run to only write the job script`);
    }
  }
}

// Memory-backed filesystems are local to each machine by nature (statfs magic numbers).
const NODE_LOCAL_FILESYSTEMS = new Map([
  [0x01021994, 'tmpfs'],
  [0x858458f6, 'ramfs'],
]);

/** The paths (of `paths`) on a filesystem that only this machine can see, with its type. */
export function nodeLocalPaths(paths: readonly { label: string; path: string }[]): { label: string; path: string; fsType: string }[] {
  const local: { label: string; path: string; fsType: string }[] = [];
  for (const entry of paths) {
    let existing = resolve(entry.path);
    while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
    const fsType = NODE_LOCAL_FILESYSTEMS.get(Number(statfsSync(existing).type));
    if (fsType !== undefined) local.push({ ...entry, fsType });
  }
  return local;
}

/** True when every node of the cluster is this machine: then its local files are the nodes' too. */
export async function clusterIsThisMachine(): Promise<boolean> {
  const result = await execa('sinfo', ['-h', '-N', '-o', '%n %o'], { reject: false });
  if (result.exitCode !== 0) return false;
  const names = new Set(['localhost', hostname(), hostname().split('.')[0]]);
  const nodes = result.stdout.split('\n').filter((line) => line.trim() !== '');
  return nodes.length > 0 && nodes.every((line) => line.trim().split(/\s+/).some((name) => names.has(name) || name.startsWith('127.')));
}

/** An InputError when the output folder, the project or a trace is on a filesystem the compute nodes cannot read. */
export async function checkSharedFilesystem(plan: SlurmPlan, isThisMachine = clusterIsThisMachine): Promise<void> {
  const paths = [
    { label: '--out-dir', path: plan.out },
    { label: 'the project', path: HYPERSIO_BIN },
    ...plan.traces.map((trace) => ({ label: '--trace', path: trace })),
  ];
  const local = nodeLocalPaths(paths);
  if (local.length === 0 || (await isThisMachine())) return;
  const first = local[0]!;
  throw new InputError(
    `${first.label} ${first.path}: on ${first.fsType}, which only this machine can read; the compute nodes need the project, the traces and the output folder on a filesystem they share with it (e.g. your home or project directory)`,
  );
}

// ---------------------------------------------------------------------------
// Submitting, watching, cancelling.

export async function submitSlurmJob(plan: SlurmPlan): Promise<SlurmJobState> {
  // What this call creates, removed again if Slurm rejects the job.
  const created = [plan.out, join(plan.out, SLURM_DIR), plan.files.logs, plan.files.script].find((path) => !existsSync(path));
  writeJobScript(plan);
  const result = await execa('sbatch', plan.sbatchArgs, { reject: false });
  const jobId = /^(\d+)/.exec(result.stdout.trim())?.[1];
  if (result.exitCode !== 0 || jobId === undefined) {
    if (created !== undefined) rmSync(created, { recursive: true, force: true });
    const message = (result.stderr || result.stdout || `exit status ${result.exitCode}`).trim().split('\n').join('; ');
    throw new InputError(`--slurm: sbatch rejected the job: ${message}`);
  }
  const state: SlurmJobState = { jobId: Number(jobId), tasks: plan.tasks, submitted: plan.missing, fingerprint: plan.fingerprint, submittedAt: new Date().toISOString() };
  writeFilesAtomically([{ path: plan.files.state, data: Buffer.from(JSON.stringify(state, null, 2) + '\n') }]);
  return state;
}

/** Job states in which a task is still queued or running (Slurm's JobState names). */
const ACTIVE_STATES = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESIZING', 'SIGNALING', 'STAGE_OUT', 'STOPPED', 'RESV_DEL_HOLD']);

export interface TaskState {
  task: number;
  /** Slurm's JobState (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, …), or UNKNOWN once Slurm has forgotten the job. */
  state: string;
  /** Slurm's ExitCode, `status:signal`. */
  exitCode: string;
  active: boolean;
}

/** The state of every task of an array job, from `scontrol show job`; null when Slurm no longer knows the job. */
export async function queryArrayTasks(jobId: number): Promise<Map<number, TaskState> | null> {
  const result = await execa('scontrol', ['-o', 'show', 'job', String(jobId)], { reject: false });
  if (result.exitCode !== 0) {
    if (/invalid job id/i.test(result.stderr)) return null;
    throw new Error(`scontrol show job ${jobId}: ${result.stderr.trim() || `exit status ${result.exitCode}`}`);
  }
  const tasks = new Map<number, TaskState>();
  for (const line of result.stdout.split('\n')) {
    const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\S*)`).exec(line)?.[1];
    const ids = field('ArrayTaskId');
    const state = field('JobState');
    if (ids === undefined || state === undefined) continue;
    for (const task of parseArray(ids)) tasks.set(task, { task, state, exitCode: field('ExitCode') ?? '', active: ACTIVE_STATES.has(state) });
  }
  return tasks;
}

/** True when Slurm still runs (or queues) a task of the job. */
export async function jobIsActive(jobId: number): Promise<boolean> {
  const tasks = await queryArrayTasks(jobId);
  return tasks !== null && [...tasks.values()].some((t) => t.active);
}

export async function cancelSlurmJob(jobId: number): Promise<void> {
  const result = await execa('scancel', [String(jobId)], { reject: false });
  if (result.exitCode !== 0) throw new Error(`scancel ${jobId}: ${result.stderr.trim()}`);
}

export interface SlurmProgress {
  jobId: number;
  /** Configurations done, in all shards. */
  done: number;
  total: number;
  pending: number;
  running: number;
  /** Tasks ended with their shard complete (this job's, plus shards complete before it). */
  finished: number;
  /** Tasks ended with configurations of their shard missing. */
  failed: number;
  elapsedMs: number;
}

export interface TaskFailure {
  task: number;
  state: string;
  exitCode: string;
  missing: number;
  log: string;
  /** The log's last line (a task's own error, e.g. a trace it cannot read). */
  lastLogLine: string;
}

/** Counts done configurations per shard, re-reading a shard's results only when the file has grown. */
class ShardCounter {
  private seen = new Map<number, { size: number; done: number }>();
  constructor(private readonly shards: readonly ShardPlan[]) {}

  /** `fresh`: read the file even if its size looks unchanged (an NFS client may report a stale size). */
  done(shard: ShardPlan, fresh = false): number {
    const path = join(shard.folder, RESULTS_FILE);
    const size = existsSync(path) ? statSync(path).size : 0;
    const cached = this.seen.get(shard.index);
    if (cached && cached.size === size && !fresh) return cached.done;
    const done = doneConfigurations(shard);
    this.seen.set(shard.index, { size, done });
    return done;
  }

  total(): number {
    return this.shards.reduce((sum, shard) => sum + this.done(shard), 0);
  }
}

function lastLine(path: string): string {
  if (!existsSync(path)) return '';
  const lines = readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.at(-1) ?? '';
}

/**
 * Polls the job until every task has ended, reporting progress; a task that ended with
 * configurations of its shard missing is a failure. The poll interval grows with the
 * time waited (0.5 s at first, at most 10 s) so long jobs do not burden the controller.
 */
export async function watchSlurmJob(
  plan: SlurmPlan,
  job: SlurmJobState,
  onProgress: (progress: SlurmProgress) => void,
  signal?: AbortSignal,
): Promise<TaskFailure[]> {
  const started = Date.now();
  const counter = new ShardCounter(plan.shards);
  const submitted = new Set(job.submitted);
  let transientErrors = 0;
  for (;;) {
    let tasks: Map<number, TaskState> | null;
    try {
      tasks = await queryArrayTasks(job.jobId);
      transientErrors = 0;
    } catch (err) {
      // The controller may be briefly unreachable (restart, overload): keep waiting a while.
      if (++transientErrors > 30) throw err;
      tasks = new Map();
    }
    const state = (task: number): TaskState => tasks?.get(task) ?? { task, state: tasks === null ? 'UNKNOWN' : 'PENDING', exitCode: '', active: tasks !== null };
    const progress: SlurmProgress = { jobId: job.jobId, done: counter.total(), total: plan.total, pending: 0, running: 0, finished: 0, failed: 0, elapsedMs: Date.now() - started };
    const failures: TaskFailure[] = [];
    for (const shard of plan.shards) {
      const complete = counter.done(shard) === shard.jobs.length;
      if (!submitted.has(shard.index)) {
        if (complete) progress.finished++;
        continue;
      }
      const s = state(shard.index);
      if (s.active) {
        if (s.state === 'PENDING' || s.state.startsWith('REQUEUE')) progress.pending++;
        else progress.running++;
      } else if (complete || counter.done(shard, true) === shard.jobs.length) {
        progress.finished++;
      } else {
        progress.failed++;
        const log = taskLogPath(plan.out, shard.index, job.jobId);
        failures.push({ task: shard.index, state: s.state, exitCode: s.exitCode, missing: shard.jobs.length - counter.done(shard), log, lastLogLine: lastLine(log) });
      }
    }
    onProgress(progress);
    if (progress.pending + progress.running === 0) return failures;
    const waitMs = Math.min(10_000, Math.max(500, progress.elapsedMs / 30));
    try {
      await sleep(waitMs, undefined, signal ? { signal } : {});
    } catch {
      // aborted: rethrown below with the caller's reason
    }
    if (signal?.aborted) throw signal.reason;
  }
}

/** Merges the shard folders into the output folder (results.jsonl, results.csv, charts), as `merge` does. */
export async function mergeShards(plan: SlurmPlan, options: { charts?: boolean } = {}): Promise<MergeSummary> {
  const folders = plan.shards.map((shard) => shard.folder).filter((folder) => existsSync(join(folder, RESULTS_FILE)));
  return mergeSweeps(folders, plan.out, options);
}
