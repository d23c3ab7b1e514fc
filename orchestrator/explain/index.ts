/**
 * `hypersio explain`'s programmatic API: simulates the configuration (with latency
 * attribution) and every single change of what-if.ts on the sweep pool, results kept in
 * the output folder (the base in base/, the changes at the top), so a rerun simulates
 * nothing; builds the explanation (explanation.ts), its JSON and charts.
 */
import { closeSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFilesAtomically } from '../../core/atomic-write.js';
import { InputError } from '../../core/errors.js';
import type { ModelConfig } from '../config.js';
import { configCostBytes, type CostModel } from '../cost-model.js';
import { openTrace } from '../model.js';
import type { RunResult } from '../model-core.js';
import { withDetail, type SweepRecord } from '../sweep/results.js';
import { runSweepJobs, type SweepOptions } from '../sweep/runner.js';
import { makeJob } from '../sweep/spec.js';
import { summarizeAttribution } from '../attribution.js';
import { buildExplanation, SET_USE_WHAT_IFS, type Explanation, type RunFigures } from './explanation.js';
import { whatIfChanges, type SkippedWhatIf } from './what-if.js';

export { formatExplanation, type Explanation } from './explanation.js';

export interface ExplainOptions {
  trace: string;
  config: ModelConfig;
  /** Output folder; default build/explain/<trace name>. */
  outDir?: string;
  workers?: number;
  /** Simulate the single changes (default true); without, only the base is explained. */
  whatIf?: boolean;
  /** Draw the charts (default true). */
  charts?: boolean;
  progress?: SweepOptions['progress'];
  /** The hardware cost figures (default: DEFAULT_COST_MODEL). */
  costModel?: CostModel;
}

export interface ExplainOutcome {
  explanation: Explanation;
  outDir: string;
  /** Configurations simulated by this call (0 when every one was in the output folder). */
  simulated: number;
  files: { results: string; explanation: string; charts: string[] };
}

export const EXPLANATION_FILE = 'explanation.json';
/** The base configuration's folder (with attribution) inside the output folder. */
const BASE_DIR = 'base';

/** build/explain/<trace name without _iotlb_trace.bin>. */
export function defaultExplainDir(trace: string): string {
  return join('build', 'explain', basename(trace).replace(/_iotlb_trace\.bin$/, ''));
}

/** The trace file as named (a prefix gets its suffix) and its real path (its identity in the results); an InputError names a bad one. */
function resolveTrace(trace: string): { shown: string; real: string } {
  const { fd, path } = openTrace(trace);
  closeSync(fd);
  return { shown: path, real: realpathSync(path) };
}

const figures = (r: SweepRecord | RunResult): RunFigures => ({
  linkUtilization: r.linkUtilization ?? 0,
  mbps: r.mbps ?? 0,
  packetsDropped: r.packetsDropped ?? 0,
  translations: r.translations ?? 0,
  simTimeNs: r.simTimeNs ?? 0,
});

export async function explain(options: ExplainOptions): Promise<ExplainOutcome> {
  const { shown, real: trace } = resolveTrace(options.trace);
  const outDir = options.outDir ?? defaultExplainDir(trace);
  const { changes, skipped } = options.whatIf === false ? { changes: [], skipped: [] } : whatIfChanges(options.config);
  const baseJob = makeJob(trace, options.config, 0);
  if (baseJob.configError !== undefined) throw new InputError(baseJob.configError);
  const common = { workers: options.workers, charts: false, progress: options.progress ?? 'auto', costModel: options.costModel } as const;
  // The base apart, in a folder of its own: it alone needs the attribution, and a change
  // simulated without it (this folder's records) must not stand in for it.
  const baseRun = await runSweepJobs([baseJob], { ...common, out: join(outDir, BASE_DIR), attribution: true });
  const jobs = changes.map((c, i) => makeJob(trace, c.config, i + 1));
  const whatIfRun = await runSweepJobs(jobs, { ...common, out: outDir });
  const baseRecord = baseRun.records[0];
  if (baseRecord?.status !== 'ok') throw new Error(`the base configuration failed: ${baseRecord?.error ?? 'no result'}`);
  const base = withDetail(join(outDir, BASE_DIR), baseRecord) as SweepRecord & Pick<RunResult, 'flows' | 'attribution'>;
  if (base.attribution === undefined) throw new Error(`${join(outDir, BASE_DIR)}: the base's record has no latency attribution (remove the folder and run again)`);
  const summary = summarizeAttribution(base);
  const byId = new Map(whatIfRun.records.map((r) => [r.id, r]));
  const failed: SkippedWhatIf[] = [];
  const whatIfs = changes.flatMap((whatIf, i) => {
    const record = byId.get(jobs[i]!.id);
    if (record?.status === 'ok') return [{ whatIf, result: figures(record) }];
    failed.push({ id: whatIf.id, change: whatIf.change, reason: `failed: ${record?.error ?? 'no result'}` });
    return [];
  });
  // The larger IOTLBs' accesses per set, from their records' detail.
  const iotlbSetAccesses: Record<string, number[]> = {};
  for (const [i, whatIf] of changes.entries()) {
    const record = byId.get(jobs[i]!.id);
    if (!SET_USE_WHAT_IFS.includes(whatIf.id) || record?.status !== 'ok') continue;
    iotlbSetAccesses[whatIf.id] = (withDetail(outDir, record) as Pick<RunResult, 'caches'>).caches.IOTLB.setAccesses;
  }
  const explanation = buildExplanation({
    // The commands it prints use the path as the user gave it (from the same folder, they run as shown).
    trace: shown,
    config: options.config,
    base: figures(base),
    latency: summary.latency,
    tenants: summary.tenants,
    whatIfs,
    skipped: [...skipped, ...failed],
    costOf: (config) => configCostBytes(config, options.costModel),
    iotlbSetAccesses,
  });
  const explanationPath = join(outDir, EXPLANATION_FILE);
  const charts = options.charts === false ? [] : await (await import('./charts.js')).writeExplainCharts(outDir, explanation);
  writeFilesAtomically([{ path: explanationPath, data: Buffer.from(JSON.stringify(explanation, null, 2) + '\n') }]);
  return { explanation, outDir, simulated: baseRun.ran + whatIfRun.ran, files: { results: whatIfRun.files.results, explanation: explanationPath, charts } };
}
