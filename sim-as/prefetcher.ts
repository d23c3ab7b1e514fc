// The sid-successor prefetcher (../shared/spec/model.md, "Prefetcher"). Per sid it keeps
// the last `historyLength` pages translated and learns `next[sid]`, the first sid ever
// seen `distance` requests after it. probe() scores and updates that state and returns
// the predicted sid, whose history the model then walks ahead of time.

import { resize, zeroedArray } from './arrays';
import { FIELD_IOVA, FIELD_MASK, FIELD_SID, ID_COUNT, TRACE_RECORD_BYTES } from './constants';
import { copyRecord } from './requests';

const NONE: i32 = -1;

let historyLength: i32 = 0;
let distance: i32 = 0;

// Per sid.
// (Stored plus one, so that the zeros of a fresh table read as NONE.)
const historySlotPlusOne = zeroedArray<i32>(ID_COUNT); // dense slot
const nextSidPlusOne = zeroedArray<i32>(ID_COUNT); // learned successor
export const historyHits = zeroedArray<u32>(ID_COUNT);
export const historyMisses = zeroedArray<u32>(ID_COUNT);

/** One past the largest sid with a history (so readers scan no further). */
export let historySidEnd: i32 = 0;

@inline function historySlot(sid: i32): i32 {
  return unchecked(historySlotPlusOne[sid]) - 1;
}
@inline function nextSid(sid: i32): i32 {
  return unchecked(nextSidPlusOne[sid]) - 1;
}

// Histories, slot-major: record slot * historyLength + i, a ring starting at
// historyOldest[slot]. Each history record is a copy of the request's trace record, so
// a prefetch request is made by copying it back.
let slotCount: i32 = 0;
let slotCapacity: i32 = 0;
let historyCount = new StaticArray<i32>(0);
let historyOldest = new StaticArray<i32>(0);
let historyRecords: usize = 0;

// The last `distance` sids seen, a ring.
let recentSids = new StaticArray<i32>(0);
let recentOldest: i32 = 0;
let recentCount: i32 = 0;
let previousSid: i32 = NONE;
let predictedSid: i32 = NONE;

// Statistics.
export let probes: u64 = 0;
export let correctPredictions: u64 = 0;
export let incorrectPredictions: u64 = 0;
export let predictionsMade: u64 = 0;
export let newMappings: u64 = 0;
export let transitionsSameSid: u64 = 0;
export let transitionsDifferentSid: u64 = 0;

export function initPrefetcher(length: i32, predictionDistance: i32): void {
  historyLength = length;
  distance = predictionDistance;
  recentSids = new StaticArray<i32>(distance);
  slotCount = 0;
  slotCapacity = 0;
  historyRecords = 0;
  growSlots(64);
}

/** The configured history length and prediction distance (plugin-api.ts hands them to plugins). */
export function configuredHistoryLength(): i32 {
  return historyLength;
}
export function configuredDistance(): i32 {
  return distance;
}

/** Whether `sid` has a history (it was probed, or predicted). */
@inline export function hasHistory(sid: i32): bool {
  return historySlot(sid) != NONE;
}

@inline export function historySize(sid: i32): i32 {
  const slot = historySlot(sid);
  return slot == NONE ? 0 : unchecked(historyCount[slot]);
}

/** The i-th oldest history record of `sid`. */
@inline export function historyRecord(sid: i32, i: i32): usize {
  const slot = historySlot(sid);
  return recordAt(slot * historyLength + wrap(unchecked(historyOldest[slot]) + i, historyLength));
}

@inline function recordAt(index: i32): usize {
  return historyRecords + <usize>index * TRACE_RECORD_BYTES;
}

/** `i % n` for 0 <= i < 2n, without a division (this runs once per request). */
@inline function wrap(i: i32, n: i32): i32 {
  return i < n ? i : i - n;
}

/** Observes the context fill of `request` (its trace record); returns the predicted sid or -1. */
export function probe(request: usize): i32 {
  probes++;
  const sid = <i32>load<u16>(request, FIELD_SID);
  const slot = ensureHistory(sid);

  // Score the page against this sid's history, then remember it.
  const page = load<u64>(request, FIELD_IOVA) & load<u64>(request, FIELD_MASK);
  const base = slot * historyLength;
  const count = unchecked(historyCount[slot]);
  const oldest = unchecked(historyOldest[slot]);
  let seen = false;
  for (let i = 0; i < count; i++) {
    const at = recordAt(base + wrap(oldest + i, historyLength));
    if ((load<u64>(at, FIELD_IOVA) & load<u64>(at, FIELD_MASK)) == page) {
      seen = true;
      break;
    }
  }
  if (seen) unchecked((historyHits[sid] += 1));
  else unchecked((historyMisses[sid] += 1));
  if (historyLength > 0) {
    let at: i32;
    if (count == historyLength) {
      at = base + oldest;
      unchecked((historyOldest[slot] = wrap(oldest + 1, historyLength)));
    } else {
      at = base + wrap(oldest + count, historyLength);
      unchecked((historyCount[slot] = count + 1));
    }
    copyRecord(recordAt(at), request);
  }

  // Score the previous prediction, then predict.
  if (predictedSid != NONE) {
    if (sid == predictedSid) correctPredictions++;
    else incorrectPredictions++;
  }
  const successor = nextSid(sid);
  if (successor != NONE) {
    predictedSid = successor;
    predictionsMade++;
    ensureHistory(successor);
  } else {
    predictedSid = NONE;
  }

  // Learn: the sid seen `distance` requests ago is followed by this one.
  if (previousSid != NONE) {
    if (previousSid != sid && nextSid(previousSid) == NONE) {
      unchecked((nextSidPlusOne[previousSid] = sid + 1));
      newMappings++;
    }
    if (previousSid == sid) transitionsSameSid++;
    else transitionsDifferentSid++;
  }
  if (distance > 0) {
    if (recentCount == distance) {
      previousSid = unchecked(recentSids[recentOldest]);
      unchecked((recentSids[recentOldest] = sid));
      recentOldest = wrap(recentOldest + 1, distance);
    } else {
      unchecked((recentSids[wrap(recentOldest + recentCount, distance)] = sid));
      recentCount++;
    }
  }
  return predictedSid;
}

@inline function ensureHistory(sid: i32): i32 {
  const slot = historySlot(sid);
  return slot != NONE ? slot : newHistory(sid);
}

function newHistory(sid: i32): i32 {
  if (slotCount == slotCapacity) growSlots(slotCapacity * 2);
  const slot = slotCount++;
  unchecked((historySlotPlusOne[sid] = slot + 1));
  if (sid >= historySidEnd) historySidEnd = sid + 1;
  return slot;
}

function growSlots(capacity: i32): void {
  const records = capacity * historyLength;
  historyCount = resize(historyCount, capacity);
  historyOldest = resize(historyOldest, capacity);
  const grown = heap.alloc(<usize>records * TRACE_RECORD_BYTES);
  if (historyRecords != 0) memory.copy(grown, historyRecords, <usize>(slotCapacity * historyLength) * TRACE_RECORD_BYTES);
  historyRecords = grown;
  slotCapacity = capacity;
}
