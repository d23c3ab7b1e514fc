// A cache's statistics, kept apart from its lookup and replacement state (gem5 keeps a
// cache's statistics in their own group): counted only by accesses with `alloc` set, as
// the reference counts them.

import { ID_COUNT } from './constants';
import { zeroedArray } from './arrays';

export class CacheStats {
  hits: u64 = 0;
  misses: u64 = 0;
  conflicts: u64 = 0; // misses that replaced an entry
  domains: i32 = 0; // distinct dids that inserted
  readonly setAccesses: StaticArray<u64>; // hits and misses per set
  private readonly domainSeen: StaticArray<u8>;

  constructor(sets: i32) {
    this.setAccesses = new StaticArray<u64>(sets);
    this.domainSeen = zeroedArray<u8>(ID_COUNT);
  }

  @inline hit(set: i32): void {
    this.hits++;
    unchecked((this.setAccesses[set] += 1));
  }

  /** A miss that inserts, on behalf of `did`. */
  @inline miss(set: i32, did: u32): void {
    this.misses++;
    unchecked((this.setAccesses[set] += 1));
    if (unchecked(this.domainSeen[did]) == 0) {
      unchecked((this.domainSeen[did] = 1));
      this.domains++;
    }
  }
}
