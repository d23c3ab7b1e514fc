/**
 * The extension point changes nothing: LRU written as a plugin (examples/lru.ts) gives
 * results identical to the built-in lru on every golden case (each case run with the IOTLB
 * on LRU, whatever policy the case names), and equal to the reference's own on the exact
 * LRU cases.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseConfig, type ModelConfig } from '../orchestrator/config.js';
import { loadModelFor, runTraceFile } from '../orchestrator/model.js';
import { pluginFileValue } from '../orchestrator/plugins/resolve.js';
import { GOLDEN_CASES, goldenConfig, goldenTrace, type GoldenCase } from './golden-cases.js';
import { PROJECT_ROOT } from './helpers.js';

const LRU_PLUGIN = pluginFileValue(resolve(PROJECT_ROOT, 'examples/lru.ts'), 'test');

let variant: WebAssembly.Module;
beforeAll(async () => {
  variant = await loadModelFor({ ...baseConfig(), iotlbPolicy: LRU_PLUGIN });
}, 120_000);

const caseConfig = (c: GoldenCase): ModelConfig => ({ ...goldenConfig(c), iotlbPolicy: 'lru' });

describe('examples/lru.ts as the IOTLB policy', () => {
  for (const c of GOLDEN_CASES) {
    it(`${c.trace} / ${c.config}: identical to the built-in lru`, async () => {
      const trace = goldenTrace(c);
      const config = caseConfig(c);
      const builtIn = await runTraceFile(trace, config);
      const plugin = await runTraceFile(trace, { ...config, iotlbPolicy: LRU_PLUGIN }, { module: variant });
      expect(plugin).toEqual(builtIn);
      if (c.match === 'exact' && c.options.iotlbPolicy === 'lru') {
        const { simTimeNs, translations, packetsDropped, mbps, flows, caches, prefetcher } = plugin;
        expect({ simTimeNs, translations, packetsDropped, mbps, flows, caches, prefetcher }).toEqual(c.expected);
      }
    });
  }
});
