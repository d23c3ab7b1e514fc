/**
 * One cache, through the testing build (sim-as/testing.ts), against the spec's cache
 * (test/cache-build.ts): whatever the way and group counts, a lookup finds exactly the
 * keys present, and hits, misses, conflicts, domains and per-set accesses are counted as
 * the spec counts them. Sets of up to 64 ways are searched by one-byte fingerprints, 16
 * per SIMD compare (so this covers partial and multiple vectors and fingerprint
 * collisions); wider sets go through the hash table. LRU here; the other policies have
 * their own files.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CacheBuild, drive, loadCacheBuild, statistics } from './cache-build.js';

let c: CacheBuild;
beforeAll(async () => {
  c = await loadCacheBuild();
});

describe('cache lookups find exactly the keys present, for any number of ways and groups', () => {
  for (const [size, assoc, groups] of [
    [8, 1, 1],
    [12, 3, 1],
    [64, 16, 1],
    [68, 17, 1],
    [96, 48, 1],
    [128, 64, 1],
    [130, 65, 1],
    [400, 200, 1],
    [64, 4, 4],
    [256, 16, 8],
    [260, 65, 4],
    [32, 2, 8],
  ] as const) {
    it(`${size} entries, ${assoc}-way, ${groups} group${groups > 1 ? 's' : ''}`, () => {
      const { reference } = drive(c, { size, assoc, groups, policy: 'lru', steps: 20000, seed: size + assoc + groups });
      const { build, reference: expected } = statistics(c, reference);
      expect(build).toEqual(expected);
      expect(expected.domains).toBe(8);
      if (groups > 1) expect(expected.setAccesses.every((n) => n > 0)).toBe(true);
    });
  }

  it('partitions tenants by the low bits of their did', () => {
    // 4 sets in 2 groups: even dids use sets 0-1, odd dids sets 2-3, whatever the address.
    c.cacheReset(8, 2, 2, 0, 1n);
    for (const did of [0, 2, 4]) c.cacheAccess(did, 0n, 0n, 0n, 1);
    c.cacheAccess(1, 0n, 0n, 0n, 1);
    expect([0, 1, 2, 3].map((set) => c.cacheSetAccesses(set))).toEqual([3, 0, 1, 0]);
    expect([c.cacheConflicts(), c.cacheDomains()]).toEqual([1, 4]);
  });

  it('counts nothing and stores nothing without alloc', () => {
    c.cacheReset(8, 2, 1, 0, 1n);
    expect(c.cacheAccess(3, 1n, 1n << 21n, 0n, 0)).toBe(0);
    expect(c.cacheHolds(3, 1n, 1n << 21n)).toBe(0);
    expect([c.cacheHits(), c.cacheMisses(), c.cacheDomains(), c.cacheSetAccesses(1)]).toEqual([0, 0, 0, 0]);
  });
});
