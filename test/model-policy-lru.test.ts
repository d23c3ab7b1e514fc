/**
 * The LRU policy module (sim-as/policy-lru.ts) through the testing build: the victim is
 * the entry least recently inserted or hit, and a hit without alloc still makes its entry
 * the most recent (the spec's access()).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CacheBuild, loadCacheBuild, POLICY_IDS } from './cache-build.js';

let c: CacheBuild;
beforeAll(async () => {
  c = await loadCacheBuild();
});

const page = (n: number) => BigInt(n) << 21n;
const held = (pages: number[]) => pages.filter((p) => c.cacheHolds(1, 0n, page(p)) === 1);

describe('LRU replacement', () => {
  for (const assoc of [4, 16, 100]) {
    it(`evicts the least recently used of ${assoc} ways`, () => {
      c.cacheReset(assoc, assoc, 1, POLICY_IDS.lru, 1n);
      const pages = Array.from({ length: assoc }, (_, i) => i);
      for (const p of pages) c.cacheAccess(1, 0n, page(p), 0n, 1);
      c.cacheAccess(1, 0n, page(0), 0n, 1); // 0 becomes the most recent; 1 the least
      c.cacheAccess(1, 0n, page(assoc), 0n, 1);
      expect(held(pages)).toEqual(pages.filter((p) => p !== 1));
    });
  }

  it('counts a hit without alloc as a use', () => {
    c.cacheReset(2, 2, 1, POLICY_IDS.lru, 1n);
    c.cacheAccess(1, 0n, page(0), 0n, 1);
    c.cacheAccess(1, 0n, page(1), 0n, 1);
    expect(c.cacheAccess(1, 0n, page(0), 0n, 0)).toBe(1);
    expect(c.cacheHits()).toBe(0);
    c.cacheAccess(1, 0n, page(2), 0n, 1);
    expect(held([0, 1, 2])).toEqual([0, 2]);
  });
});
