/**
 * The central correctness claim: on the reference's own inputs, the model prints what the
 * reference printed (the repository's copy in test/golden/, see its README). `exact` cases
 * must match every field; `oracle` and `lfu` cases as the golden README allows. The `col`
 * traces come from 24-device logs, so tenants share sids (and context-cache entries).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseConfig, type IotlbPolicy } from '../orchestrator/config.js';
import { readCacheConfigFile } from '../orchestrator/config-file.js';
import { runTraceFile } from '../orchestrator/model.js';
import type { RunResult } from '../orchestrator/model-core.js';
import { GOLDEN_DIR } from './helpers.js';

interface GoldenCase {
  trace: string;
  config: string;
  cacheConfigFile: string;
  options: { tq: number; outOfOrder: boolean; iotlbPolicy: IotlbPolicy; linkGbps: number; selectiveAlloc: boolean };
  match: 'exact' | 'oracle' | 'lfu';
  expected: Pick<RunResult, 'simTimeNs' | 'translations' | 'packetsDropped' | 'mbps' | 'flows' | 'caches' | 'prefetcher'>;
}

const golden = JSON.parse(readFileSync(resolve(GOLDEN_DIR, 'expected.json'), 'utf8')) as { cases: GoldenCase[] };

async function runCase(c: GoldenCase): Promise<RunResult> {
  const config = readCacheConfigFile(baseConfig(), resolve(GOLDEN_DIR, c.cacheConfigFile));
  Object.assign(config, c.options);
  return runTraceFile(resolve(GOLDEN_DIR, 'traces', `${c.trace}_iotlb_trace.bin`), config);
}

const iotlbHitRatio = (r: Pick<RunResult, 'caches'>) => r.caches.IOTLB.hit / (r.caches.IOTLB.hit + r.caches.IOTLB.miss);

describe('golden cases of the reference model', () => {
  it('covers every match rule', () => {
    expect(new Set(golden.cases.map((c) => c.match))).toEqual(new Set(['exact', 'oracle', 'lfu']));
  });

  for (const c of golden.cases) {
    it(`${c.trace} / ${c.config} (${c.match})`, async () => {
      const r = await runCase(c);
      const e = c.expected;
      if (c.match === 'exact') {
        const { simTimeNs, translations, packetsDropped, mbps, flows, caches, prefetcher } = r;
        expect({ simTimeNs, translations, packetsDropped, mbps, flows, caches, prefetcher }).toEqual(e);
        return;
      }
      expect(r.translations).toBe(e.translations);
      const mbpsTolerance = c.match === 'oracle' ? 0.01 : 0.05;
      const hitTolerance = c.match === 'oracle' ? 0.005 : 0.01;
      expect(Math.abs(r.mbps - e.mbps) / e.mbps).toBeLessThanOrEqual(mbpsTolerance);
      expect(Math.abs(iotlbHitRatio(r) - iotlbHitRatio(e))).toBeLessThanOrEqual(hitTolerance);
    });
  }
});
