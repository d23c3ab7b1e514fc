/**
 * The extension point changes nothing: LRU written as a plugin (examples/lru.ts) gives
 * results identical to the built-in lru on every golden case (each case run with the IOTLB
 * on LRU, whatever policy the case names), and equal to the reference's own on the exact
 * LRU cases.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseConfig, type ModelConfig } from '../orchestrator/config.js';
import { readCacheConfigFile } from '../orchestrator/config-file.js';
import { loadModelFor, runTraceFile } from '../orchestrator/model.js';
import type { RunResult } from '../orchestrator/model-core.js';
import { pluginFileValue } from '../orchestrator/plugins/resolve.js';
import { GOLDEN_DIR, PROJECT_ROOT } from './helpers.js';

interface GoldenCase {
  trace: string;
  config: string;
  cacheConfigFile: string;
  options: Partial<ModelConfig>;
  match: 'exact' | 'oracle' | 'lfu';
  expected: Pick<RunResult, 'simTimeNs' | 'translations' | 'packetsDropped' | 'mbps' | 'flows' | 'caches' | 'prefetcher'>;
}

const golden = JSON.parse(readFileSync(resolve(GOLDEN_DIR, 'expected.json'), 'utf8')) as { cases: GoldenCase[] };
const LRU_PLUGIN = pluginFileValue(resolve(PROJECT_ROOT, 'examples/lru.ts'), 'test');

let variant: WebAssembly.Module;
beforeAll(async () => {
  variant = await loadModelFor({ ...baseConfig(), iotlbPolicy: LRU_PLUGIN });
}, 120_000);

function caseConfig(c: GoldenCase): ModelConfig {
  const config = readCacheConfigFile(baseConfig(), resolve(GOLDEN_DIR, c.cacheConfigFile));
  return Object.assign(config, c.options, { iotlbPolicy: 'lru' });
}

describe('examples/lru.ts as the IOTLB policy', () => {
  for (const c of golden.cases) {
    it(`${c.trace} / ${c.config}: identical to the built-in lru`, async () => {
      const trace = resolve(GOLDEN_DIR, 'traces', `${c.trace}_iotlb_trace.bin`);
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
