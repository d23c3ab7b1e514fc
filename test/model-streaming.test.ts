/**
 * The trace is streamed through a fixed input buffer in chunks; results must not depend on
 * the chunk size (chunks may end mid-packet), nor on skipping idle time.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseConfig } from '../orchestrator/config.js';
import { readCacheConfigFile } from '../orchestrator/config-file.js';
import { GOLDEN_DIR } from './helpers.js';
import { config, simulateBytes } from './model-harness.js';

// 30,002 records: not a multiple of 3, so the last packet is partial.
const edgeTrace = new Uint8Array(readFileSync(resolve(GOLDEN_DIR, 'traces/edge12_tnt_7_rand1_iotlb_trace.bin')));
const prefetching = () => {
  const c = readCacheConfigFile(baseConfig(), resolve(GOLDEN_DIR, 'configs/pref16-tq4.cfg'));
  c.tq = 4;
  return c;
};

describe('streaming', () => {
  it('gives identical results for chunks of 1, 7 and 4096 records', async () => {
    const results = [];
    for (const chunkRecords of [1, 7, 4096]) results.push(await simulateBytes(edgeTrace, prefetching(), { chunkRecords }));
    expect(results[0]!.translations).toBe(30_002);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});

describe('idle-time skipping', () => {
  it('matches stepping every nanosecond, statistic for statistic', async () => {
    const slice = edgeTrace.subarray(0, 48 * 3001);
    const configs = [
      prefetching(),
      config((c) => (c.tq = 1)),
      config((c) => {
        c.tq = 8;
        c.outOfOrder = false;
        c.linkGbps = 400;
      }),
      config((c) => {
        c.tq = 3;
        c.selectiveAlloc = true;
        c.iotlb.groups = 4;
        c.iotlbPolicy = 'oracle';
      }),
    ];
    for (const c of configs) {
      const skipping = await simulateBytes(slice, c);
      const stepping = await simulateBytes(slice, c, { stepEveryCycle: true });
      expect(skipping).toEqual(stepping);
    }
  });
});
