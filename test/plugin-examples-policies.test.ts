/**
 * The example policies' defining behaviour, through the testing build (one cache,
 * sim-as/testing.ts) compiled with each example linked as the policy plugin:
 * SRRIP keeps re-referenced entries through a scan that evicts them under LRU; BIP keeps
 * most of a cyclic working set larger than the cache, which thrashes LRU.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileVariant } from '../orchestrator/plugins/compile.js';
import { pluginFileValue } from '../orchestrator/plugins/resolve.js';
import { type CacheBuild, loadCacheBuild, POLICY_IDS } from './cache-build.js';
import { PROJECT_ROOT } from './helpers.js';

const POLICY_PLUGIN = 3; // POLICY_PLUGIN of sim-as/constants.ts

async function pluginCacheBuild(example: string): Promise<CacheBuild> {
  const path = await compileVariant({ iotlbPolicy: pluginFileValue(resolve(PROJECT_ROOT, 'examples', example), 'test') }, undefined, 'testing');
  const { instance } = await WebAssembly.instantiate(readFileSync(path), { env: { abort: () => {} } });
  return instance.exports as unknown as CacheBuild;
}

let lru: CacheBuild;
let srrip: CacheBuild;
let bip: CacheBuild;
beforeAll(async () => {
  lru = await loadCacheBuild();
  srrip = await pluginCacheBuild('srrip.ts');
  bip = await pluginCacheBuild('bip.ts');
}, 120_000);

const page = (n: number) => BigInt(n) << 21n;
const access = (c: CacheBuild, p: number) => c.cacheAccess(1, 0n, page(p), 0n, 1) === 1;
const held = (c: CacheBuild, pages: number[]) => pages.filter((p) => c.cacheHolds(1, 0n, page(p)) === 1);

describe('SRRIP (examples/srrip.ts)', () => {
  /** Two hot pages, each hit once, then a scan of five pages never used again, in one 4-way set. */
  function scan(c: CacheBuild, policy: number): number[] {
    c.cacheReset(4, 4, 1, policy, 1n);
    for (const p of [0, 1, 0, 1]) access(c, p);
    for (const p of [10, 11, 12, 13, 14]) access(c, p);
    return held(c, [0, 1]);
  }

  it('keeps re-referenced entries through a scan', () => {
    expect(scan(srrip, POLICY_PLUGIN)).toEqual([0, 1]);
  });

  it('(which LRU evicts)', () => {
    expect(scan(lru, POLICY_IDS.lru)).toEqual([]);
  });

  it('evicts the first way predicted distant, ageing the set when none is', () => {
    srrip.cacheReset(4, 4, 1, POLICY_PLUGIN, 1n);
    for (const p of [0, 1, 2, 3]) access(srrip, p); // all RRPV 2
    access(srrip, 2); // RRPV 0
    access(srrip, 4); // none at 3: age (0,1,3 -> 3; 2 -> 1), evict way 0 (page 0)
    expect(held(srrip, [0, 1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
    access(srrip, 5); // page 1 is at 3: evicted without ageing
    expect(held(srrip, [1, 2, 3, 4, 5])).toEqual([2, 3, 4, 5]);
  });
});

describe('BIP (examples/bip.ts)', () => {
  /** Hits while sweeping 9 pages cyclically through one 8-way set. */
  function cyclicHits(c: CacheBuild, policy: number): number {
    c.cacheReset(8, 8, 1, policy, 1n);
    let hits = 0;
    for (let round = 0; round < 50; round++) for (let p = 0; p < 9; p++) if (access(c, p)) hits++;
    return hits;
  }

  it('keeps most of a cyclic working set one larger than the cache', () => {
    // Under LIP 7 of the 8 ways keep their pages; the newest entry is the next victim.
    expect(cyclicHits(bip, POLICY_PLUGIN)).toBeGreaterThan(0.7 * 50 * 9);
  });

  it('(which thrashes LRU: every access misses)', () => {
    expect(cyclicHits(lru, POLICY_IDS.lru)).toBe(0);
  });

  it('inserts at the LRU position: a new entry not hit again is the next victim', () => {
    bip.cacheReset(4, 4, 1, POLICY_PLUGIN, 1n);
    for (const p of [0, 1, 2, 3]) access(bip, p);
    access(bip, 4); // replaces the LRU entry, and stays LRU
    access(bip, 5); // replaces page 4
    expect(held(bip, [4, 5])).toEqual([5]);
  });
});
