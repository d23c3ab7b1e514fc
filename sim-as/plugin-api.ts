// What a plugin may read and call (docs/extending.md). A plugin file imports from here:
//   import { did, iova, prefetch } from './plugin-api';
// (its path inside a plugin variant is sim-as/plugin-<kind>.ts, so './plugin-api' is this file).
//
// The request accessors read the request being served: during a policy hook, the request
// whose IOTLB access called it; during contextFill(), the request whose context was filled.
// They are plain loads from the request's slot (requests.ts), no copies.

import { FIELD_DID, FIELD_IOVA, FIELD_LEVEL, FIELD_NAT, FIELD_SID } from './constants';
import { configuredDistance, configuredHistoryLength } from './prefetcher';

export { CACHE_CC, CACHE_IOTLB, CACHE_L2PAGE, CACHE_L3PAGE, NO_NEXT_ACCESS } from './constants';

let request: usize = 0;

/** (The model's, not a plugin's.) The request the next hooks serve. */
@inline export function setCurrentRequest(r: usize): void {
  request = r;
}

/** The request's domain id (16 bits). */
@inline export function did(): u32 {
  return <u32>load<u16>(request, FIELD_DID);
}
/** The request's source id, the device function (16 bits). */
@inline export function sid(): u32 {
  return <u32>load<u16>(request, FIELD_SID);
}
/** The request's I/O virtual address. */
@inline export function iova(): u64 {
  return load<u64>(request, FIELD_IOVA);
}
/** The request's page level: 1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB. */
@inline export function pageLevel(): i32 {
  return <i32>load<u64>(request, FIELD_LEVEL);
}
/** Index in the trace of the next request to the same page, or NO_NEXT_ACCESS (for an oracle). */
@inline export function nextAccess(): u64 {
  return load<u64>(request, FIELD_NAT);
}

// ---- prefetch requests, asked for by a prefetcher plugin's contextFill() ----

/** Prefetches one contextFill() may ask for. */
export const MAX_PREFETCHES: i32 = 64;

const prefetchIovas = new StaticArray<u64>(MAX_PREFETCHES);
const prefetchLevels = new StaticArray<i32>(MAX_PREFETCHES);
const prefetchDids = new StaticArray<u32>(MAX_PREFETCHES);
const prefetchSids = new StaticArray<u32>(MAX_PREFETCHES);
let prefetchCount: i32 = 0;

/**
 * Asks the model to prefetch the translation of `iova` on a page of `level` (1, 2 or 3) for
 * the current request's did and sid. The model walks it ahead of time and fills the
 * prefetch buffer, as it does for the built-in prefetcher's requests.
 */
export function prefetch(iova: u64, level: i32): void {
  prefetchFor(did(), sid(), iova, level);
}

/** prefetch() for another tenant's page (the sid-successor prefetcher walks the predicted sid's). */
export function prefetchFor(forDid: u32, forSid: u32, iova: u64, level: i32): void {
  if (level < 1 || level > 3) throw new RangeError('prefetch(): page level ' + level.toString() + ' is not 1, 2 or 3');
  if (prefetchCount >= MAX_PREFETCHES) throw new RangeError('prefetch(): more than ' + MAX_PREFETCHES.toString() + ' prefetches for one request');
  unchecked((prefetchIovas[prefetchCount] = iova));
  unchecked((prefetchLevels[prefetchCount] = level));
  unchecked((prefetchDids[prefetchCount] = forDid));
  unchecked((prefetchSids[prefetchCount] = forSid));
  prefetchCount++;
}

/** The run's --prefetch-history: pages a prefetcher is asked to remember per sid. */
export function prefetchHistoryLength(): i32 {
  return configuredHistoryLength();
}
/** The run's --prefetch-distance: requests between a sid and the successor it learns. */
export function prefetchDistance(): i32 {
  return configuredDistance();
}

/** (The model's.) Prefetches asked for since the last takePrefetches(). */
@inline export function prefetchesAsked(): i32 {
  return prefetchCount;
}
@inline export function prefetchIova(i: i32): u64 {
  return unchecked(prefetchIovas[i]);
}
@inline export function prefetchLevel(i: i32): i32 {
  return unchecked(prefetchLevels[i]);
}
@inline export function prefetchDid(i: i32): u32 {
  return unchecked(prefetchDids[i]);
}
@inline export function prefetchSid(i: i32): u32 {
  return unchecked(prefetchSids[i]);
}
@inline export function clearPrefetches(): void {
  prefetchCount = 0;
}
