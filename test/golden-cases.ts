/** The golden cases (test/golden/expected.json, unpacked) as the plugin identity tests run them. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { baseConfig, type ModelConfig } from '../orchestrator/config.js';
import { readCacheConfigFile } from '../orchestrator/config-file.js';
import type { RunResult } from '../orchestrator/model-core.js';
import { GOLDEN_DIR } from './helpers.js';

export interface GoldenCase {
  trace: string;
  config: string;
  cacheConfigFile: string;
  options: Partial<ModelConfig>;
  match: 'exact' | 'oracle' | 'lfu';
  expected: Pick<RunResult, 'simTimeNs' | 'translations' | 'packetsDropped' | 'mbps' | 'flows' | 'caches' | 'prefetcher'>;
}

export const GOLDEN_CASES = (JSON.parse(readFileSync(resolve(GOLDEN_DIR, 'expected.json'), 'utf8')) as { cases: GoldenCase[] }).cases;

export const goldenTrace = (c: GoldenCase): string => resolve(GOLDEN_DIR, 'traces', `${c.trace}_iotlb_trace.bin`);

/** The case's configuration: its .cfg file, then its options. */
export const goldenConfig = (c: GoldenCase): ModelConfig => Object.assign(readCacheConfigFile(baseConfig(), resolve(GOLDEN_DIR, c.cacheConfigFile)), c.options);
