// The pending-event queues of (ready time, request) pairs: FIFO (in-order) or a binary
// min-heap on time (out-of-order). pick(now) releases at most the head, and only when it
// is ready. The heap reproduces libstdc++'s std::priority_queue with std::greater exactly
// (push_heap / pop_heap / __adjust_heap), because the order of equal times decides which
// request goes first and so every reference statistic.
//
// A queue is named by a constant id (QUEUE_* in constants.ts), and its state lives at a
// fixed address (QUEUE_STATE below), so the clock reads a head time with one load from a
// constant address.

import { NEVER, QUEUE_COUNT } from './constants';

const STATE_BYTES: usize = 32;
// Per-queue state, at QUEUE_STATE + id * STATE_BYTES:
const HEAD_TIME: usize = 0; // i64: ready time of the entry pick() releases next, or NEVER
const SIZE: usize = 8; // i32
const CAPACITY: usize = 12; // i32, a power of two
const FIFO_HEAD: usize = 16; // i32: FIFO only, index of the oldest entry
const ENTRIES: usize = 20; // usize: Entry[capacity]
const QUEUE_STATE: usize = memory.data(QUEUE_COUNT * <i32>STATE_BYTES, 16);
// An entry: its time (i64) and request (u32) side by side, so moving one is a single
// 16-byte copy and a heap node's two children usually share a cache line.
const ENTRY_BYTES: usize = 16;
const ENTRY_REQUEST: usize = 8;

let outOfOrder: bool = true;

@inline function state(q: i32): usize {
  return QUEUE_STATE + <usize>q * STATE_BYTES;
}

@inline function entry(entries: usize, index: i32): usize {
  return entries + <usize>index * ENTRY_BYTES;
}

/** Empties every queue and sets their ordering (all queues share it). */
export function initQueues(ooo: bool, capacity: i32): void {
  outOfOrder = ooo;
  for (let q = 0; q < QUEUE_COUNT; q++) {
    const s = state(q);
    store<i64>(s, NEVER, HEAD_TIME);
    store<i32>(s, 0, SIZE);
    store<i32>(s, capacity, CAPACITY);
    store<i32>(s, 0, FIFO_HEAD);
    store<usize>(s, heap.alloc(<usize>capacity * ENTRY_BYTES), ENTRIES);
  }
}

/** Ready time of the head of queue `q` (NEVER when empty). */
@inline export function headTime(q: i32): i64 {
  return load<i64>(state(q), HEAD_TIME);
}

@inline export function queueSize(q: i32): i32 {
  return load<i32>(state(q), SIZE);
}

@inline export function push(q: i32, time: i64, request: u32): void {
  const s = state(q);
  const size = load<i32>(s, SIZE);
  if (size == load<i32>(s, CAPACITY)) grow(s);
  const entries = load<usize>(s, ENTRIES);
  if (outOfOrder) {
    siftUp(entries, size, time, request); // std::push_heap
    store<i64>(s, load<i64>(entries), HEAD_TIME);
  } else {
    const e = entry(entries, (load<i32>(s, FIFO_HEAD) + size) & (load<i32>(s, CAPACITY) - 1));
    store<i64>(e, time);
    store<u32>(e, request, ENTRY_REQUEST);
    if (size == 0) store<i64>(s, time, HEAD_TIME);
  }
  store<i32>(s, size + 1, SIZE);
}

/** Removes and returns the head request if its time is <= now; otherwise -1. */
export function pick(q: i32, now: i64): i32 {
  if (headTime(q) > now) return -1;
  return <i32>take(q);
}

/** Removes and returns the head request (the queue must not be empty). */
@inline export function take(q: i32): u32 {
  const s = state(q);
  const size = load<i32>(s, SIZE) - 1;
  store<i32>(s, size, SIZE);
  const entries = load<usize>(s, ENTRIES);
  if (outOfOrder) {
    const request = load<u32>(entries, ENTRY_REQUEST);
    if (size > 0) heapPop(entries, size);
    store<i64>(s, size == 0 ? NEVER : load<i64>(entries), HEAD_TIME);
    return request;
  }
  const head = load<i32>(s, FIFO_HEAD);
  const request = load<u32>(entry(entries, head), ENTRY_REQUEST);
  const next = (head + 1) & (load<i32>(s, CAPACITY) - 1);
  store<i32>(s, next, FIFO_HEAD);
  store<i64>(s, size == 0 ? NEVER : load<i64>(entry(entries, next)), HEAD_TIME);
  return request;
}

// Sift up while the parent is strictly later (std::push_heap / __push_heap).
@inline function siftUp(entries: usize, start: i32, time: i64, request: u32): void {
  let hole = start;
  while (hole > 0) {
    const parent = (hole - 1) >> 1;
    const parentEntry = entry(entries, parent);
    if (load<i64>(parentEntry) <= time) break;
    v128.store(entry(entries, hole), v128.load(parentEntry));
    hole = parent;
  }
  const e = entry(entries, hole);
  store<i64>(e, time);
  store<u32>(e, request, ENTRY_REQUEST);
}

// std::pop_heap on a heap of len + 1 entries (the root has been read), then pop_back:
// the last entry is sifted into the hole the root leaves, which moves down to a leaf.
// Where both children have children, the hole descends two levels per step: the four
// grandchildren are loaded with the children, so the second choice waits on a compare,
// not on a load that waits on the first (deep heaps, at high tq, are bound by that chain).
@inline function heapPop(entries: usize, len: i32): void {
  const last = entry(entries, len);
  const lastTime = load<i64>(last);
  const lastRequest = load<u32>(last, ENTRY_REQUEST);
  let hole = 0;
  const innerEnd = (len - 1) >> 1; // (len - 1) / 2 for len >= 1: nodes with two children
  while (hole < innerEnd) {
    const right = 2 * hole + 2;
    const rightTime = load<i64>(entry(entries, right));
    const leftTime = load<i64>(entry(entries, right - 1));
    // The later right child yields to the left one (libstdc++'s comparison).
    const takeLeft = rightTime > leftTime;
    const child = right - <i32>takeLeft;
    v128.store(entry(entries, hole), v128.load(entry(entries, child)));
    if (right < innerEnd) {
      // Grandchildren 2 * right - 1 .. 2 * right + 2: the chosen child's two.
      const grand = entry(entries, 2 * right - 1);
      const grandLeftTime = select<i64>(load<i64>(grand), load<i64>(grand, 2 * ENTRY_BYTES), takeLeft);
      const grandRightTime = select<i64>(load<i64>(grand, ENTRY_BYTES), load<i64>(grand, 3 * ENTRY_BYTES), takeLeft);
      const grandchild = 2 * child + 2 - <i32>(grandRightTime > grandLeftTime);
      v128.store(entry(entries, child), v128.load(entry(entries, grandchild)));
      hole = grandchild;
    } else {
      hole = child;
    }
  }
  // An even len leaves one node with a single (left) child.
  if ((len & 1) == 0 && hole == (len - 2) >> 1) {
    const child = 2 * hole + 1;
    v128.store(entry(entries, hole), v128.load(entry(entries, child)));
    hole = child;
  }
  siftUp(entries, hole, lastTime, lastRequest);
}

function grow(s: usize): void {
  const capacity = load<i32>(s, CAPACITY);
  const size = load<i32>(s, SIZE);
  const entries = load<usize>(s, ENTRIES);
  const grown = heap.alloc(<usize>capacity * 2 * ENTRY_BYTES);
  // A heap keeps its layout; a FIFO ring is unrolled from its head.
  const head = outOfOrder ? 0 : load<i32>(s, FIFO_HEAD);
  for (let i = 0; i < size; i++) v128.store(entry(grown, i), v128.load(entry(entries, (head + i) & (capacity - 1))));
  store<i32>(s, 0, FIFO_HEAD);
  store<i32>(s, capacity * 2, CAPACITY);
  store<usize>(s, grown, ENTRIES);
}
