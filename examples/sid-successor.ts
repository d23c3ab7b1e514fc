// The built-in sid-successor prefetcher (../shared/spec/model.md, "Prefetcher"; HyperTRIO's
// prefetcher) written against the prefetcher interface (docs/extending.md): it issues the
// same prefetch requests in the same order as `--prefetcher sid-successor`, so every result
// but the built-in's own prediction counters is identical (test/plugin-sid-successor.test.ts).
//
// Per sid it keeps the last `--prefetch-history` pages translated, and learns next[sid],
// the first sid ever seen `--prefetch-distance` requests after it. At each context fill it
// predicts next[sid] and prefetches that sid's remembered pages, oldest first.
//
//   hypersio run --trace T --prefetcher examples/sid-successor.ts --prefetch-buffer 16

import { did, iova, pageLevel, prefetchDistance, prefetchFor, prefetchHistoryLength, sid } from './plugin-api';

const NONE: i32 = -1;
const IDS: i32 = 65536; // sids are 16-bit

let historyLength: i32 = 0;
let distance: i32 = 0;

// Per sid, stored plus one so that zeros read as NONE.
let slotPlusOne = new StaticArray<i32>(0); // the sid's history slot
let nextPlusOne = new StaticArray<i32>(0); // its learned successor

// Histories, one slot of `historyLength` entries per sid that has one, a ring from oldest[slot].
let slots: i32 = 0;
let capacity: i32 = 0;
let count = new StaticArray<i32>(0);
let oldest = new StaticArray<i32>(0);
let pageIova = new StaticArray<u64>(0);
let pageLevels = new StaticArray<i32>(0);
let pageDid = new StaticArray<u32>(0);

// The last `distance` sids seen, a ring.
let recent = new StaticArray<i32>(0);
let recentOldest: i32 = 0;
let recentCount: i32 = 0;
let previousSid: i32 = NONE;

export function init(): void {
  historyLength = prefetchHistoryLength();
  distance = prefetchDistance();
  slotPlusOne = new StaticArray<i32>(IDS);
  nextPlusOne = new StaticArray<i32>(IDS);
  recent = new StaticArray<i32>(distance);
  grow(64);
}

export function contextFill(): void {
  const s = <i32>sid();
  const slot = historyOf(s);
  // Remember this page (the oldest goes when the history is full).
  if (historyLength > 0) {
    const base = slot * historyLength;
    const n = count[slot];
    const first = oldest[slot];
    let at: i32;
    if (n == historyLength) {
      at = base + first;
      oldest[slot] = wrap(first + 1);
    } else {
      at = base + wrap(first + n);
      count[slot] = n + 1;
    }
    pageIova[at] = iova();
    pageLevels[at] = pageLevel();
    pageDid[at] = did();
  }
  // Predict, and prefetch the predicted sid's pages.
  const successor = nextPlusOne[s] - 1;
  if (successor != NONE) {
    const predicted = historyOf(successor);
    const base = predicted * historyLength;
    for (let i = 0; i < count[predicted]; i++) {
      const at = base + wrap(oldest[predicted] + i);
      prefetchFor(pageDid[at], <u32>successor, pageIova[at], pageLevels[at]);
    }
  }
  // Learn: the sid seen `distance` requests ago is followed by this one.
  if (previousSid != NONE && previousSid != s && nextPlusOne[previousSid] == 0) nextPlusOne[previousSid] = s + 1;
  if (distance > 0) {
    if (recentCount == distance) {
      previousSid = recent[recentOldest];
      recent[recentOldest] = s;
      recentOldest = recentOldest + 1 == distance ? 0 : recentOldest + 1;
    } else {
      recent[(recentOldest + recentCount) % distance] = s;
      recentCount++;
    }
  }
}

@inline function wrap(i: i32): i32 {
  return i < historyLength ? i : i - historyLength;
}

function historyOf(s: i32): i32 {
  const slot = slotPlusOne[s] - 1;
  if (slot != NONE) return slot;
  if (slots == capacity) grow(capacity * 2);
  slotPlusOne[s] = slots + 1;
  return slots++;
}

// Histories grow by doubling (amortized: a run allocates O(log sids) times).
function grow(slotCapacity: i32): void {
  count = resized(count, slotCapacity);
  oldest = resized(oldest, slotCapacity);
  pageIova = resized(pageIova, slotCapacity * historyLength);
  pageLevels = resized(pageLevels, slotCapacity * historyLength);
  pageDid = resized(pageDid, slotCapacity * historyLength);
  capacity = slotCapacity;
}

function resized<T>(from: StaticArray<T>, length: i32): StaticArray<T> {
  const to = new StaticArray<T>(length);
  for (let i = 0; i < from.length; i++) to[i] = from[i];
  return to;
}
