// The in-flight translation requests, as parallel arrays indexed by a request id (a
// free-list pool: ids are reused, and the arrays only grow, doubling, when more requests
// are in flight than ever before; nothing is allocated per request).

import { resize } from './arrays';
import { NO_NEXT_ACCESS } from './constants';

let capacity: i32 = 0;
let freeTop: i32 = 0; // number of ids on the free stack
let freeIds = new StaticArray<i32>(0);

export let reqSid = new StaticArray<u32>(0);
export let reqDid = new StaticArray<u32>(0);
export let reqIova = new StaticArray<u64>(0);
export let reqMask = new StaticArray<u64>(0);
export let reqLevel = new StaticArray<i32>(0);
export let reqNat = new StaticArray<u64>(0);
export let reqStart = new StaticArray<i64>(0);
export let reqEnd = new StaticArray<i64>(0);
export let reqPrefetch = new StaticArray<bool>(0);

export function initRequests(initialCapacity: i32): void {
  capacity = 0;
  freeTop = 0;
  grow(initialCapacity);
}

export function allocRequest(sid: u32, did: u32, iova: u64, mask: u64, level: i32, nat: u64, prefetch: bool): i32 {
  if (freeTop == 0) grow(capacity * 2);
  const id = unchecked(freeIds[--freeTop]);
  unchecked((reqSid[id] = sid));
  unchecked((reqDid[id] = did));
  unchecked((reqIova[id] = iova));
  unchecked((reqMask[id] = mask));
  unchecked((reqLevel[id] = level));
  unchecked((reqNat[id] = nat));
  unchecked((reqPrefetch[id] = prefetch));
  return id;
}

/** A prefetch request: a copy of a history record's page, with no next access; never timed. */
export function allocPrefetch(sid: u32, did: u32, iova: u64, mask: u64, level: i32): i32 {
  return allocRequest(sid, did, iova, mask, level, NO_NEXT_ACCESS, true);
}

export function freeRequest(id: i32): void {
  unchecked((freeIds[freeTop++] = id));
}

function grow(newCapacity: i32): void {
  const old = capacity;
  reqSid = resize(reqSid, newCapacity);
  reqDid = resize(reqDid, newCapacity);
  reqIova = resize(reqIova, newCapacity);
  reqMask = resize(reqMask, newCapacity);
  reqLevel = resize(reqLevel, newCapacity);
  reqNat = resize(reqNat, newCapacity);
  reqStart = resize(reqStart, newCapacity);
  reqEnd = resize(reqEnd, newCapacity);
  reqPrefetch = resize(reqPrefetch, newCapacity);
  const ids = new StaticArray<i32>(newCapacity);
  for (let i = 0; i < freeTop; i++) unchecked((ids[i] = freeIds[i]));
  // New ids go on the stack highest first, so the lowest is handed out first.
  for (let id = newCapacity - 1; id >= old; id--) unchecked((ids[freeTop++] = id));
  freeIds = ids;
  capacity = newCapacity;
}
