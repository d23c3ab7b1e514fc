/**
 * Latency attribution on tiny traces, every number derived by hand from the spec's
 * constants (PCIE 450, PCIE_RTT 900, DDR 50, CE_READ 100, IOTLB_HIT 2, CC_HIT 1,
 * PCACHE_HIT 5): each translation's components add up to its latency including queueing
 * (completion cycle + 1 − start), and queueing is the time a ready request waited for its
 * stage, one request per stage per cycle.
 */
import { describe, expect, it } from 'vitest';
import { ATTRIBUTION_COMPONENTS, summarizeAttribution, type AttributionComponent, type LatencyAttribution } from '../orchestrator/attribution.js';
import { bufferSource, simulate } from '../orchestrator/model-core.js';
import { loadAttributionModule, loadModelModule } from '../orchestrator/model.js';
import { accesses, config, GiB, traceBytes, type TestRecord } from './model-harness.js';
import type { ModelConfig } from '../orchestrator/config.js';

const pageA = 0x4000_0000n;
const pageB = 3n * GiB;

async function attributed(records: TestRecord[], c: ModelConfig = config()) {
  const r = await simulate(loadAttributionModule(), c, bufferSource(traceBytes(records)), { attribution: true });
  return { r, a: r.attribution as LatencyAttribution };
}

/** Component sums with the zero ones left out. */
function nonZero(sums: Record<AttributionComponent, number>): Partial<Record<AttributionComponent, number>> {
  return Object.fromEntries(ATTRIBUTION_COMPONENTS.filter((c) => sums[c] !== 0).map((c) => [c, sums[c]]));
}

describe('latency attribution', () => {
  it('a cold 4 KiB translation: context miss 1000 + PCIe 2 x 450 + one DRAM access 50 = 1950 ns, no queueing', async () => {
    const { a } = await attributed(accesses(0, pageA, 1, 1));
    expect(a.translations).toBe(1);
    expect(a.latencySumNs).toBe(1950);
    expect(nonZero(a.componentSumsNs)).toEqual({ ccMiss: 1000, pcie: 900, dram4k: 50 });
    expect(a.latencyHistogram).toEqual({ '1950': 1 });
    expect(a.mismatches).toBe(0);
  });

  it('one packet of three cold translations: the context-fill stage takes one per cycle, so they wait 0, 1 and 2 ns', async () => {
    // All three are issued at 0 and ready at 1000; stage 1 takes them in cycles 1000,
    // 1001, 1002. From there on they stay one cycle apart: no more waiting.
    const { r, a } = await attributed(accesses(0, pageA, 1, 3));
    expect(r.latencyHistogram).toEqual({ '1950': 3 }); // the modelled latency leaves queueing out
    expect(a.latencyHistogram).toEqual({ '1950': 1, '1951': 1, '1952': 1 });
    expect(a.componentSumsNs.queueing).toBe(3);
    expect(a.queueingByStageNs).toEqual({ contextFill: 3, walkLookup: 0, walkFill: 0, iotlbFill: 0 });
    // The first one's walk filled the IOTLB only at its completion: the other two walk too.
    expect(nonZero(a.componentSumsNs)).toEqual({ ccMiss: 3000, pcie: 2700, dram4k: 150, queueing: 3 });
    expect(a.latencySumNs).toBe(1950 + 1951 + 1952);
  });

  it('an IOTLB hit after a context hit: 1 + 2 = 3 ns', async () => {
    const { a } = await attributed([...accesses(0, pageA, 1, 3), ...accesses(0, pageA, 1, 3)]);
    // Packet 2 (issued at 61, after packet 1 completed at 1953): three context hits, ready
    // at 62; they are taken in cycles 62, 63, 64 (waits 0, 1, 2), then hit the IOTLB.
    expect(a.tenants['0']).toMatchObject({ translations: 6, ccHits: 3, ccMisses: 3, iotlbHits: 3, iotlbMisses: 3 });
    expect(nonZero(a.componentSumsNs)).toEqual({ ccHit: 3, ccMiss: 3000, iotlbHit: 6, pcie: 2700, dram4k: 150, queueing: 6 });
  });

  it('walk-cache hits: a 2 MiB page hitting L2PAGE costs 5 + PCIe 450, a 1 GiB page hitting L3PAGE 5 and no return crossing', async () => {
    // The IOTLB is absent, so packet 2 walks again, with warm walk caches. Packet 1: three
    // context misses (queueing 0 + 1 + 2), each walking cold (the first fills the walk
    // caches only after the others have looked them up). Packet 2, at tq 1 issued after
    // packet 1 completed: three context hits (queueing 0 + 1 + 2) that hit the walk cache.
    const noIotlb = config((c) => (c.iotlb = { size: 0, assoc: 0, groups: 1 }));
    const two = await attributed([...accesses(0, pageA, 2, 3), ...accesses(0, pageA, 2, 3)], noIotlb);
    // Cold: 1000 + 450 + DDR x 2 + 450; warm: 1 + 450 + (PCACHE_HIT 5 + 450).
    expect(nonZero(two.a.componentSumsNs)).toEqual({ ccHit: 3, ccMiss: 3000, pcie: 6 * 900, walkCacheHit: 15, dram2m: 300, queueing: 6 });
    const one = await attributed([...accesses(0, pageB, 3, 3), ...accesses(0, pageB, 3, 3)], noIotlb);
    // Cold: 1000 + 450 + DDR x 3 + 450; warm: 1 + 450 + 5 (L2PAGE's hit on a 1 GiB page counts as a miss).
    expect(nonZero(one.a.componentSumsNs)).toEqual({ ccHit: 3, ccMiss: 3000, pcie: 3 * 900 + 3 * 450, walkCacheHit: 15, dram1g: 450, queueing: 6 });
  });

  it('a prefetch-buffer hit costs PREFETCH_HIT (2 ns)', async () => {
    // Tenants 0 and 1 alternate (distance 1): the prefetcher learns 0 -> 1 and 1 -> 0 and
    // prefetches the other tenant's page into the buffer; the IOTLB is absent.
    const c = config((m) => {
      m.iotlb = { size: 0, assoc: 0, groups: 1 };
      m.prefetch = { bufferSize: 16, historyLength: 2, distance: 1 };
    });
    const records = Array.from({ length: 8 }, (_, i) => accesses(i % 2, i % 2 === 0 ? pageA : pageB, 1, 3)).flat();
    const { r, a } = await attributed(records, c);
    expect(r.prefetcher.bufferHit).toBeGreaterThan(0);
    const hits = a.tenants['0']!.prefetchHits + a.tenants['1']!.prefetchHits;
    expect(hits).toBeGreaterThan(0);
    expect(a.componentSumsNs.prefetchHit).toBe(2 * hits);
    expect(a.mismatches).toBe(0);
  });

  it('in-order queues: ready requests wait behind a later head (head-of-line blocking)', async () => {
    // 40 packets of one page at tq 64, 61 ns apart. Out of order, only a packet's own three
    // requests meet: they wait 0, 1 and 2 ns at the context-fill stage, 3 ns per packet.
    const records = Array.from({ length: 40 }, () => accesses(0, pageA, 1, 3)).flat();
    const heap = await attributed(records, config((m) => (m.tq = 64)));
    expect(heap.a.queueingByStageNs).toEqual({ contextFill: 40 * 3, walkLookup: 0, walkFill: 0, iotlbFill: 0 });
    // In order, the context hits of later packets (ready 1 ns after issue) sit behind the
    // context misses of earlier ones (ready 1000 ns after), and IOTLB hits behind walks.
    const fifo = await attributed(records, config((m) => {
      m.tq = 64;
      m.outOfOrder = false;
    }));
    expect(fifo.a.queueingByStageNs.contextFill).toBeGreaterThan(1000);
    expect(fifo.a.queueingByStageNs.iotlbFill).toBeGreaterThan(1000);
    for (const { a } of [fifo, heap]) {
      expect(a.mismatches).toBe(0);
      expect(Object.values(a.queueingByStageNs).reduce((x, y) => x + y, 0)).toBe(a.componentSumsNs.queueing);
    }
  });

  it('summarizes: mean components add up to the mean, percentiles from the histograms, worst tenant first', async () => {
    const { r } = await attributed([...accesses(0, pageA, 1, 3), ...accesses(1, pageB, 1, 3), ...accesses(1, pageB, 1, 3)]);
    const s = summarizeAttribution(r);
    const total = Object.values(s.latency.components).reduce((x, y) => x + y, 0);
    expect(total).toBeCloseTo(s.latency.meanNs, 9);
    // Tenant 1 hits its IOTLB in its second packet; tenant 0 never does.
    expect(s.tenants.map((t) => t.did)).toEqual([0, 1]);
    expect(s.tenants[0]).toMatchObject({ ccMissRate: 1, iotlbMissRate: 1 });
    expect(s.tenants[1]).toMatchObject({ ccMissRate: 0.5, iotlbMissRate: 0.5 });
    expect(s.latency.p99Ns).toBeGreaterThanOrEqual(1950);
    expect(() => summarizeAttribution({ flows: {} })).toThrow(/no latency attribution/);
  });

  it('attributes the ideal modes as hits: a cold translation with all three is ccHit 1 + iotlbHit 2', async () => {
    const { a } = await attributed(accesses(0, pageA, 1, 1), config((c) => {
      c.idealIotlb = true;
      c.idealCc = true;
      c.idealWalkCaches = true;
    }));
    expect(nonZero(a.componentSumsNs)).toEqual({ ccHit: 1, iotlbHit: 2 });
    expect(a.tenants['0']).toMatchObject({ ccHits: 1, ccMisses: 0, iotlbHits: 1, iotlbMisses: 0 });
  });

  it('needs the attribution build', async () => {
    await expect(simulate(loadModelModule(), config(), bufferSource(traceBytes(accesses(0, pageA, 1, 1))), { attribution: true })).rejects.toThrow(/attribution build/);
  });
});
