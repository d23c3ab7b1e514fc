/**
 * The pending-event queues, through the testing build (sim-as/testing.ts): in-order
 * queues block behind a late head; out-of-order queues reproduce libstdc++'s
 * std::priority_queue, including the order in which equal times leave.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmPath } from '../orchestrator/model.js';

interface QueueExports {
  queueReset(outOfOrder: number): void;
  queuePush(time: bigint, request: number): void;
  queuePick(now: bigint): number;
  queueSize(): number;
}

let q: QueueExports;
beforeAll(async () => {
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath('hypersio-testing.wasm')), { env: { abort: () => {} } });
  q = instance.exports as unknown as QueueExports;
});

function drain(now: bigint): number[] {
  const out: number[] = [];
  for (let r = q.queuePick(now); r >= 0; r = q.queuePick(now)) out.push(r);
  return out;
}

describe('in-order (FIFO) queue', () => {
  it('a late head blocks an earlier-ready entry behind it (head-of-line blocking)', () => {
    q.queueReset(0);
    q.queuePush(1000n, 1);
    q.queuePush(5n, 2);
    expect(q.queuePick(5n)).toBe(-1);
    expect(q.queuePick(999n)).toBe(-1);
    expect(q.queuePick(1000n)).toBe(1);
    expect(q.queuePick(1000n)).toBe(2);
    expect(q.queueSize()).toBe(0);
  });
});

describe('out-of-order queue (binary heap)', () => {
  it('releases the earliest ready time first, one entry per pick', () => {
    q.queueReset(1);
    q.queuePush(1000n, 1);
    q.queuePush(5n, 2);
    expect(q.queuePick(4n)).toBe(-1);
    expect(q.queuePick(5n)).toBe(2);
    expect(q.queuePick(5n)).toBe(-1);
    expect(q.queuePick(1000n)).toBe(1);
  });

  it('equal times leave in std::priority_queue order, not in push order', () => {
    // Pushing 0..3 at one time leaves the heap array as [0,1,2,3]. pop 0: the last (3) is
    // sifted from the root: child 2 is not later than child 1, so 2 rises -> [2,1,3]; pop 2:
    // len 2 is even, the only child 1 rises -> [1,3]; then 1, then 3.
    q.queueReset(1);
    for (let r = 0; r < 4; r++) q.queuePush(7n, r);
    expect(drain(7n)).toEqual([0, 2, 1, 3]);
  });

  it('matches a reference std::priority_queue on a longer sequence with many ties', () => {
    // A direct transcription of libstdc++'s push_heap / pop_heap (std::greater on time).
    const heap: { time: number; id: number }[] = [];
    const push = (time: number, id: number) => {
      let hole = heap.length;
      heap.push({ time, id });
      let parent = (hole - 1) >> 1;
      while (hole > 0 && heap[parent]!.time > time) {
        heap[hole] = heap[parent]!;
        hole = parent;
        parent = (hole - 1) >> 1;
      }
      heap[hole] = { time, id };
    };
    const pop = () => {
      const top = heap[0]!;
      const len = heap.length - 1;
      const value = heap[len]!;
      let hole = 0;
      let child = 0;
      while (child < Math.trunc((len - 1) / 2)) {
        child = 2 * (child + 1);
        if (heap[child]!.time > heap[child - 1]!.time) child--;
        heap[hole] = heap[child]!;
        hole = child;
      }
      if ((len & 1) === 0 && child === Math.trunc((len - 2) / 2)) {
        child = 2 * (child + 1);
        heap[hole] = heap[child - 1]!;
        hole = child - 1;
      }
      let parent = (hole - 1) >> 1;
      while (hole > 0 && heap[parent]!.time > value.time) {
        heap[hole] = heap[parent]!;
        hole = parent;
        parent = (hole - 1) >> 1;
      }
      heap[hole] = value;
      heap.pop();
      return top.id;
    };
    q.queueReset(1);
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const expected: number[] = [];
    const actual: number[] = [];
    for (let step = 0, id = 0; step < 2000; step++) {
      if (heap.length === 0 || random() < 0.55) {
        const time = 100 + Math.floor(random() * 6); // few distinct times: many ties
        push(time, id);
        q.queuePush(BigInt(time), id++);
      } else {
        expected.push(pop());
        actual.push(q.queuePick(1000n));
      }
    }
    expect(actual).toEqual(expected);
  });
});
