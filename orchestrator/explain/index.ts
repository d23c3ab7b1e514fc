/**
 * `hypersio explain`'s programmatic API: simulates the configuration and every single
 * change of what-if.ts on the sweep pool (results kept in the output folder, so a rerun
 * simulates nothing), and builds the explanation (explanation.ts), its JSON and charts.
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
import { latencyFromHistogram, tenantsFromFlows } from './breakdown.js';
import { buildExplanation, type Explanation, type RunFigures } from './explanation.js';
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

/** build/explain/<trace name without _iotlb_trace.bin>. */
export function defaultExplainDir(trace: string): string {
  return join('build', 'explain', basename(trace).replace(/_iotlb_trace\.bin$/, ''));
}

/** The trace's real path (its identity in the results), or an InputError naming it. */
function resolveTrace(trace: string): string {
  const { fd, path } = openTrace(trace);
  closeSync(fd);
  return realpathSync(path);
}

const figures = (r: SweepRecord | RunResult): RunFigures => ({
  linkUtilization: r.linkUtilization ?? 0,
  mbps: r.mbps ?? 0,
  packetsDropped: r.packetsDropped ?? 0,
  translations: r.translations ?? 0,
  simTimeNs: r.simTimeNs ?? 0,
});

export async function explain(options: ExplainOptions): Promise<ExplainOutcome> {
  const trace = resolveTrace(options.trace);
  const outDir = options.outDir ?? defaultExplainDir(trace);
  const { changes, skipped } = options.whatIf === false ? { changes: [], skipped: [] } : whatIfChanges(options.config);
  const baseJob = makeJob(trace, options.config, 0);
  if (baseJob.configError !== undefined) throw new InputError(baseJob.configError);
  const jobs = [baseJob, ...changes.map((c, i) => makeJob(trace, c.config, i + 1))];
  const summary = await runSweepJobs(jobs, { out: outDir, workers: options.workers, charts: false, progress: options.progress ?? 'auto', costModel: options.costModel });
  const byId = new Map(summary.records.map((r) => [r.id, r]));
  const baseRecord = byId.get(baseJob.id);
  if (baseRecord?.status !== 'ok') throw new Error(`the base configuration failed: ${baseRecord?.error ?? 'no result'}`);
  const base = withDetail(outDir, baseRecord) as SweepRecord & Pick<RunResult, 'flows' | 'latencyHistogram'>;
  const failed: SkippedWhatIf[] = [];
  const whatIfs = changes.flatMap((whatIf, i) => {
    const record = byId.get(jobs[i + 1]!.id);
    if (record?.status === 'ok') return [{ whatIf, result: figures(record) }];
    failed.push({ id: whatIf.id, change: whatIf.change, reason: `failed: ${record?.error ?? 'no result'}` });
    return [];
  });
  const explanation = buildExplanation({
    trace,
    config: options.config,
    base: figures(base),
    latency: latencyFromHistogram(base.latencyHistogram),
    tenants: tenantsFromFlows(base.flows),
    whatIfs,
    skipped: [...skipped, ...failed],
    costOf: (config) => configCostBytes(config, options.costModel),
  });
  const explanationPath = join(outDir, EXPLANATION_FILE);
  const charts = options.charts === false ? [] : await (await import('./charts.js')).writeExplainCharts(outDir, explanation);
  writeFilesAtomically([{ path: explanationPath, data: Buffer.from(JSON.stringify(explanation, null, 2) + '\n') }]);
  return { explanation, outDir, simulated: summary.ran, files: { results: summary.files.results, explanation: explanationPath, charts } };
}
