// The in-flight translation requests: fixed 64-byte slots in linear memory, named by
// their address. A slot begins with the trace record it came from, byte for byte (so
// issuing one is three 16-byte copies), followed by its start and end times. Slots come
// from a free list and are never moved: when more are in flight than ever before, a new
// block of slots is allocated; nothing is allocated per request.

import { resize } from './arrays';
import { FIELD_NAT, FIELD_TYPE, NO_NEXT_ACCESS, TRACE_RECORD_BYTES } from './constants';

export const REQUEST_BYTES: usize = 64;
// Fields beyond the record (record fields keep their offsets: FIELD_* in constants.ts).
export const REQUEST_START: usize = TRACE_RECORD_BYTES; // i64
export const REQUEST_END: usize = TRACE_RECORD_BYTES + 8; // i64
// The record's type field (always 1 in a trace) tells a demand request from a prefetch.
export const KIND_DEMAND: i32 = 1;
export const KIND_PREFETCH: i32 = 2;

let freeSlots = new StaticArray<u32>(0);
let freeTop: i32 = 0; // slots on the free stack
let slotCount: i32 = 0; // slots ever allocated

export function initRequests(initialSlots: i32): void {
  freeTop = 0;
  slotCount = 0;
  freeSlots = new StaticArray<u32>(0);
  grow(initialSlots);
}

/** Copies one 48-byte record (three v128 moves). */
@inline export function copyRecord(to: usize, from: usize): void {
  v128.store(to, v128.load(from));
  v128.store(to, v128.load(from, 16), 16);
  v128.store(to, v128.load(from, 32), 32);
}

/** A new request slot holding a copy of the record at `record` (its type field is kept). */
@inline export function allocRequest(record: usize): usize {
  if (freeTop == 0) grow(slotCount);
  const slot = <usize>unchecked(freeSlots[--freeTop]);
  copyRecord(slot, record);
  return slot;
}

/** A prefetch request: a copy of a history record's page, with no next access. */
@inline export function allocPrefetch(record: usize): usize {
  const slot = allocRequest(record);
  store<i32>(slot, KIND_PREFETCH, FIELD_TYPE);
  store<u64>(slot, NO_NEXT_ACCESS, FIELD_NAT);
  return slot;
}

@inline export function freeRequest(slot: usize): void {
  unchecked((freeSlots[freeTop++] = <u32>slot));
}

function grow(more: i32): void {
  const first = heap.alloc(<usize>more * REQUEST_BYTES);
  freeSlots = resize(freeSlots, slotCount + more);
  // Pushed last first, so slots are handed out in address order.
  for (let i = more - 1; i >= 0; i--) unchecked((freeSlots[freeTop++] = <u32>(first + <usize>i * REQUEST_BYTES)));
  slotCount += more;
}
