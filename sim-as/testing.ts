// A separate build (dist/hypersio-testing.wasm, `npm run build:wasm`) that exposes one
// event queue to the unit tests, so its ordering claims are tested directly rather than
// through whole simulations. Not part of the model's exported surface.

import { initQueues, pick, push, queueSize as sizeOf } from './queue';

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
