/**
 * Runs a sweep on a Piscina pool: the WASM module is compiled once and handed to every
 * worker; each trace is read once into a SharedArrayBuffer that all workers read; each
 * finished configuration is appended to results.jsonl at once; configurations already in
 * results.jsonl are skipped (resume); a failing one is recorded and the sweep goes on.
 */
import { availableParallelism, totalmem } from 'node:os';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModelModule, loadVariantModule, readFully } from '../model.js';
import { compileVariant, type VariantBuild } from '../plugins/compile.js';
import { configPlugins } from '../plugins/plugin-file.js';
import type { SweepTask, SweepTaskResult, SweepWorkerData } from '../sweep-worker.js';
import { formatCsv } from './csv.js';
import { createProgressReporter, silentProgress, type ProgressReporter, type ProgressSnapshot } from './progress.js';
import { CSV_FILE, failedRecord, latestRecords, okRecord, readResultsFile, ResultsLog, type RecordDetail, type SweepRecord } from './results.js';
import { describeSameConfigurations, resolveTraces, SweepGrid, type Shard, type SweepJob, type SweepSpec } from './spec.js';
import { loadFingerprints, saveFingerprints } from './trace-fingerprint.js';
import { countStatuses } from './summary.js';
import { ensureOutputDir, writeFilesAtomically } from '../../core/atomic-write.js';
import { Interrupted } from '../../core/errors.js';
import { acquireFolderLock } from '../folder-lock.js';
import { configCostBytes, type CostModel } from '../cost-model-core.js';
import { trapSignals, type StopSignal } from '../interrupt.js';

const WORKER_PATH = fileURLToPath(new URL('../sweep-worker.js', import.meta.url));

export interface SweepOptions {
  /** Output folder (results.jsonl, results.csv, charts). */
  out: string;
  /** Parallel simulations; default: the machine's cores. */
  workers?: number;
  shard?: Shard;
  /** Bytes of traces held in shared memory; traces beyond it are streamed per worker. Default: min(4 GiB, RAM/4). */
  memoryBudgetBytes?: number;
  /** Run again configurations recorded as failed (default: they count as done). */
  retryFailed?: boolean;
  /** Draw the charts at the end (default true; results.csv is always written). */
  charts?: boolean;
  /** Progress on stderr: 'auto' (bar on a terminal, lines otherwise), 'none', or a reporter. */
  progress?: 'auto' | 'none' | ProgressReporter;
  /** Stop cleanly on SIGINT/SIGTERM (default true): Interrupted, with what was saved. */
  trapSignals?: boolean;
  /** Cost figures for the records' costBytes (default: DEFAULT_COST_MODEL); records already saved are costed again with it. */
  costModel?: CostModel;
  /** Traces larger than this are streamed by each worker, never shared (default MAX_SHARED_TRACE_BYTES; a test hook). */
  maxSharedTraceBytes?: number;
  /** Where the sweep's notes go (a changed trace, values that give one configuration, …); default: `sweep: …` lines on stderr, none with progress 'none'. */
  notes?: (line: string) => void;
  /** Test hook: configurations (by id) whose worker is made to crash. */
  crashIds?: readonly string[];
  /**
   * Attribute every configuration's latencies (docs/attribution.md): each record's detail
   * keeps `attribution`. Configurations already in the folder are not run again, with
   * or without it.
   */
  attribution?: boolean;
}

export interface SweepSummary {
  outDir: string;
  /** Configurations in this shard of the grid. */
  total: number;
  /** Already in results.jsonl, not run again. */
  skipped: number;
  ran: number;
  ok: number;
  failed: number;
  /** Translations simulated by this run. */
  translations: number;
  elapsedMs: number;
  /** Every configuration of the shard with its latest record, in grid order. */
  records: SweepRecord[];
  files: { results: string; csv: string; charts: string[] };
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Workers for `pending` configurations: as asked (default: one per core), but never more
 * than the cores (the model is CPU-bound: more only costs memory) nor than the
 * configurations to run; `note` says why when fewer than asked.
 */
export function sweepWorkerCount(requested: number | undefined, pending: number, cores = defaultWorkers()): { workers: number; note?: string } {
  const workers = Math.max(1, Math.min(requested ?? cores, cores, pending));
  if (requested === undefined || workers >= requested) return { workers };
  const why = workers === pending && pending < cores ? `${pending} configuration(s) to run` : `${cores} core(s) on this machine`;
  return { workers, note: `--workers ${requested}: using ${workers} (${why})` };
}

export function defaultMemoryBudget(): number {
  return Math.min(4 * 2 ** 30, Math.floor(totalmem() / 4));
}

/**
 * Traces of 2 GiB or more are never shared: each worker streams them from disk (as `run`
 * does, in flat memory), which costs little next to simulating them, and keeps clear of
 * the limits of one buffer and one read.
 */
export const MAX_SHARED_TRACE_BYTES = 2 ** 31 - 1;

/** Loads traces into SharedArrayBuffers, in order, while they fit the budget; `streamed` hears of each that is too large to share. */
function loadSharedTraces(traces: string[], budgetBytes: number, maxTraceBytes: number, streamed: (trace: string, bytes: number) => void): Map<string, SharedArrayBuffer> {
  const shared = new Map<string, SharedArrayBuffer>();
  let used = 0;
  for (const trace of traces) {
    const size = statSync(trace).size;
    if (size > maxTraceBytes) {
      streamed(trace, size);
      continue;
    }
    if (used + size > budgetBytes) continue;
    // Read straight into shared memory: no intermediate copy of the trace.
    const buffer = new SharedArrayBuffer(size);
    const target = new Uint8Array(buffer);
    const fd = openSync(trace, 'r');
    try {
      if (readFully(fd, target, 0) < size) throw new Error(`${trace}: shorter than its size while reading`);
    } finally {
      closeSync(fd);
    }
    shared.set(trace, buffer);
    used += size;
  }
  return shared;
}

function noteTo(options: SweepOptions): (line: string) => void {
  return options.notes ?? (options.progress === 'none' ? () => {} : (line) => process.stderr.write(`sweep: ${line}\n`));
}

export async function runSweep(spec: SweepSpec, options: SweepOptions): Promise<SweepSummary> {
  const traces = resolveTraces(spec);
  // Fingerprints remembered by an earlier sweep into this folder: no rehashing of unchanged traces.
  loadFingerprints(options.out);
  const grid = new SweepGrid(spec, traces);
  const jobs = [...grid.jobs(options.shard)];
  for (const line of describeSameConfigurations(grid, jobs.length)) noteTo(options)(line);
  return runSweepJobs(jobs, options);
}

/**
 * Lines about results in the folder that no longer count: those of a trace whose content
 * changed since (their ids differ, so its configurations run again).
 */
function staleTraceNotes(existing: readonly SweepRecord[], jobs: readonly SweepJob[]): string[] {
  const current = new Map(jobs.map((job) => [job.trace, job.traceFingerprint]));
  const stale = new Map<string, number>();
  for (const record of latestRecords(existing)) {
    const fingerprint = current.get(record.trace);
    if (fingerprint !== undefined && record.traceFingerprint !== fingerprint) stale.set(record.trace, (stale.get(record.trace) ?? 0) + 1);
  }
  return [...stale].map(([trace, count]) => `${trace} changed since ${count} result(s) of it were saved (its content differs); its configurations run again`);
}

/**
 * Runs an explicit list of configurations (a grid's shard, or explain's and advise's
 * lists, built with makeJob) on the pool, with the same folder, resume and progress
 * behaviour as a grid sweep. `options.shard` is ignored here: shard before calling.
 */
export async function runSweepJobs(jobs: SweepJob[], options: SweepOptions): Promise<SweepSummary> {
  const started = performance.now();
  // Plugin variants first: a plugin that does not compile stops the sweep before it writes anything.
  const variantOf = await compileJobVariants(jobs, options.progress === 'none' ? undefined : (line) => process.stderr.write(`sweep: ${line}\n`), options.attribution ? 'attribution' : 'model');
  ensureOutputDir(options.out, '--out-dir');
  // One sweep per folder at a time: two would run everything twice and interleave lines.
  const lock = acquireFolderLock(options.out, 'sweep', '--out-dir');
  let log: ResultsLog;
  try {
    log = new ResultsLog(options.out);
  } catch (err) {
    lock.release();
    throw err;
  }
  // Ctrl-C / SIGTERM: stop the workers; every finished configuration is already saved.
  let stopping: StopSignal | Error | undefined;
  let destroyPool: () => Promise<void> = async () => {};
  const stop = (reason: StopSignal | Error) => {
    stopping ??= reason;
    void destroyPool();
  };
  const trap = options.trapSignals === false ? undefined : trapSignals(stop);
  const throwIfStopped = (saved: number) => {
    if (stopping instanceof Error) throw stopping;
    if (stopping !== undefined) {
      throw new Interrupted(stopping, `${saved} of ${jobs.length} configurations are saved in ${log.path}; run the same command again to resume`);
    }
  };
  try {
    const notes = staleTraceNotes(log.existing, jobs);
    // A finished configuration whose detail file is gone runs again (it rewrites the file).
    const wanted = new Set(jobs.map((job) => job.id));
    const done = new Set<string>();
    for (const r of latestRecords(log.existing)) {
      if (r.status !== 'ok' && options.retryFailed) continue;
      if (r.status === 'ok' && r.detail !== undefined && wanted.has(r.id) && !existsSync(join(options.out, r.detail))) {
        notes.push(`${join(options.out, r.detail)} is missing; configuration ${r.id} runs again to rewrite it`);
        continue;
      }
      done.add(r.id);
    }
    const pending = jobs.filter((job) => !done.has(job.id));
    for (const line of notes) noteTo(options)(line);
    saveFingerprints(options.out, new Set(jobs.map((job) => job.trace)));
    const progress = options.progress === 'none' ? silentProgress : options.progress === undefined || options.progress === 'auto' ? createProgressReporter(process.stderr) : options.progress;
    const { workers, note } = sweepWorkerCount(options.workers, pending.length);
    if (note !== undefined && pending.length > 0 && options.progress !== 'none') process.stderr.write(`sweep: ${note}\n`);
    const snapshot: ProgressSnapshot = { total: jobs.length, done: jobs.length - pending.length, skipped: jobs.length - pending.length, failed: 0, running: 0, translations: 0, elapsedMs: 0 };
    // Configurations run by this call: the ones done beyond those skipped.
    const ran = () => snapshot.done - snapshot.skipped;

    if (pending.length > 0) {
      const variants = Object.fromEntries([...new Set(variantOf.values())].map((path) => [path, loadVariantModule(path)]));
      const recordsDone = new SharedArrayBuffer(8);
      const workerData: SweepWorkerData = { module: loadModelModule(), variants, recordsDone };
      // What the workers simulated so far, running configurations included: a live rate while long ones run.
      const simulated = () => Number(Atomics.load(new BigInt64Array(recordsDone), 0));
      // Loaded here, not at CLI start: every other command would pay for it.
      const { Piscina } = await import('piscina');
      // The pool first: its workers start while this thread reads the traces.
      const pool = new Piscina<SweepTask, SweepTaskResult>({ filename: WORKER_PATH, workerData, minThreads: workers, maxThreads: workers, idleTimeout: 60_000 });
      let destroyed: Promise<void> | undefined;
      destroyPool = () => (destroyed ??= pool.destroy());
      // A worker dying between tasks is reported here, not to a task: the pool replaces it.
      pool.on('error', () => {});
      const simulable = pending.filter((job) => job.configError === undefined);
      const shared = loadSharedTraces([...new Set(simulable.map((job) => job.trace))], options.memoryBudgetBytes ?? defaultMemoryBudget(), options.maxSharedTraceBytes ?? MAX_SHARED_TRACE_BYTES, (trace, bytes) => {
        noteTo(options)(`${trace}: ${(bytes / 1e9).toFixed(2)} GB, streamed from disk by each worker (traces of 2 GiB or more are not held in shared memory)`);
      });
      const runStarted = performance.now();
      const finish = (record: SweepRecord, detail?: RecordDetail) => {
        // After a signal or a write error, the pool's cancelled tasks are not failures.
        if (stopping !== undefined) return;
        try {
          log.append(record, detail);
        } catch (err) {
          stop(err as Error);
          return;
        }
        snapshot.done++;
        if (record.status === 'failed') snapshot.failed++;
        snapshot.translations = simulated();
        snapshot.running = Math.min(workers, pending.length - ran());
        snapshot.elapsedMs = performance.now() - runStarted;
        progress.update(snapshot);
      };
      const crashIds = new Set(options.crashIds ?? []);
      const runJob = async (job: SweepJob): Promise<void> => {
        if (job.configError !== undefined) return finish(failedRecord(job, job.configError, 0, options.costModel));
        const task: SweepTask = { trace: job.trace, config: job.config };
        const variant = variantOf.get(job.id);
        if (variant !== undefined) task.variant = variant;
        if (options.attribution) task.attribution = true;
        const buffer = shared.get(job.trace);
        if (buffer) task.shared = buffer;
        if (crashIds.has(job.id)) task.crash = 'exit';
        try {
          const { result, elapsedMs } = await pool.run(task);
          const { record, detail } = okRecord(job, result, elapsedMs, options.costModel);
          finish(record, detail);
        } catch (err) {
          finish(failedRecord(job, describeFailure(err), 0, options.costModel));
        }
      };
      // Progress ticks while long configurations run, not only when one finishes.
      const ticker = setInterval(() => {
        snapshot.elapsedMs = performance.now() - runStarted;
        snapshot.translations = simulated();
        snapshot.running = Math.min(workers, pending.length - ran());
        progress.update(snapshot);
      }, 500);
      ticker.unref();
      try {
        await Promise.all(longestFirst(pending, shared).map(runJob));
      } finally {
        clearInterval(ticker);
        await destroyPool();
      }
      snapshot.elapsedMs = performance.now() - runStarted;
      snapshot.running = 0;
      progress.finish(snapshot);
      throwIfStopped(snapshot.done);
    }

    // Every configuration of this shard with its latest record, in grid order.
    const byId = new Map(latestRecords(readResultsFile(log.path)).map((r) => [r.id, r]));
    // Costed with this call's model, whichever model costed them when they were saved.
    const records = jobs
      .map((job) => byId.get(job.id))
      .filter((r): r is SweepRecord => r !== undefined)
      .map((r) => ({ ...r, costBytes: configCostBytes(r.config, options.costModel) }));
    const files: SweepSummary['files'] = {
      results: log.path,
      csv: writeCsv(options.out, records),
      charts: options.charts === false ? [] : await writeCharts(options.out, records),
    };
    throwIfStopped(records.length);
    const totals = countStatuses(records);
    return {
      outDir: options.out,
      total: jobs.length,
      skipped: jobs.length - pending.length,
      ran: ran(),
      ok: totals.ok,
      failed: totals.failed,
      translations: snapshot.translations,
      elapsedMs: performance.now() - started,
      records,
      files,
    };
  } finally {
    trap?.release();
    log.close();
    lock.release();
  }
}

/** The plugin variant file of each job that links plugins (compiled or found in build/models/), by job id. */
export async function compileJobVariants(jobs: readonly SweepJob[], log?: (line: string) => void, build: VariantBuild = 'model'): Promise<Map<string, string>> {
  const byPlugins = new Map<string, string>();
  const variantOf = new Map<string, string>();
  for (const job of jobs) {
    if (job.configError !== undefined) continue;
    const plugins = configPlugins(job.config);
    if (Object.keys(plugins).length === 0) continue;
    const key = JSON.stringify(plugins);
    let path = byPlugins.get(key);
    if (path === undefined) {
      path = await compileVariant(plugins, log, build);
      byPlugins.set(key, path);
    }
    variantOf.set(job.id, path);
  }
  return variantOf;
}

/**
 * Dispatch order: the likely longest configurations first, so the sweep does not end with
 * one worker finishing a long configuration while the others idle. Cost grows with the
 * trace's length and, per translation, with the window (an out-of-order window of tq
 * in flight costs more than an in-order one). Results are still reported in grid order.
 */
function longestFirst(jobs: SweepJob[], shared: Map<string, SharedArrayBuffer>): SweepJob[] {
  const traceBytes = new Map<string, number>();
  const bytesOf = (trace: string) => {
    let bytes = traceBytes.get(trace);
    if (bytes === undefined) {
      bytes = shared.get(trace)?.byteLength ?? statSync(trace).size;
      traceBytes.set(trace, bytes);
    }
    return bytes;
  };
  const cost = (job: SweepJob) => bytesOf(job.trace) * (1 + (job.config.outOfOrder ? 0.1 : 0.02) * Math.log2(job.config.tq));
  return [...jobs].sort((a, b) => cost(b) - cost(a) || a.index - b.index);
}

function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // Piscina reports a worker that died as "worker exited with code: N".
  return /^worker exited|^Terminating worker/i.test(message) ? `worker crashed (${message})` : message;
}

/** Writes results.csv atomically: readers never see half a file. */
export function writeCsv(outDir: string, records: readonly SweepRecord[]): string {
  const path = join(outDir, CSV_FILE);
  writeFilesAtomically([{ path, data: Buffer.from(formatCsv(records)) }]);
  return path;
}

/** Charts need vega (slow to load), so it is imported only when charts are drawn. */
export async function writeCharts(outDir: string, records: readonly SweepRecord[], checkpoint?: () => Promise<void>): Promise<string[]> {
  const { plotResults } = await import('../plot.js');
  return plotResults(outDir, records, {}, checkpoint);
}
