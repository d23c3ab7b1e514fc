/**
 * One test per timing claim of ../shared/spec/model.md. Each builds a tiny trace and reads
 * the model's latency histogram (modelled end - start per translation), simulated time
 * and drops; the comments derive every expected number from the spec's constants:
 * PCIE 450, PCIE_RTT 900, DDR 50, CE_READ 100, IOTLB_HIT 2, CC_HIT 1, PCACHE_HIT 5.
 */
import { describe, expect, it } from 'vitest';
import { accesses, config, GiB, simulateRecords } from './model-harness.js';

const pageA = 0x4000_0000n; // GiB 1
const pageB = 3n * GiB; // another GiB: shares no walk-cache entry with pageA

describe('translation latency', () => {
  it('a cold 4 KiB translation takes 1950 ns: context miss 1000 + PCIe 450 + walk 50 + PCIe 450', async () => {
    const r = await simulateRecords(accesses(0, pageA, 1, 1));
    expect(r.latencyHistogram).toEqual({ '1950': 1 });
    // Issued at 0, it leaves the IOTLB-fill queue in cycle 1949; draining ends after it.
    expect(r.simTimeNs).toBe(1950);
  });

  it('a context-cache miss costs PCIE_RTT + CE_READ = 1000 ns, a hit 1 ns', async () => {
    // Packet 2 translates a new page of the same tenant: context hit, full walk.
    const r = await simulateRecords([...accesses(0, pageA, 1, 3), ...accesses(0, pageB, 1, 3)]);
    expect(r.latencyHistogram).toEqual({ '1950': 3, '951': 3 }); // 951 = 1 + 450 + 50 + 450
  });

  it('tenants that share a sid share its context entry: the second tenant\'s first lookup hits (1 ns)', async () => {
    // Tenant 1 borrows tenant 0's sid (as devices of consecutive logs do after the trace
    // constructor's 128-per-log shift). Its page is new, so it still walks: 1 + 450 + 50 + 450.
    const shared = (did: number, iova: bigint) => accesses(did, iova, 1, 3).map((r) => ({ ...r, sid: 16 }));
    const r = await simulateRecords([...shared(0, pageA), ...shared(1, pageB)]);
    expect(r.latencyHistogram).toEqual({ '1950': 3, '951': 3 });
    // One entry, inserted by tenant 0's miss: one miss, one domain; tenant 1's fill hits.
    expect(r.caches.CC).toMatchObject({ hit: 5, miss: 1, domains: 1 });
    // Without the shared sid both tenants miss and both are domains of the CC.
    const apart = await simulateRecords([...accesses(0, pageA, 1, 3), ...accesses(1, pageB, 1, 3)]);
    expect(apart.latencyHistogram).toEqual({ '1950': 6 });
    expect(apart.caches.CC).toMatchObject({ miss: 2, domains: 2 });
  });

  it('an IOTLB hit completes 2 ns after the context lookup (3 ns with a context hit)', async () => {
    const r = await simulateRecords([...accesses(0, pageA, 1, 3), ...accesses(0, pageA, 1, 3)]);
    expect(r.latencyHistogram).toEqual({ '1950': 3, '3': 3 });
  });

  it('a walk that misses both walk caches costs DDR x level', async () => {
    for (const level of [1, 2, 3]) {
      const r = await simulateRecords(accesses(0, pageA, level, 1));
      expect(r.latencyHistogram).toEqual({ [1000 + 450 + 50 * level + 450]: 1 });
    }
  });
});

describe('walk-cache outcomes', () => {
  // The IOTLB is absent, so the repeated page is walked again with warm walk caches.
  const noIotlb = (withL2: boolean) =>
    config((c) => {
      c.iotlb = { size: 0, assoc: 0, groups: 1 };
      if (!withL2) c.l2page = { size: 0, assoc: 0, groups: 1 };
    });
  const warmThenOnce = (level: number) => [...accesses(0, pageA, level, 3), ...accesses(0, pageA, level, 1)];
  const lastLatency = async (level: number, withL2: boolean) => {
    const r = await simulateRecords(warmThenOnce(level), noIotlb(withL2));
    const cold = String(1950 + 50 * (level - 1));
    expect(r.latencyHistogram[cold]).toBe(3);
    const warm = Object.keys(r.latencyHistogram).filter((k) => k !== cold);
    expect(warm).toHaveLength(1);
    return Number(warm[0]);
  };

  it('L2PAGE hit, 4 KiB page: DDR x (2 - 1) = 50, then PCIe back', async () => {
    expect(await lastLatency(1, true)).toBe(1 + 450 + 50 + 450);
  });
  it('L2PAGE hit, 2 MiB page: PCACHE_HIT + PCIE = 455 straight to the IOTLB fill', async () => {
    expect(await lastLatency(2, true)).toBe(1 + 450 + 455);
  });
  it('L3PAGE hit only, 4 KiB page: DDR x (3 - 1) = 100 (more than a miss: a reference quirk)', async () => {
    expect(await lastLatency(1, false)).toBe(1 + 450 + 100 + 450);
  });
  it('L3PAGE hit only, 2 MiB page: DDR x (3 - 2) = 50', async () => {
    expect(await lastLatency(2, false)).toBe(1 + 450 + 50 + 450);
  });
  it('L3PAGE hit, 1 GiB page: PCACHE_HIT = 5 and no return crossing (a reference quirk)', async () => {
    expect(await lastLatency(3, false)).toBe(1 + 450 + 5);
  });
  it('an L2PAGE hit on a 1 GiB page counts as a miss (the reference would lose the request)', async () => {
    expect(await lastLatency(3, true)).toBe(1 + 450 + 5);
  });
});

describe('packet arrivals', () => {
  it('drops every packet slot that finds the window full, and ends at the first slot that finds no record', async () => {
    // tq 1: the packet issued at 0 completes in cycles 1949..1951; the 31 slots 61..1891
    // find it in flight (dropped); slot 1952 = 32 x 61 reads no record: the trace ended.
    const r = await simulateRecords(accesses(0, pageA, 1, 3));
    expect(r.packetsDropped).toBe(31);
    expect(r.simTimeNs).toBe(1952);
  });

  it('admits a packet while fewer than tq translations are in flight, then issues all three', async () => {
    // tq 4: slot 0 issues 3 (3 < 4 at the check), slot 61 issues 3 more (6 in flight),
    // then slots find 6 >= 4 in flight and drop until translations complete.
    const r = await simulateRecords([...accesses(0, pageA, 1, 3), ...accesses(1, pageB, 1, 3), ...accesses(2, 5n * GiB, 1, 3)], config((c) => (c.tq = 4)));
    expect(r.translations).toBe(9);
    // The third packet waits for completions (at ~1950) and drops 30 slots (122..1891).
    expect(r.packetsDropped).toBe(30);
  });

  it('the packet inter-arrival time is floor(1542 * 8 / link Gb/s)', async () => {
    // At 400 Gb/s slots are 30 ns apart: the slots 30..1950 (65) are dropped; slot 1980 ends.
    const r = await simulateRecords(accesses(0, pageA, 1, 3), config((c) => (c.linkGbps = 400)));
    expect(r.packetsDropped).toBe(65);
    expect(r.simTimeNs).toBe(1980);
  });
});

describe('selective allocation', () => {
  it('only dids below the IOTLB group count fill the IOTLB; the next range fills L2PAGE, then L3PAGE', async () => {
    // Groups 1/1/1: did 0 may fill the IOTLB, did 1 L2PAGE, did 2 L3PAGE. Tenant did 1
    // repeats a page: no IOTLB entry, so the repeat walks again, hitting L2PAGE.
    const trace = [...accesses(1, pageA, 1, 3), ...accesses(1, pageA, 1, 3)];
    const plain = await simulateRecords(trace);
    expect(plain.latencyHistogram).toEqual({ '1950': 3, '3': 3 });
    const selective = await simulateRecords(trace, config((c) => (c.selectiveAlloc = true)));
    expect(selective.latencyHistogram).toEqual({ '1950': 3, '951': 3 });
    expect(selective.caches.IOTLB).toMatchObject({ hit: 0, miss: 0, domains: 0 });
    expect(selective.caches.L2PAGE).toMatchObject({ miss: 1, domains: 1 });
    expect(selective.caches.L3PAGE).toMatchObject({ hit: 0, miss: 0, domains: 0 });
  });
});

describe('prefetch requests', () => {
  it('occupy the IOTLB-fill stage: a demand request ready in the same cycle waits one cycle', async () => {
    // Link 123 Gb/s: slots every floor(12336 / 123) = 100 ns; tq 3; prefetch distance 1,
    // history 1. Tenant A = did 0, B = did 1, each on its own GiB.
    // Packet 1 at 0 ns, [A, A, B], walks cold and completes in cycles 1949..1951; its probes
    // teach the prefetcher next[A] = B. From slot 2000 on, every packet is [A, A, A]: context
    // and IOTLB hits, done 2 ns after their context fill at slot + 1, + 2, + 3. Each of them
    // predicts B, whose page is walked again: pushed for the walk-cache lookup at c + 500,
    // an L2PAGE hit (50 ns: fill at c + 549), then the IOTLB-fill queue at c + 999.
    // The prefetch made by the third request at slot 2000 (c = 2003) is thus ready at
    // 3002, exactly when the first request of slot 3000 (c = 3001) is. The prefetch, pushed
    // 450 cycles earlier, is then the heap's only minimum, so its root, and leaves first:
    // the demand request completes in cycle 3003 instead of 3002. It is the trace's last
    // record (a partial packet), so draining ends right after it.
    const B = 5n * GiB;
    const trace = [...accesses(0, pageA, 1, 2), ...accesses(1, B, 1, 1), ...accesses(0, pageA, 1, 30), ...accesses(0, pageA, 1, 1)];
    const setup = (distance: number) =>
      config((c) => {
        c.tq = 3;
        c.linkGbps = 123;
        c.prefetch = { bufferSize: 0, historyLength: 1, distance };
      });
    const predicting = await simulateRecords(trace, setup(1));
    expect(predicting.prefetcher.predictionsMade).toBe(31);
    expect(predicting.prefetcher.bufferFill).toBe(3); // the prefetches from slot 2000; later ones are cut off by the end
    expect(predicting.simTimeNs).toBe(3004);
    // With distance 64 nothing is learned in time, so nothing is prefetched: no wait.
    const silent = await simulateRecords(trace, setup(64));
    expect(silent.prefetcher.predictionsMade).toBe(0);
    expect(silent.simTimeNs).toBe(3003);
  });
});
