/**
 * One cache, through the testing build (sim-as/testing.ts), against a plain JS model of
 * the spec's LRU cache: whatever the way count, a lookup finds exactly the keys present.
 * Sets of up to 64 ways are searched by one-byte fingerprints, 16 per SIMD compare (so
 * this covers partial and multiple vectors and fingerprint collisions); wider sets go
 * through the hash table.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmPath } from '../orchestrator/model.js';

interface CacheExports {
  cacheReset(size: number, assoc: number, groups: number, policy: number): void;
  cacheAccess(did: number, x: bigint, address: bigint, alloc: number): number;
  cacheHits(): number;
  cacheMisses(): number;
  cacheConflicts(): number;
}

const POLICY_LRU = 0;

let c: CacheExports;
beforeAll(async () => {
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath('hypersio-testing.wasm')), { env: { abort: () => {} } });
  c = instance.exports as unknown as CacheExports;
});

/** The spec's LRU cache, one Map per set (insertion order = recency, oldest first). */
class ReferenceLru {
  private readonly sets: Map<string, true>[];
  hits = 0;
  misses = 0;
  conflicts = 0;
  constructor(size: number, private readonly assoc: number) {
    this.sets = Array.from({ length: size / assoc }, () => new Map());
  }
  access(set: number, key: string, alloc: boolean): boolean {
    const entries = this.sets[set]!;
    if (entries.has(key)) {
      entries.delete(key);
      entries.set(key, true);
      if (alloc) this.hits++;
      return true;
    }
    if (alloc) {
      this.misses++;
      if (entries.size === this.assoc) {
        entries.delete(entries.keys().next().value!);
        this.conflicts++;
      }
      entries.set(key, true);
    }
    return false;
  }
}

/** A small deterministic generator (xorshift32), so failures reproduce. */
function generator(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

describe('cache lookups find exactly the keys present, for any number of ways', () => {
  for (const [size, assoc] of [
    [8, 1],
    [12, 3],
    [64, 16],
    [68, 17],
    [96, 48],
    [128, 64],
    [130, 65],
    [400, 200],
  ] as const) {
    it(`${size} entries, ${assoc}-way`, () => {
      c.cacheReset(size, assoc, 1, POLICY_LRU);
      const sets = size / assoc;
      const reference = new ReferenceLru(size, assoc);
      const next = generator(size * 7919 + assoc);
      // Few distinct pages shared by many dids, as tenants with identical IOVA layouts:
      // same address, different did must never match.
      const pages = 3 * assoc;
      for (let i = 0; i < 20000; i++) {
        const page = next(pages);
        const did = next(8);
        const x = BigInt(page); // the set index bits come from the address, as for the IOTLB
        const address = BigInt(page) << 21n;
        const alloc = next(3) !== 0;
        const set = Number(x % BigInt(sets));
        const expected = reference.access(set, `${page}/${did}`, alloc);
        expect(c.cacheAccess(did, x, address, alloc ? 1 : 0) === 1, `access ${i}`).toBe(expected);
      }
      expect([c.cacheHits(), c.cacheMisses(), c.cacheConflicts()]).toEqual([reference.hits, reference.misses, reference.conflicts]);
    });
  }
});
