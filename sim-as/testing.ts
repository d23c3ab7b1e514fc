// A separate build (dist/hypersio-testing.wasm, `npm run build:wasm`) that exposes one
// event queue to the unit tests, so its ordering claims are tested directly rather than
// through whole simulations. Not part of the model's exported surface.

import { EventQueue } from './queue';

let queue = new EventQueue(true, 4);

export function queueReset(outOfOrder: bool): void {
  queue = new EventQueue(outOfOrder, 4);
}

export function queuePush(time: i64, request: i32): void {
  queue.push(time, request);
}

/** The request released at `now`, or -1. */
export function queuePick(now: i64): i32 {
  return queue.pick(now);
}

export function queueSize(): i32 {
  return queue.size;
}
