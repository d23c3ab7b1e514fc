/**
 * The oracle policy module (sim-as/policy-oracle.ts) through the testing build: the victim
 * is the entry whose next access is farthest, and ties go to the lowest way (the rule the
 * README documents), for narrow, non-power-of-two and hashed (wider than 64) sets.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CacheBuild, drive, loadCacheBuild, POLICY_IDS, statistics } from './cache-build.js';

let c: CacheBuild;
beforeAll(async () => {
  c = await loadCacheBuild();
});

const page = (n: number) => BigInt(n) << 21n;

describe('oracle replacement', () => {
  it('breaks a tie for the farthest next access towards the lowest way', () => {
    c.cacheReset(4, 4, 1, POLICY_IDS.oracle, 1n);
    [5n, 9n, 9n, 2n].forEach((nat, way) => c.cacheAccess(1, 0n, page(way), nat, 1));
    c.cacheAccess(1, 0n, page(4), 1n, 1);
    expect([0, 1, 2, 3, 4].map((p) => c.cacheHolds(1, 0n, page(p)))).toEqual([1, 0, 1, 1, 1]);
    // The new entry took way 1; now way 2 (9) is the farthest.
    c.cacheAccess(1, 0n, page(5), 0n, 1);
    expect(c.cacheHolds(1, 0n, page(2))).toBe(0);
  });

  it('takes a hit\'s next access in place of the stored one', () => {
    c.cacheReset(2, 2, 1, POLICY_IDS.oracle, 1n);
    c.cacheAccess(1, 0n, page(0), 100n, 1);
    c.cacheAccess(1, 0n, page(1), 50n, 1);
    c.cacheAccess(1, 0n, page(0), 10n, 0); // a hit without alloc updates it too
    c.cacheAccess(1, 0n, page(2), 0n, 1);
    expect([0, 1, 2].map((p) => c.cacheHolds(1, 0n, page(p)))).toEqual([1, 0, 1]);
  });

  for (const [size, assoc, groups, natRange] of [
    [16, 4, 1, 4],
    [20, 5, 1, 3],
    [64, 16, 4, 8],
    [100, 100, 1, 6],
    [300, 300, 1, 1 << 20],
    [300, 300, 1, 16],
  ] as const) {
    it(`matches the spec on a random workload: ${size} entries, ${assoc}-way, ${groups} group(s), next accesses below ${natRange}`, () => {
      const { reference } = drive(c, { size, assoc, groups, policy: 'oracle', steps: 20000, seed: size + natRange, natRange });
      const { build, reference: expected } = statistics(c, reference);
      expect(build).toEqual(expected);
      expect(expected.conflicts).toBeGreaterThan(100);
    });
  }
});
