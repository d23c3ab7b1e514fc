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
const TIMES: usize = 20; // usize: i64[capacity]
const REQUESTS: usize = 24; // usize: u32[capacity]
const QUEUE_STATE: usize = memory.data(QUEUE_COUNT * <i32>STATE_BYTES, 16);

let outOfOrder: bool = true;

@inline function state(q: i32): usize {
  return QUEUE_STATE + <usize>q * STATE_BYTES;
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
    store<usize>(s, heap.alloc(<usize>capacity * 8), TIMES);
    store<usize>(s, heap.alloc(<usize>capacity * 4), REQUESTS);
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
  const times = load<usize>(s, TIMES);
  const requests = load<usize>(s, REQUESTS);
  if (outOfOrder) {
    siftUp(times, requests, size, time, request); // std::push_heap
    store<i64>(s, load<i64>(times), HEAD_TIME);
  } else {
    const slot = <usize>((load<i32>(s, FIFO_HEAD) + size) & (load<i32>(s, CAPACITY) - 1));
    store<i64>(times + (slot << 3), time);
    store<u32>(requests + (slot << 2), request);
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
  const times = load<usize>(s, TIMES);
  const requests = load<usize>(s, REQUESTS);
  if (outOfOrder) {
    const request = load<u32>(requests);
    if (size > 0) heapPop(times, requests, size);
    store<i64>(s, size == 0 ? NEVER : load<i64>(times), HEAD_TIME);
    return request;
  }
  const head = <usize>load<i32>(s, FIFO_HEAD);
  const request = load<u32>(requests + (head << 2));
  const next = <i32>(head + 1) & (load<i32>(s, CAPACITY) - 1);
  store<i32>(s, next, FIFO_HEAD);
  store<i64>(s, size == 0 ? NEVER : load<i64>(times + (<usize>next << 3)), HEAD_TIME);
  return request;
}

// Sift up while the parent is strictly later (std::push_heap / __push_heap).
@inline function siftUp(times: usize, requests: usize, start: i32, time: i64, request: u32): void {
  let hole = start;
  while (hole > 0) {
    const parent = (hole - 1) >> 1;
    const parentTime = load<i64>(times + (<usize>parent << 3));
    if (parentTime <= time) break;
    store<i64>(times + (<usize>hole << 3), parentTime);
    store<u32>(requests + (<usize>hole << 2), load<u32>(requests + (<usize>parent << 2)));
    hole = parent;
  }
  store<i64>(times + (<usize>hole << 3), time);
  store<u32>(requests + (<usize>hole << 2), request);
}

// std::pop_heap on a heap of len + 1 entries (the root has been read), then pop_back:
// the last entry is sifted into the hole the root leaves, which moves down to a leaf.
@inline function heapPop(times: usize, requests: usize, len: i32): void {
  const lastTime = load<i64>(times + (<usize>len << 3));
  const lastRequest = load<u32>(requests + (<usize>len << 2));
  let hole = 0;
  let child = 0;
  const innerEnd = (len - 1) >> 1; // (len - 1) / 2 for len >= 1
  while (child < innerEnd) {
    child = 2 * (child + 1);
    if (load<i64>(times + (<usize>child << 3)) > load<i64>(times + (<usize>(child - 1) << 3))) child--;
    store<i64>(times + (<usize>hole << 3), load<i64>(times + (<usize>child << 3)));
    store<u32>(requests + (<usize>hole << 2), load<u32>(requests + (<usize>child << 2)));
    hole = child;
  }
  if ((len & 1) == 0 && child == (len - 2) >> 1) {
    child = 2 * child + 1;
    store<i64>(times + (<usize>hole << 3), load<i64>(times + (<usize>child << 3)));
    store<u32>(requests + (<usize>hole << 2), load<u32>(requests + (<usize>child << 2)));
    hole = child;
  }
  siftUp(times, requests, hole, lastTime, lastRequest);
}

function grow(s: usize): void {
  const capacity = load<i32>(s, CAPACITY);
  const size = load<i32>(s, SIZE);
  const times = load<usize>(s, TIMES);
  const requests = load<usize>(s, REQUESTS);
  const newTimes = heap.alloc(<usize>capacity * 16);
  const newRequests = heap.alloc(<usize>capacity * 8);
  // A heap keeps its layout; a FIFO ring is unrolled from its head.
  const head = outOfOrder ? 0 : load<i32>(s, FIFO_HEAD);
  for (let i = 0; i < size; i++) {
    const from = <usize>((head + i) & (capacity - 1));
    store<i64>(newTimes + (<usize>i << 3), load<i64>(times + (from << 3)));
    store<u32>(newRequests + (<usize>i << 2), load<u32>(requests + (from << 2)));
  }
  store<i32>(s, 0, FIFO_HEAD);
  store<i32>(s, capacity * 2, CAPACITY);
  store<usize>(s, newTimes, TIMES);
  store<usize>(s, newRequests, REQUESTS);
}
