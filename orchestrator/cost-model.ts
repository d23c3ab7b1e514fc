/**
 * The hardware cost model's interface for the CLI and the sweeps: the derivation
 * (cost-model-core.ts, host-independent) and reading an override file (`--cost-model`).
 */
import { readSmallTextFile } from './input-file.js';
import { DEFAULT_COST_MODEL, parseCostModel, type CostModel } from './cost-model-core.js';

export { configCostBytes, costBreakdown, DEFAULT_COST_MODEL, type CostModel } from './cost-model-core.js';

/** Cost figures are a few hundred bytes of JSON: 1 MiB is far beyond any real file. */
const MAX_COST_MODEL_BYTES = 1 << 20;

/** The default cost model, or the defaults with `path`'s JSON figures on top (InputError naming the file and field). */
export function loadCostModel(path?: string): CostModel {
  if (path === undefined) return DEFAULT_COST_MODEL;
  return parseCostModel(readSmallTextFile(path, 'cost model (JSON)', MAX_COST_MODEL_BYTES), path);
}
