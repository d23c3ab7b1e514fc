/**
 * The LFU policy module (sim-as/policy-lfu.ts) through the testing build: counters start
 * at 0, a hit increments one, reaching 15 halves every counter of the set, and the victim
 * is uniformly random among the entries with the smallest counter, seeded: the same seed
 * picks the same victims, another seed others.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CacheBuild, drive, loadCacheBuild, POLICY_IDS, statistics } from './cache-build.js';

let c: CacheBuild;
beforeAll(async () => {
  c = await loadCacheBuild();
});

const page = (n: number) => BigInt(n) << 21n;

/** Fills one `assoc`-way set with pages 0.., hits the pages `hits` in order, then inserts a new page; the evicted page. */
function evictAfter(assoc: number, hits: number[], seed: number): number {
  c.cacheReset(assoc, assoc, 1, POLICY_IDS.lfu, BigInt(seed));
  for (let p = 0; p < assoc; p++) c.cacheAccess(1, 0n, page(p), 0n, 1);
  for (const p of hits) c.cacheAccess(1, 0n, page(p), 0n, 1);
  c.cacheAccess(1, 0n, page(assoc), 0n, 1);
  const evicted = Array.from({ length: assoc }, (_, p) => p).filter((p) => c.cacheHolds(1, 0n, page(p)) === 0);
  expect(evicted).toHaveLength(1);
  return evicted[0]!;
}

function victimCounts(assoc: number, hits: number[], trials: number): number[] {
  const counts = Array.from({ length: assoc }, () => 0);
  for (let seed = 1; seed <= trials; seed++) counts[evictAfter(assoc, hits, seed)]!++;
  return counts;
}

describe('LFU replacement', () => {
  it('picks only among the least frequently used, each of them', () => {
    expect(victimCounts(4, [0, 2, 2], 200).map((n) => n > 0)).toEqual([false, true, false, true]);
  });

  it('halves every counter of the set when one reaches 15', () => {
    // Counters 14, 1, 0 then a 15th hit of page 0: halved to 7, 0, 0, so page 1 is now a
    // candidate too. Without halving only page 2 would ever be evicted.
    const counts = victimCounts(3, [1, ...Array<number>(15).fill(0)], 200);
    expect(counts.map((n) => n > 0)).toEqual([false, true, true]);
  });

  for (const assoc of [8, 100]) {
    it(`picks uniformly among ${assoc} tied ways`, () => {
      const trials = 40 * assoc;
      const counts = victimCounts(assoc, [], trials);
      // Each way's count is binomial(trials, 1/assoc), mean 40, sd about 6.3.
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(15);
      expect(Math.max(...counts)).toBeLessThanOrEqual(70);
    });
  }

  it('is seeded: the same seed evicts the same entries, another seed others', () => {
    const workload = { size: 64, assoc: 16, groups: 1, policy: 'lfu' as const, steps: 5000, seed: 3 };
    const first = drive(c, workload).victims;
    const again = drive(c, workload).victims;
    const other = drive(c, { ...workload, modelSeed: 4n }).victims;
    expect(again).toEqual(first);
    expect(first.length).toBeGreaterThan(100);
    expect(other).not.toEqual(first);
  });

  for (const [size, assoc, groups] of [
    [16, 4, 1],
    [64, 16, 4],
    [68, 17, 1],
    [200, 100, 1],
    [300, 300, 1],
  ] as const) {
    it(`matches the spec on a random workload: ${size} entries, ${assoc}-way, ${groups} group(s)`, () => {
      const { reference } = drive(c, { size, assoc, groups, policy: 'lfu', steps: 20000, seed: size + assoc });
      const { build, reference: expected } = statistics(c, reference);
      expect(build).toEqual(expected);
      expect(expected.conflicts).toBeGreaterThan(100);
    });
  }
});
