/**
 * The limit studies (idealIotlb, idealCc, idealWalkCaches), one hand-derived case each,
 * in the style of model-timing.test.ts (PCIE 450, PCIE_RTT 900, DDR 50, CE_READ 100,
 * IOTLB_HIT 2, CC_HIT 1, PCACHE_HIT 5). An ideal cache is never consulted: every lookup
 * hits, and it stores, evicts and counts nothing (its statistics stay 0; latency
 * attribution's per-tenant counts show its lookups as hits).
 */
import { describe, expect, it } from 'vitest';
import { accesses, config, GiB, simulateRecords } from './model-harness.js';

const pageA = 0x4000_0000n;
const pageB = 3n * GiB;

describe('ideal modes', () => {
  it('an ideal IOTLB turns a walk into a 2 ns hit: a cold translation takes 1000 + 2 = 1002 ns, not 1950', async () => {
    const r = await simulateRecords(accesses(0, pageA, 1, 1), config((c) => (c.idealIotlb = true)));
    expect(r.latencyHistogram).toEqual({ '1002': 1 });
    expect(r.caches.IOTLB).toEqual({ hit: 0, miss: 0, conflict: 0, domains: 0, setAccesses: Array(8).fill(0) });
    // Nothing walked: the walk caches saw no fill step.
    expect(r.caches.L2PAGE).toMatchObject({ hit: 0, miss: 0 });
  });

  it('an ideal IOTLB hits even when the IOTLB is absent (size 0)', async () => {
    const r = await simulateRecords(accesses(0, pageA, 1, 1), config((c) => {
      c.iotlb = { size: 0, assoc: 0, groups: 1 };
      c.idealIotlb = true;
    }));
    expect(r.latencyHistogram).toEqual({ '1002': 1 });
  });

  it('an ideal context cache turns the 1000 ns context miss into a 1 ns hit: 1 + 450 + 50 + 450 = 951 ns', async () => {
    const r = await simulateRecords(accesses(0, pageA, 1, 1), config((c) => (c.idealCc = true)));
    expect(r.latencyHistogram).toEqual({ '951': 1 });
    expect(r.caches.CC).toMatchObject({ hit: 0, miss: 0, conflict: 0, domains: 0 });
  });

  it('ideal walk caches: a 2 MiB walk costs the L2PAGE hit (PCACHE_HIT + PCIE = 455) instead of DDR x 2 + PCIe back', async () => {
    const r = await simulateRecords(accesses(0, pageA, 2, 1), config((c) => (c.idealWalkCaches = true)));
    // 1000 + 450 + 455, against 1000 + 450 + 100 + 450 = 2000 cold.
    expect(r.latencyHistogram).toEqual({ '1905': 1 });
  });

  it('ideal walk caches: a 1 GiB walk costs the L3PAGE hit (5, no return crossing); a 4 KiB walk still costs DDR x 1', async () => {
    const ideal = config((c) => (c.idealWalkCaches = true));
    // The L2PAGE hit on a 1 GiB page counts as a miss (as without the mode), L3PAGE's applies: 1000 + 450 + 5.
    expect((await simulateRecords(accesses(0, pageB, 3, 1), ideal)).latencyHistogram).toEqual({ '1455': 1 });
    // 4 KiB: the L2PAGE hit's cost DDR x (2 - 1) equals a miss's DDR x 1 (the reference's
    // formulas): 1000 + 450 + 50 + 450, as cold; the walk-cache fill step stores nothing.
    const small = await simulateRecords(accesses(0, pageA, 1, 1), ideal);
    expect(small.latencyHistogram).toEqual({ '1950': 1 });
    expect(small.caches.L2PAGE).toMatchObject({ hit: 0, miss: 0, domains: 0 });
    expect(small.caches.L3PAGE).toMatchObject({ hit: 0, miss: 0, domains: 0 });
  });

  it('all three: only the context hit and the IOTLB hit remain, 1 + 2 = 3 ns', async () => {
    const r = await simulateRecords(accesses(0, pageA, 1, 1), config((c) => {
      c.idealIotlb = true;
      c.idealCc = true;
      c.idealWalkCaches = true;
    }));
    expect(r.latencyHistogram).toEqual({ '3': 1 });
  });
});
