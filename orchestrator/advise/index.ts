/**
 * `hypersio advise`'s programmatic API: the cheapest configuration, under the cost model,
 * whose link utilization reaches a target on every trace given. The search (search.ts)
 * runs over the space of space.ts; every round's candidates run on the sweep pool
 * (runSweepJobs) or as a Slurm job array (slurm.ts) into one output folder, whose
 * results.jsonl makes a rerun instant. Writes the winner's `.cfg`, the frontier chart,
 * results.csv of every configuration evaluated and advise.json.
 */
import { join } from 'node:path';
import { baseConfig, formatCacheConfig, type ModelConfig } from '../config.js';
import { configCostBytes, DEFAULT_COST_MODEL, type CostModel } from '../cost-model-core.js';
import { InputError } from '../../core/errors.js';
import { ensureOutputDir, writeFilesAtomically } from '../../core/atomic-write.js';
import { MODEL_PARAMETERS, modelFlags } from '../parameters.js';
import { runSweepJobs, writeCsv } from '../sweep/runner.js';
import { makeJob, resolveTraces, type SweepJob } from '../sweep/spec.js';
import type { SweepRecord } from '../sweep/results.js';
import { paretoFrontier, searchCheapest, type Evaluation, type Evaluator, type Step } from './search.js';
import { buildSearchSpace, type SearchLimits } from './space.js';
import { evaluateOnSlurm, type AdviseSlurmSettings } from './slurm.js';

export { ADVISE_KEYS, type SearchLimits } from './space.js';
export type { AdviseSlurmSettings } from './slurm.js';

export const DEFAULT_ADVISE_OUT = 'build/advise';

export interface AdviseOptions {
  traces: string[];
  /** Link utilization to reach on every trace, in percent. */
  targetPercent: number;
  /** The starting configuration (`--config` and the model flags; default the base architecture). */
  start?: ModelConfig;
  limits?: SearchLimits;
  out?: string;
  workers?: number;
  costModel?: CostModel;
  /** Most configurations to evaluate. */
  budget?: number;
  /** Progress on stderr (default 'auto'). */
  progress?: 'auto' | 'none';
  /** Evaluate each round's candidates as a Slurm job array. */
  slurm?: AdviseSlurmSettings;
  charts?: boolean;
}

/** A configuration as advise reports it. */
export interface AdvisedConfiguration {
  config: ModelConfig;
  costBytes: number;
  /** Link utilization (a fraction) per trace path. */
  linkUtilization: Record<string, number>;
  /** The lowest of linkUtilization: what the target constrains. */
  worstLinkUtilization: number;
  /** `run` flags from the starting configuration to this one. */
  changes: string[];
}

export interface AdviseResult {
  targetPercent: number;
  traces: string[];
  reached: boolean;
  /** The search stopped at --budget configurations (a cheaper answer may exist). */
  budgetSpent: boolean;
  best: AdvisedConfiguration;
  start: AdvisedConfiguration;
  path: (Omit<Step, 'utilization'> & { linkUtilization: Record<string, number> })[];
  /** Configurations evaluated (each on every trace). */
  evaluated: number;
  /** Simulations (configuration × trace) this run ran; the others were in the output folder. */
  simulated: number;
  frontier: AdvisedConfiguration[];
  /** `hypersio run` for the winner on the first trace (its caches from the .cfg file). */
  runCommand: string;
  files: { cfg: string; json: string; results: string; csv: string; charts: string[] };
}

function checkNoIdealModes(config: ModelConfig): void {
  const ideal = Object.entries(config).filter(([key, value]) => key.startsWith('ideal') && value === true);
  if (ideal.length > 0) throw new InputError(`advise: ${ideal.map(([key]) => key).join(', ')} on: ideal modes are limit studies, and advise looks for real hardware (leave them off)`);
}

export async function advise(options: AdviseOptions): Promise<AdviseResult> {
  if (!(options.targetPercent > 0 && options.targetPercent <= 200)) throw new InputError(`--target ${options.targetPercent}: expected a link utilization in percent, above 0 and at most 200`);
  if (options.traces.length === 0) throw new InputError('--trace: required (one or more PREFIX_iotlb_trace.bin files)');
  const traces = resolveTraces({ traces: options.traces, axes: {} });
  const out = options.out ?? DEFAULT_ADVISE_OUT;
  const costModel = options.costModel ?? DEFAULT_COST_MODEL;
  const startConfig = options.start ?? baseConfig();
  checkNoIdealModes(startConfig);
  const space = buildSearchSpace(startConfig, options.limits);
  ensureOutputDir(out, '--out-dir');

  const records = new Map<string, SweepRecord>();
  let simulated = 0;
  let nextIndex = 0;
  const quiet = options.progress === 'none';
  const evaluate: Evaluator = async (batch, round) => {
    const jobs: SweepJob[] = batch.flatMap(({ config }) => traces.map((trace) => makeJob(trace, config, nextIndex++)));
    if (!quiet) process.stderr.write(`advise: round ${round.round} (${round.phase}): ${batch.length} configuration${batch.length === 1 ? '' : 's'} × ${traces.length} trace${traces.length === 1 ? '' : 's'}\n`);
    const done = options.slurm
      ? await evaluateOnSlurm(jobs, { out, round: round.round, settings: options.slurm, costModel, quiet })
      : await runSweepJobs(jobs, { out, workers: options.workers, charts: false, progress: quiet ? 'none' : 'auto', costModel });
    simulated += done.ran;
    for (const record of done.records) records.set(record.id, record);
    return batch.map(({ config, point }, b) => {
      const mine = jobs.slice(b * traces.length, (b + 1) * traces.length).map((job) => records.get(job.id));
      const failed = mine.find((r) => r === undefined || r.status !== 'ok');
      const evaluation: Evaluation = { config, point, costBytes: configCostBytes(config, costModel), utilization: mine.map((r) => (r?.status === 'ok' ? (r.linkUtilization ?? 0) : 0)) };
      if (failed !== undefined) evaluation.error = failed?.error ?? 'not simulated';
      return evaluation;
    });
  };

  const target = options.targetPercent / 100;
  const result = await searchCheapest(space, evaluate, { target, costModel, budget: options.budget, onRound: quiet ? undefined : (text) => process.stderr.write(`advise: ${text}\n`) });

  const startEvaluation = result.start;
  const present = (e: Evaluation): AdvisedConfiguration => ({
    config: e.config,
    costBytes: e.costBytes,
    linkUtilization: Object.fromEntries(traces.map((trace, t) => [trace, e.utilization[t] ?? 0])),
    worstLinkUtilization: Math.min(...e.utilization),
    changes: modelFlags(e.config, startEvaluation.config),
  });
  const best = present(result.best);
  const frontier = paretoFrontier(result.evaluated).map(present);

  // The winner's files: its caches as a .cfg, and the run command that reproduces it.
  const cfgPath = join(out, 'best.cfg');
  const otherFlags = modelFlags(best.config, baseConfig()).filter((flag) => {
    const p = MODEL_PARAMETERS.find((q) => flag === `--${q.flag}` || flag.startsWith(`--${q.flag} `));
    return p !== undefined && p.cfg === undefined;
  });
  const runCommand = ['hypersio', 'run', '--trace', traces[0] as string, '--config', cfgPath, ...otherFlags].join(' ');
  const allRecords = [...records.values()].sort((a, b) => a.gridIndex - b.gridIndex);
  const csv = writeCsv(out, allRecords);
  const charts = options.charts === false ? [] : await (await import('./chart.js')).writeFrontierChart(out, result.evaluated, result.best, target);
  const path = result.path.map(({ utilization, ...step }) => ({ ...step, linkUtilization: Object.fromEntries(traces.map((trace, t) => [trace, utilization[t] ?? 0])) }));
  const adviseResult: AdviseResult = {
    targetPercent: options.targetPercent,
    traces,
    reached: result.reached,
    budgetSpent: result.budgetSpent,
    best,
    start: present(startEvaluation),
    path,
    evaluated: result.evaluated.length,
    simulated,
    frontier,
    runCommand,
    files: { cfg: cfgPath, json: join(out, 'advise.json'), results: join(out, 'results.jsonl'), csv, charts },
  };
  writeFilesAtomically([
    { path: cfgPath, data: Buffer.from(formatCacheConfig(best.config)) },
    { path: adviseResult.files.json, data: Buffer.from(JSON.stringify(adviseResult, null, 2) + '\n') },
  ]);
  return adviseResult;
}
