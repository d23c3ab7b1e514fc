/**
 * examples/xor-index.ts on the DMA-API layout of direct-mode logs (every tenant's 4 KiB
 * pages just below 4 GiB, in one 2 MiB region): the group-bits index puts them all in one
 * IOTLB set, so IOTLB size changes nothing; the XOR-folded index spreads them over every
 * set, and a larger IOTLB holds more of them. (The closing note of issue 23 has the figures
 * on real direct-mode logs.)
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferSource, simulate, type RunResult } from '../orchestrator/model-core.js';
import { loadModelFor } from '../orchestrator/model.js';
import { pluginFileValue } from '../orchestrator/plugins/resolve.js';
import type { ModelConfig } from '../orchestrator/config.js';
import { PROJECT_ROOT } from './helpers.js';
import { config, traceBytes, type TestRecord } from './model-harness.js';

const XOR_INDEX = pluginFileValue(resolve(PROJECT_ROOT, 'examples/xor-index.ts'), 'test');
const TOP = 0x1_0000_0000n; // 4 GiB

/** 8 tenants, round robin one packet each, each cycling through its 48 pages below 4 GiB. */
const dmaApiLayout: TestRecord[] = Array.from({ length: 8 * 3 * 400 }, (_, i) => {
  const packet = Math.floor(i / 3);
  const did = (packet % 8) + 1;
  const page = BigInt(Math.floor(packet / 8) % 48);
  return { sid: 16 + did * 8, did, iova: TOP - ((BigInt(did) * 48n + page + 1n) << 12n), level: 1 };
});

async function run(setIndex: ModelConfig['setIndex'], iotlbSize: number): Promise<RunResult> {
  const c = config((c) => {
    c.setIndex = setIndex;
    c.iotlb = { size: iotlbSize, assoc: 8, groups: 1 };
  });
  return simulate(await loadModelFor(c), c, bufferSource(traceBytes(dmaApiLayout)));
}

const setsUsed = (r: RunResult) => r.caches.IOTLB.setAccesses.filter((n) => n > 0).length;
const hitRate = (r: RunResult) => r.caches.IOTLB.hit / (r.caches.IOTLB.hit + r.caches.IOTLB.miss);

describe('the XOR-folded set index', () => {
  it('group bits: one IOTLB set at every size, so size changes nothing', async () => {
    const [small, large] = [await run('group-bits', 64), await run('group-bits', 1024)];
    expect([setsUsed(small), setsUsed(large)]).toEqual([1, 1]);
    expect(large.mbps).toBe(small.mbps);
  });

  it('xor-index: every set used, and a larger IOTLB hits more', async () => {
    const [small, large] = [await run(XOR_INDEX, 64), await run(XOR_INDEX, 1024)];
    expect(setsUsed(small)).toBe(8);
    expect(setsUsed(large)).toBeGreaterThan(100); // of 128 (384 pages, hashed)
    expect(hitRate(large)).toBeGreaterThan(hitRate(small) + 0.2);
    expect(large.mbps).toBeGreaterThan(small.mbps);
  }, 120_000);
});
