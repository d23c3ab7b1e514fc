// A separate build (dist/hypersio-testing.wasm, `npm run build:wasm`) that exposes one
// event queue and one cache (with its replacement policy and statistics) to the unit
// tests, so their claims are tested directly rather than through whole simulations. Not
// part of the model's exported surface.

import { Cache } from './cache';
import { initQueues, pick, push, queueSize as sizeOf } from './queue';
import { seedRandom } from './random';

const QUEUE: i32 = 0;

export function queueReset(outOfOrder: bool): void {
  initQueues(outOfOrder, 4); // small, so that the tests also exercise growth
}

export function queuePush(time: i64, request: i32): void {
  push(QUEUE, time, <u32>request);
}

/** The request released at `now`, or -1. */
export function queuePick(now: i64): i32 {
  return pick(QUEUE, now);
}

export function queueSize(): i32 {
  return sizeOf(QUEUE);
}

let cache = new Cache(0, 0, 1, 0);

export function cacheReset(size: i32, assoc: i32, groups: i32, policy: i32, seed: u64): void {
  cache = new Cache(size, assoc, groups, policy);
  seedRandom(seed);
}

/**
 * The model's access() of (address, did) in the set chosen by (did, x), by a request whose
 * next access is `nat` (oracle policy); true on a hit.
 */
export function cacheAccess(did: u32, x: u64, address: u64, nat: u64, alloc: bool): bool {
  return cache.access(cache.setIndex(did, x), address, did, nat, alloc);
}

/** Whether (address, did) is in the set chosen by (did, x); changes nothing. */
export function cacheHolds(did: u32, x: u64, address: u64): bool {
  return cache.lookup(cache.setIndex(did, x), address, did) >= 0;
}

export function cacheHits(): f64 {
  return <f64>cache.stats.hits;
}
export function cacheMisses(): f64 {
  return <f64>cache.stats.misses;
}
export function cacheConflicts(): f64 {
  return <f64>cache.stats.conflicts;
}
export function cacheDomains(): i32 {
  return cache.stats.domains;
}
export function cacheSetAccesses(set: i32): f64 {
  return <f64>cache.stats.setAccesses[set];
}
