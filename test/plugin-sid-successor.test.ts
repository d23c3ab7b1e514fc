/**
 * The built-in sid-successor prefetcher is one implementation of the prefetcher interface:
 * written as a plugin (examples/sid-successor.ts), it gives results identical to the
 * built-in's on every golden case, but for the built-in's own prediction counters (a
 * plugin keeps its statistics to itself).
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseConfig } from '../orchestrator/config.js';
import { loadModelFor, runTraceFile } from '../orchestrator/model.js';
import type { RunResult } from '../orchestrator/model-core.js';
import { pluginFileValue } from '../orchestrator/plugins/resolve.js';
import { GOLDEN_CASES, goldenConfig, goldenTrace } from './golden-cases.js';
import { PROJECT_ROOT } from './helpers.js';

const SID_SUCCESSOR = pluginFileValue(resolve(PROJECT_ROOT, 'examples/sid-successor.ts'), 'test');

let variant: WebAssembly.Module;
beforeAll(async () => {
  variant = await loadModelFor({ ...baseConfig(), prefetchScheme: SID_SUCCESSOR });
}, 120_000);

/** A result without the built-in prefetcher's own counters. */
function withoutPredictorCounters(r: RunResult) {
  const { bufferFill, bufferHit, bufferMiss, fillTheSame } = r.prefetcher;
  return { ...r, prefetcher: { bufferFill, bufferHit, bufferMiss, fillTheSame } };
}

describe('examples/sid-successor.ts as the prefetcher', () => {
  for (const c of GOLDEN_CASES) {
    it(`${c.trace} / ${c.config}: identical to the built-in sid-successor`, async () => {
      const trace = goldenTrace(c);
      const config = goldenConfig(c);
      const builtIn = await runTraceFile(trace, config);
      const plugin = await runTraceFile(trace, { ...config, prefetchScheme: SID_SUCCESSOR }, { module: variant });
      expect(withoutPredictorCounters(plugin)).toEqual(withoutPredictorCounters(builtIn));
    });
  }
});
