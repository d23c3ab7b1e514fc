/**
 * `hypersio pipeline`: collect → trace-gen → sweep → charts in one output folder
 * (`logs/`, `traces/`, `results/`), each stage skipped when its outputs exist and are
 * newer than its inputs (make-like, so a stage re-run upstream makes the later ones
 * run again instead of reusing stale results).
 *
 * Every stage writes atomically or resumably: collect and trace-gen rename complete
 * files into place, the sweep appends whole lines to results.jsonl, charts are renamed
 * into place. A failure therefore leaves complete outputs of earlier stages (which the
 * next invocation reuses) and nothing half-written.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collect, validateCollectOptions, type CollectOptions } from '../qemu/index.js';
import { logBaseName, logGroupPrefix, manifestPathForLog, readManifest } from '../core/manifest.js';
import { projectPath } from '../core/paths.js';
import { ensureOutputDir, writeFilesAtomically } from '../core/atomic-write.js';
import { buildTrace } from '../tracegen/index.js';
import { parseTenantOrder, type TenantOrder } from '../tracegen/index.js';
import { InputError, Interrupted } from '../core/errors.js';
import { tracePaths, tracePrefix, TRANSLATIONS_PER_PACKET } from '../core/trace-format.js';
import { axisByKey, type AxisValue, type SweepAxis } from './sweep/axes.js';
import { CSV_FILE, latestRecords, readResultsFile, RESULTS_FILE, type SweepRecord } from './sweep/results.js';
import { chartNames } from './sweep/charts.js';
import { runSweep, writeCsv, writeCharts } from './sweep/runner.js';
import { expandGrid, tenantsFromTraceName, type SweepSpec } from './sweep/spec.js';
import { loadFingerprints } from './sweep/trace-fingerprint.js';

/** Without --tq / --iotlb-size the sweep still draws a hit-rate curve. */
export const DEFAULT_PIPELINE_AXES: Readonly<Record<string, readonly AxisValue[]>> = { iotlbSize: [64, 256, 1024] };
/** Written by the trace stage: expected trace prefix → the one trace-gen produced (they differ when a log yields extra tenants). */
const TRACE_INDEX_FILE = 'traces.json';

export type PipelineStage = 'collect' | 'trace-gen' | 'sweep' | 'charts';

export interface PipelineOptions {
  /** What to collect (nics, workload, runs, models, size …); its outDir is ignored: logs go to `<outDir>/logs`. */
  collect: CollectOptions;
  /** Tenant counts: one trace each, every one at most nics × runs. */
  tenants: readonly number[];
  /** Tenant interleaving of the traces (default rr). */
  order?: string;
  /** Packets per tenant turn (consec = 3 · burst; default 1). */
  burst?: number;
  /** Sweep axes by key (orchestrator/sweep/axes.ts), e.g. { tq: [1, 32] }; default DEFAULT_PIPELINE_AXES. */
  axes?: Record<string, readonly AxisValue[]>;
  /** Parallel simulations (default: the machine's cores). */
  workers?: number;
  /** Default build/pipeline/<workload>_vm_<N> in the repository. */
  outDir?: string;
  /** Progress lines (the CLI sends them to stderr). */
  progress?: (line: string) => void;
  /** The sweep's progress bar/lines on stderr (default true). */
  sweepProgress?: boolean;
  /** Install SIGINT/SIGTERM handlers while collecting and building traces (default true). */
  handleSignals?: boolean;
}

export interface PipelineResult {
  outDir: string;
  logsDir: string;
  tracesDir: string;
  resultsDir: string;
  /** Whether each stage ran or was skipped because its outputs were up to date. */
  stages: Record<PipelineStage, 'ran' | 'skipped'>;
  logs: string[];
  /** Translation traces (`…_iotlb_trace.bin`), one per tenant count. */
  traces: string[];
  /** Every configuration of the sweep, in grid order. */
  records: SweepRecord[];
  failed: number;
  files: { results: string; csv: string; charts: string[] };
}

/** Trace-gen was stopped by a signal before writing anything. */
export class PipelineInterrupted extends Interrupted {
  override name = 'PipelineInterrupted';
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super(signal, 'no partial trace written');
  }
}

interface ResolvedPipeline {
  collect: CollectOptions;
  nics: number;
  runs: number;
  workload: string;
  logPrefix: string;
  collectSignature: CollectSignature;
  tenants: number[];
  order: TenantOrder;
  consec: number;
  axes: Record<string, AxisValue[]>;
  outDir: string;
}

/** The manifest parameters that make logs of the same name differ. */
interface CollectSignature {
  mode: string;
  iovaLayout: string;
  nicModels: string[];
  mbPerNic?: number;
  durationSeconds?: number;
}

/** Checks every option before anything starts (bad input is an InputError, nothing written). */
export function resolvePipelineOptions(options: PipelineOptions): ResolvedPipeline {
  const v = validateCollectOptions(options.collect);
  const maxTenants = v.nics * v.runs;
  if (options.tenants.length === 0) throw new InputError('--tenants: required (one or more tenant counts)');
  for (const t of options.tenants) {
    if (!Number.isInteger(t) || t < 1) throw new InputError(`--tenants ${String(t)}: must be a positive integer`);
    if (t > maxTenants) {
      throw new InputError(`--tenants ${t}: more than the ${maxTenants} tenant devices collected (--nics ${v.nics} × --runs ${v.runs}); raise --runs to at least ${Math.ceil(t / v.nics)}`);
    }
  }
  const order = parseTenantOrder(options.order ?? 'rr');
  const burst = options.burst ?? 1;
  if (!Number.isInteger(burst) || burst < 1) throw new InputError(`--burst ${String(burst)}: must be a positive integer`);
  if (options.workers !== undefined && (!Number.isInteger(options.workers) || options.workers < 1)) {
    throw new InputError(`--workers ${String(options.workers)}: must be a positive integer`);
  }
  const axes: Record<string, AxisValue[]> = {};
  for (const [key, values] of Object.entries(options.axes ?? DEFAULT_PIPELINE_AXES)) {
    let axis: SweepAxis;
    try {
      axis = axisByKey(key);
    } catch {
      throw new InputError(`sweep axis '${key}': unknown`);
    }
    // Parsed by the sweep's own axis so both commands accept and reject the same values.
    if (values.length > 0) axes[key] = [...new Set(values.map((value) => axis.parse(String(value))))];
  }
  const outDir = resolve(options.outDir ?? projectPath('build', 'pipeline', `${v.workload}_vm_${v.nics}`));
  const collectSignature: CollectSignature = {
    mode: v.mode,
    iovaLayout: v.iovaLayout,
    nicModels: v.placements.map((p) => p.model),
    ...(v.durationSeconds !== null ? { durationSeconds: v.durationSeconds } : { mbPerNic: (v.bytesPerNic ?? 0) / 1048576 }),
  };
  return {
    collect: options.collect,
    nics: v.nics,
    runs: v.runs,
    workload: v.workload,
    logPrefix: logGroupPrefix(v.prefix, v.workload, v.nics),
    collectSignature,
    tenants: [...new Set(options.tenants)].sort((a, b) => a - b),
    order,
    consec: TRANSLATIONS_PER_PACKET * burst,
    axes,
    outDir,
  };
}

function mtimeMs(path: string): number {
  return statSync(path).mtimeMs;
}

/** Signals during a stage: remembered, so the stage can stop at a safe point. */
function trapSignals(enabled: boolean): { readonly signal: 'SIGINT' | 'SIGTERM' | null; release(): void } {
  const state = { signal: null as 'SIGINT' | 'SIGTERM' | null };
  const onSigint = (): void => {
    state.signal ??= 'SIGINT';
  };
  const onSigterm = (): void => {
    state.signal ??= 'SIGTERM';
  };
  if (enabled) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
  }
  return {
    get signal() {
      return state.signal;
    },
    release() {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}

/** What every stage reads: the checked options, the output folders and how to report. */
interface StageContext {
  p: ResolvedPipeline;
  logsDir: string;
  tracesDir: string;
  resultsDir: string;
  progress: (line: string) => void;
  handleSignals: boolean;
  options: PipelineOptions;
}

type StageRun = 'ran' | 'skipped';

export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const p = resolvePipelineOptions(options);
  const context: StageContext = {
    p,
    logsDir: join(p.outDir, 'logs'),
    tracesDir: join(p.outDir, 'traces'),
    resultsDir: join(p.outDir, 'results'),
    progress: options.progress ?? (() => {}),
    handleSignals: options.handleSignals ?? true,
    options,
  };
  for (const dir of [context.logsDir, context.tracesDir, context.resultsDir]) ensureOutputDir(dir, '--out-dir');
  const collected = await collectStage(context);
  const built = await traceStage(context, collected.newestLog);
  const swept = await sweepStage(context, built.traces);
  const drawn = await chartStage(context, swept.records, swept.resultsPath);
  return {
    outDir: p.outDir,
    logsDir: context.logsDir,
    tracesDir: context.tracesDir,
    resultsDir: context.resultsDir,
    stages: { collect: collected.stage, 'trace-gen': built.stage, sweep: swept.stage, charts: drawn.stage },
    logs: collected.logs,
    traces: built.traces,
    records: swept.records,
    failed: swept.records.filter((r) => r.status === 'failed').length,
    files: { results: swept.resultsPath, csv: swept.csv, charts: drawn.charts },
  };
}

/**
 * Stage 1: the logs and their manifests. The collector runs all R runs (it cannot start
 * at run k), so a partial set is collected again in full.
 */
async function collectStage({ p, logsDir, progress, handleSignals }: StageContext): Promise<{ stage: StageRun; logs: string[]; newestLog: number }> {
  const logs = Array.from({ length: p.runs }, (_, k) => join(logsDir, `${logBaseName(p.collect.name ?? 'hypersio', p.workload, p.nics, k)}.txt.gz`));
  const present = logs.filter((log) => existsSync(log) && existsSync(manifestPathForLog(log)));
  let stage: StageRun = 'skipped';
  if (present.length === logs.length) {
    for (const log of logs) checkLogMatches(log, p);
    progress(`pipeline: collect: skipped, ${logs.length} log(s) and manifest(s) already in ${logsDir}`);
  } else {
    if (present.length > 0) progress(`pipeline: collect: ${present.length} of ${logs.length} logs present; collecting all ${logs.length} runs again`);
    else progress(`pipeline: collect: ${p.runs} run(s) of ${p.nics} NIC(s), workload ${p.workload}, into ${logsDir}`);
    await collect({ ...p.collect, outDir: logsDir, progress, handleSignals });
    stage = 'ran';
  }
  const newestLog = Math.max(...logs.map((log) => Math.max(mtimeMs(log), mtimeMs(manifestPathForLog(log)))));
  return { stage, logs, newestLog };
}

/** Stage 2: one trace per tenant count, rebuilt when missing or older than the logs; in tenant order. */
async function traceStage({ p, logsDir, tracesDir, progress, handleSignals }: StageContext, newestLog: number): Promise<{ stage: StageRun; traces: string[] }> {
  const traceIndexPath = join(tracesDir, TRACE_INDEX_FILE);
  const traceIndex = readTraceIndex(traceIndexPath);
  const traces: string[] = [];
  const toBuild: number[] = [];
  const expectedPrefix = (tenants: number) => tracePrefix(p.workload, tenants, p.order, p.consec);
  for (const tenants of p.tenants) {
    const expected = expectedPrefix(tenants);
    const paths = tracePaths(join(tracesDir, traceIndex[expected] ?? expected));
    const complete = [paths.iotlb, paths.context, paths.pageTable].every((f) => existsSync(f) && mtimeMs(f) >= newestLog);
    if (complete) traces.push(paths.iotlb);
    else toBuild.push(tenants);
  }
  let stage: StageRun = 'skipped';
  if (toBuild.length === 0) {
    progress(`pipeline: trace-gen: skipped, ${traces.length} trace(s) already in ${tracesDir}`);
  } else {
    const trap = trapSignals(handleSignals);
    try {
      for (const tenants of toBuild) {
        progress(`pipeline: trace-gen: ${tenants} tenant(s), order ${p.order}, consec ${p.consec}`);
        const started = Date.now();
        const built = await buildTrace({
          logDir: logsDir,
          logPrefix: p.logPrefix,
          tenants,
          maxDevPerLog: p.nics,
          order: p.order,
          consec: p.consec,
          test: p.workload,
          outDir: tracesDir,
          // Thrown while reading (before any file is written), so nothing is left behind.
          onProgress: () => {
            if (trap.signal) throw new PipelineInterrupted(trap.signal);
          },
        });
        if (trap.signal) throw new PipelineInterrupted(trap.signal);
        const expected = expectedPrefix(tenants);
        if (built.shortfall !== undefined) progress(`pipeline: trace-gen: warning: ${built.shortfall}`);
        else if (built.outputPrefix !== expected) {
          progress(`pipeline: trace-gen: the logs yielded ${built.tenants} tenants for ${tenants} asked (a device changed IOMMU domain): ${built.outputPrefix}`);
        }
        traceIndex[expected] = built.outputPrefix;
        writeFilesAtomically([{ path: traceIndexPath, data: Buffer.from(JSON.stringify(traceIndex, null, 2) + '\n') }]);
        traces.push(built.paths.iotlb);
        progress(`pipeline: trace-gen: ${built.paths.iotlb}: ${built.translations} translations in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    } finally {
      trap.release();
    }
    stage = 'ran';
  }
  // Sweep records name traces in grid order; keep them in tenant order.
  traces.sort((a, b) => (tenantsFromTraceName(a) ?? 0) - (tenantsFromTraceName(b) ?? 0));
  return { stage, traces };
}

/**
 * Stage 3: the sweep. Results of an earlier trace of the same name are not resumed: a
 * configuration's identity includes its trace's content fingerprint (sweep/spec.ts), so
 * they simply match no configuration, and the sweep says so.
 */
async function sweepStage({ p, resultsDir, progress, options }: StageContext, traces: string[]): Promise<{ stage: StageRun; records: SweepRecord[]; resultsPath: string; csv: string }> {
  const spec: SweepSpec = { traces, axes: p.axes };
  loadFingerprints(resultsDir);
  const jobs = expandGrid(spec);
  const resultsPath = join(resultsDir, RESULTS_FILE);
  const done = new Map(latestRecords(readResultsFile(resultsPath)).map((r) => [r.id, r]));
  if (jobs.every((job) => done.get(job.id)?.status === 'ok')) {
    const records = jobs.map((job) => done.get(job.id)).filter((r): r is SweepRecord => r !== undefined);
    progress(`pipeline: sweep: skipped, all ${jobs.length} configuration(s) already in ${resultsPath}`);
    const csv = join(resultsDir, CSV_FILE);
    return { stage: 'skipped', records, resultsPath, csv: existsSync(csv) ? csv : writeCsv(resultsDir, records) };
  }
  progress(`pipeline: sweep: ${jobs.length} configuration(s) on ${traces.length} trace(s) into ${resultsDir}`);
  const summary = await runSweep(spec, {
    out: resultsDir,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    retryFailed: true,
    charts: false,
    progress: options.sweepProgress === false ? 'none' : 'auto',
  });
  return { stage: 'ran', records: summary.records, resultsPath, csv: summary.files.csv };
}

/** Stage 4: the charts (they follow the sweep: sweep/charts.ts), redrawn when missing or older than the results. */
async function chartStage({ resultsDir, progress }: StageContext, records: SweepRecord[], resultsPath: string): Promise<{ stage: StageRun; charts: string[] }> {
  const expectedCharts = chartNames(records).flatMap((name) => ['svg', 'png'].map((ext) => join(resultsDir, `${name}.${ext}`)));
  const existingCharts = expectedCharts.filter((f) => existsSync(f));
  const resultsTime = existsSync(resultsPath) ? mtimeMs(resultsPath) : 0;
  if (existingCharts.length === expectedCharts.length && existingCharts.every((f) => mtimeMs(f) >= resultsTime)) {
    progress(`pipeline: charts: skipped, ${existingCharts.length} chart file(s) already in ${resultsDir}`);
    return { stage: 'skipped', charts: existingCharts };
  }
  progress(`pipeline: charts: drawing into ${resultsDir}`);
  return { stage: 'ran', charts: await writeCharts(resultsDir, records) };
}

/** Logs of the same name collected with other settings would be reused silently: refuse them. */
function checkLogMatches(log: string, p: ResolvedPipeline): void {
  let params: Record<string, unknown>;
  try {
    params = readManifest(log)?.params ?? {};
  } catch (err) {
    throw new InputError(`${(err as Error).message}; remove it to collect again`);
  }
  const expected = p.collectSignature;
  const differences: string[] = [];
  if (params['mode'] !== expected.mode) differences.push(`mode ${String(params['mode'])}, not ${expected.mode}`);
  // Logs from before --iova-layout have the dma-api layout.
  else if (expected.mode === 'direct' && (params['iovaLayout'] ?? 'dma-api') !== expected.iovaLayout) differences.push(`--iova-layout ${String(params['iovaLayout'] ?? 'dma-api')}, not ${expected.iovaLayout}`);
  if (JSON.stringify(params['nicModels']) !== JSON.stringify(expected.nicModels)) differences.push(`NIC models ${String(params['nicModels'])}, not ${expected.nicModels.join(',')}`);
  if (params['mbPerNic'] !== expected.mbPerNic) differences.push(`--mb ${String(params['mbPerNic'] ?? '-')}, not ${String(expected.mbPerNic ?? '-')}`);
  if (params['durationSeconds'] !== expected.durationSeconds) differences.push(`--duration ${String(params['durationSeconds'] ?? '-')}, not ${String(expected.durationSeconds ?? '-')}`);
  if (differences.length > 0) {
    throw new InputError(`${log}: collected with ${differences.join('; ')}: remove ${p.outDir} or choose another --out-dir`);
  }
}

function readTraceIndex(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
  } catch {
    // A damaged index only costs a rebuild of the traces it named.
  }
  return {};
}
