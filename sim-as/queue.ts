// A pending-event queue of (ready time, request) pairs: FIFO (in-order) or a binary
// min-heap on time (out-of-order). pick(now) releases at most the head, and only when it
// is ready. The heap reproduces libstdc++'s std::priority_queue with std::greater exactly
// (push_heap / pop_heap / __adjust_heap), because the order of equal times decides which
// request goes first and so every reference statistic.

import { NEVER } from './constants';

export class EventQueue {
  private times: StaticArray<i64>;
  private requests: StaticArray<i32>;
  private capacity: i32;
  private head: i32 = 0; // FIFO only: index of the oldest entry
  size: i32 = 0;
  /** Ready time of the entry pick() would release next, or NEVER when empty (kept current
   * on every push and pick, because the clock asks for it every cycle). */
  headTime: i64 = NEVER;

  constructor(readonly outOfOrder: bool, capacity: i32) {
    this.capacity = capacity;
    this.times = new StaticArray<i64>(capacity);
    this.requests = new StaticArray<i32>(capacity);
  }

  @inline push(time: i64, request: i32): void {
    if (this.size == this.capacity) this.grow();
    if (this.outOfOrder) this.siftUp(this.size, time, request); // std::push_heap
    else {
      const slot = (this.head + this.size) & (this.capacity - 1); // capacity: a power of two
      unchecked((this.times[slot] = time));
      unchecked((this.requests[slot] = request));
    }
    this.size++;
    this.headTime = unchecked(this.times[this.head]);
  }

  /** Removes and returns the head request if its time is <= now; otherwise -1. */
  @inline pick(now: i64): i32 {
    if (this.headTime > now) return -1;
    return this.take();
  }

  /** Removes and returns the head request (the queue must not be empty). */
  @inline take(): i32 {
    const request = unchecked(this.requests[this.head]);
    if (this.outOfOrder) this.heapPop();
    else {
      this.head++;
      if (this.head == this.capacity) this.head = 0;
    }
    this.size--;
    this.headTime = this.size == 0 ? NEVER : unchecked(this.times[this.head]);
    return request;
  }

  // Sift up while the parent is strictly later (std::push_heap / __push_heap).
  @inline private siftUp(start: i32, time: i64, request: i32): void {
    const times = this.times;
    const requests = this.requests;
    let hole = start;
    let parent = (hole - 1) / 2;
    while (hole > 0 && unchecked(times[parent]) > time) {
      unchecked((times[hole] = times[parent]));
      unchecked((requests[hole] = requests[parent]));
      hole = parent;
      parent = (hole - 1) / 2;
    }
    unchecked((times[hole] = time));
    unchecked((requests[hole] = request));
  }

  // std::pop_heap followed by pop_back; the root has already been read.
  @inline private heapPop(): void {
    const size = this.size;
    if (size <= 1) return;
    const times = this.times;
    const requests = this.requests;
    const last = size - 1;
    const lastTime = unchecked(times[last]);
    const lastRequest = unchecked(requests[last]);
    // (the root moves into the last slot, which pop_back then drops)
    const len = last;
    let hole = 0;
    let child = 0;
    while (child < (len - 1) / 2) {
      child = 2 * (child + 1);
      if (unchecked(times[child]) > unchecked(times[child - 1])) child--;
      unchecked((times[hole] = times[child]));
      unchecked((requests[hole] = requests[child]));
      hole = child;
    }
    if ((len & 1) == 0 && child == (len - 2) / 2) {
      child = 2 * (child + 1);
      unchecked((times[hole] = times[child - 1]));
      unchecked((requests[hole] = requests[child - 1]));
      hole = child - 1;
    }
    this.siftUp(hole, lastTime, lastRequest);
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const times = new StaticArray<i64>(capacity);
    const requests = new StaticArray<i32>(capacity);
    for (let i = 0; i < this.size; i++) {
      const from = this.outOfOrder ? i : (this.head + i) % this.capacity;
      unchecked((times[i] = this.times[from]));
      unchecked((requests[i] = this.requests[from]));
    }
    this.times = times;
    this.requests = requests;
    this.capacity = capacity;
    this.head = 0;
  }
}
