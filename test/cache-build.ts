/**
 * One cache of the testing build (sim-as/testing.ts) and a plain JS model of the spec's
 * cache ("Caches" in the model spec) to check it against: set index with groups, lookup,
 * the three replacement policies, and the statistics.
 */
import { readFileSync } from 'node:fs';
import { wasmPath } from '../orchestrator/model.js';

export interface CacheBuild {
  cacheReset(size: number, assoc: number, groups: number, policy: number, seed: bigint): void;
  cacheAccess(did: number, x: bigint, address: bigint, nat: bigint, alloc: number): number;
  cacheHolds(did: number, x: bigint, address: bigint): number;
  cacheHits(): number;
  cacheMisses(): number;
  cacheConflicts(): number;
  cacheDomains(): number;
  cacheSetAccesses(set: number): number;
}

export type Policy = 'lru' | 'lfu' | 'oracle';
export const POLICY_IDS: Record<Policy, number> = { lru: 0, lfu: 1, oracle: 2 };
const LFU_SATURATION = 15;

export async function loadCacheBuild(): Promise<CacheBuild> {
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath('hypersio-testing.wasm')), { env: { abort: () => {} } });
  return instance.exports as unknown as CacheBuild;
}

/** A small deterministic generator (xorshift32), so failures reproduce. */
export function generator(seed: number): (n: number) => number {
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

export interface Access {
  did: number;
  x: bigint;
  address: bigint;
  nat: bigint;
}

interface Entry extends Access {
  lastUse: number;
  counter: number;
}

/** The spec's cache. Ways are array slots: a set fills them in order, a victim's slot takes the new entry. */
export class ReferenceCache {
  readonly sets: Entry[][];
  readonly setAccesses: number[];
  readonly domains = new Set<number>();
  hits = 0;
  misses = 0;
  conflicts = 0;
  private tick = 0;
  private readonly bitsFree: number;

  constructor(
    size: number,
    private readonly assoc: number,
    private readonly groups: number,
    private readonly policy: Policy,
  ) {
    const count = size / assoc;
    this.sets = Array.from({ length: count }, () => []);
    this.setAccesses = Array.from({ length: count }, () => 0);
    this.bitsFree = Math.log2(count) - Math.log2(groups);
  }

  setIndex(did: number, x: bigint): number {
    const free = Number(x & ((1n << BigInt(this.bitsFree)) - 1n));
    return ((did & (this.groups - 1)) << this.bitsFree) | free;
  }

  /**
   * The spec's access(). A full set's victim comes from `chooseVictim` given the ways the
   * policy allows (LFU picks at random among them, so the caller says which one the model
   * took); by default the only candidate.
   */
  access(a: Access, alloc: boolean, chooseVictim: (candidates: number[], set: Entry[]) => number = only): boolean {
    const index = this.setIndex(a.did, a.x);
    const set = this.sets[index]!;
    this.tick++;
    const entry = set.find((e) => e.address === a.address && e.did === a.did);
    if (entry) {
      entry.lastUse = this.tick;
      entry.nat = a.nat;
      if (++entry.counter >= LFU_SATURATION) for (const e of set) e.counter >>= 1;
      if (alloc) {
        this.hits++;
        this.setAccesses[index]!++;
      }
      return true;
    }
    if (!alloc) return false;
    this.misses++;
    this.setAccesses[index]!++;
    this.domains.add(a.did);
    const fresh: Entry = { ...a, lastUse: this.tick, counter: 0 };
    if (set.length < this.assoc) {
      set.push(fresh);
    } else {
      this.conflicts++;
      set[chooseVictim(this.candidates(set), set)] = fresh;
    }
    return false;
  }

  /** The ways the policy may evict from a full set. */
  candidates(set: Entry[]): number[] {
    const ways = set.map((_, way) => way);
    if (this.policy === 'lru') return [ways.reduce((a, b) => (set[b]!.lastUse < set[a]!.lastUse ? b : a))];
    if (this.policy === 'oracle') return [ways.reduce((a, b) => (set[b]!.nat > set[a]!.nat ? b : a))]; // ties: lowest way
    const least = Math.min(...set.map((e) => e.counter));
    return ways.filter((way) => set[way]!.counter === least);
  }
}

function only(candidates: number[]): number {
  if (candidates.length !== 1) throw new Error(`expected one victim, got ${candidates.length}`);
  return candidates[0]!;
}

/** Checks the build's statistics against the reference's. */
export function statistics(c: CacheBuild, reference: ReferenceCache) {
  return {
    build: {
      hits: c.cacheHits(),
      misses: c.cacheMisses(),
      conflicts: c.cacheConflicts(),
      domains: c.cacheDomains(),
      setAccesses: reference.setAccesses.map((_, set) => c.cacheSetAccesses(set)),
    },
    reference: {
      hits: reference.hits,
      misses: reference.misses,
      conflicts: reference.conflicts,
      domains: reference.domains.size,
      setAccesses: reference.setAccesses,
    },
  };
}

export interface Workload {
  size: number;
  assoc: number;
  groups: number;
  policy: Policy;
  steps: number;
  /** Generator seed of the workload. */
  seed: number;
  /** The model's seed (LFU's random victims); default `BigInt(seed)`. */
  modelSeed?: bigint;
  /** Next-access values are drawn from [0, natRange): a small range makes many oracle ties. */
  natRange?: number;
}

/**
 * Runs a random workload through the build and the reference side by side: every access
 * must hit or miss alike, every victim must be one the policy allows (the reference then
 * evicts that same one), and the statistics must agree at the end.
 */
export function drive(c: CacheBuild, w: Workload): { reference: ReferenceCache; victims: number[] } {
  c.cacheReset(w.size, w.assoc, w.groups, POLICY_IDS[w.policy], w.modelSeed ?? BigInt(w.seed));
  const reference = new ReferenceCache(w.size, w.assoc, w.groups, w.policy);
  const next = generator(w.seed * 7919 + w.size + w.assoc);
  const victims: number[] = [];
  // Few distinct pages, a quarter of them hot, shared by several dids (same address,
  // different did must never match).
  const pages = 3 * w.assoc * (w.size / w.assoc);
  const hot = Math.max(1, pages >> 3);
  for (let i = 0; i < w.steps; i++) {
    const page = next(4) === 0 ? next(pages) : next(hot);
    const a: Access = { did: next(8), x: BigInt(page), address: BigInt(page) << 21n, nat: BigInt(next(w.natRange ?? 1 << 20)) };
    const alloc = next(4) !== 0;
    const hit = c.cacheAccess(a.did, a.x, a.address, a.nat, alloc ? 1 : 0) === 1;
    const expected = reference.access(a, alloc, (candidates, set) => {
      const evicted = set.findIndex((e) => c.cacheHolds(e.did, e.x, e.address) === 0);
      if (!candidates.includes(evicted)) throw new Error(`access ${i}: evicted way ${evicted}, the policy allows ${candidates.join(', ')}`);
      victims.push(evicted);
      return evicted;
    });
    if (hit !== expected) throw new Error(`access ${i}: ${hit ? 'hit' : 'miss'}, the reference says ${expected ? 'hit' : 'miss'}`);
  }
  return { reference, victims };
}
