// LFU replacement (the spec's): each entry has a counter, 0 at insertion, incremented by a
// hit; when one reaches LFU_SATURATION every counter of its set is halved. The victim is
// uniformly random (seeded, random.ts) among the entries with the smallest counter.
//
// Every operation is O(1) whatever the associativity (the context cache is 1536-way and
// evicts constantly with thousands of tenants). Counters are below 16, so each set keeps
// its ways in one array sorted by counter: a segment per value, `bound[v]` the start of
// value v's segment and `bound[16]` the number of entries.
//   - A hit moves the way from segment v to v + 1: swap it with the last way of segment v
//     and move the boundary down by one.
//   - Halving maps value v to v >> 1, so segments 2j and 2j + 1 become segment j: the
//     order is unchanged, only the 17 boundaries move.
//   - A new entry (value 0) walks down from its segment to segment 0, one swap per
//     boundary crossed.
//   - The victim is the way at a uniformly random position of the lowest non-empty segment.
// A way's counter itself is kept lazily, as `counter >> (epoch - counterEpoch)` with one
// epoch per set advanced by each halving, so a halving touches no way. A set that has
// never been full needs no victim, so it is sorted (one counting sort) only when its last
// way fills: until then a hit costs no more than the counter's update (the context cache
// of a run with fewer sids than entries never fills).

import { LFU_SATURATION } from './constants';
import { randomBelow } from './random';

const VALUES: i32 = 16; // counters are 0..LFU_SATURATION
const BOUNDS: i32 = VALUES + 1;

export class LfuPolicy {
  private readonly assoc: i32;
  // Per way.
  private readonly counter: StaticArray<u32>;
  private readonly counterEpoch: StaticArray<u32>;
  private readonly position: StaticArray<i32>; // index of the way in its set's `order`
  private readonly order: StaticArray<i32>; // set * assoc + position: ways sorted by counter
  // Per set.
  private readonly epoch: StaticArray<u32>;
  private readonly sorted: StaticArray<bool>; // once full: `order` and `bound` are kept
  private readonly bound: StaticArray<i32>; // set * BOUNDS + value; bound[16]: entries
  private readonly next: StaticArray<i32> = new StaticArray<i32>(VALUES); // sortSet()'s scratch

  constructor(sets: i32, assoc: i32) {
    this.assoc = assoc;
    const ways = sets * assoc;
    this.counter = new StaticArray<u32>(ways);
    this.counterEpoch = new StaticArray<u32>(ways);
    this.position = new StaticArray<i32>(ways);
    this.order = new StaticArray<i32>(ways);
    this.epoch = new StaticArray<u32>(sets);
    this.sorted = new StaticArray<bool>(sets);
    this.bound = new StaticArray<i32>(sets * BOUNDS);
  }

  /** The counter of `way` (the spec's value, halvings included). */
  @inline value(set: i32, way: i32): u32 {
    const behind = unchecked(this.epoch[set]) - unchecked(this.counterEpoch[way]);
    return behind >= 32 ? 0 : unchecked(this.counter[way]) >> behind;
  }

  hit(set: i32, way: i32, nat: u64): void {
    const value = this.value(set, way);
    if (unchecked(this.sorted[set])) {
      // Last of segment `value` becomes first of segment `value + 1`.
      const boundAt = set * BOUNDS + <i32>value + 1;
      const last = unchecked(this.bound[boundAt]) - 1;
      const base = set * this.assoc;
      const at = unchecked(this.position[way]);
      const other = unchecked(this.order[base + last]);
      unchecked((this.order[base + at] = other));
      unchecked((this.position[other] = at));
      unchecked((this.order[base + last] = way));
      unchecked((this.position[way] = last));
      unchecked((this.bound[boundAt] = last));
    }
    const count = value + 1;
    const epoch = unchecked(this.epoch[set]);
    unchecked((this.counter[way] = count));
    unchecked((this.counterEpoch[way] = epoch));
    if (count >= LFU_SATURATION) this.halve(set, epoch);
  }

  fill(set: i32, way: i32, nat: u64, replaced: bool): void {
    const bounds = set * BOUNDS;
    if (replaced) {
      // The victim is in the lowest non-empty segment (those below are empty) and keeps
      // its place in `order`; down to segment 0, it swaps with the first way of each
      // segment crossed.
      let at = unchecked(this.position[way]);
      for (let v = <i32>this.value(set, way); v > 0; v--) {
        const first = unchecked(this.bound[bounds + v]);
        this.swap(set, at, first);
        unchecked((this.bound[bounds + v] = first + 1));
        at = first;
      }
    }
    unchecked((this.counter[way] = 0));
    unchecked((this.counterEpoch[way] = unchecked(this.epoch[set])));
    if (!replaced) {
      const entries = unchecked(this.bound[bounds + VALUES]) + 1;
      unchecked((this.bound[bounds + VALUES] = entries));
      if (entries == this.assoc) this.sortSet(set);
    }
  }

  victim(set: i32): i32 {
    const bounds = set * BOUNDS;
    // The lowest non-empty segment starts at 0 (those below it are empty) and ends at the
    // first boundary above 0.
    let end = 0;
    for (let v = 1; v <= VALUES; v++) {
      end = unchecked(this.bound[bounds + v]);
      if (end > 0) break;
    }
    return unchecked(this.order[set * this.assoc + randomBelow(end)]);
  }

  private halve(set: i32, epoch: u32): void {
    unchecked((this.epoch[set] = epoch + 1));
    if (!unchecked(this.sorted[set])) return;
    const bounds = set * BOUNDS;
    // New segment j = old segments 2j and 2j + 1 (read before written: 2j >= j).
    for (let j = 1; j < VALUES; j++) {
      const from = 2 * j < VALUES ? 2 * j : VALUES;
      unchecked((this.bound[bounds + j] = this.bound[bounds + from]));
    }
  }

  /** Sorts a set's ways by counter (a counting sort): `order`, `position` and `bound`. */
  private sortSet(set: i32): void {
    const bounds = set * BOUNDS;
    const first = set * this.assoc;
    const last = first + this.assoc;
    const next = this.next;
    for (let v = 0; v < VALUES; v++) unchecked((next[v] = 0));
    for (let way = first; way < last; way++) {
      const value = <i32>this.value(set, way);
      unchecked((next[value] = next[value] + 1));
    }
    let start = 0;
    for (let v = 0; v < VALUES; v++) {
      const count = unchecked(next[v]);
      unchecked((this.bound[bounds + v] = start));
      unchecked((next[v] = start));
      start += count;
    }
    for (let way = first; way < last; way++) {
      const value = <i32>this.value(set, way);
      const at = unchecked(next[value]);
      unchecked((next[value] = at + 1));
      unchecked((this.order[first + at] = way));
      unchecked((this.position[way] = at));
    }
    unchecked((this.sorted[set] = true));
  }

  @inline private swap(set: i32, a: i32, b: i32): void {
    const base = set * this.assoc;
    const wayA = unchecked(this.order[base + a]);
    const wayB = unchecked(this.order[base + b]);
    unchecked((this.order[base + a] = wayB));
    unchecked((this.order[base + b] = wayA));
    unchecked((this.position[wayA] = b));
    unchecked((this.position[wayB] = a));
  }
}
