// LRU replacement: the victim is the entry least recently inserted or hit. One doubly
// linked recency list per set (ways linked through prev/next, head most recent): O(1)
// hit, fill and victim.
//
// Every policy module has the same three hooks, called by Cache (cache.ts), which picks
// the module by a per-cache constant (a predictable branch, no indirect call):
//   hit(set, way, nat)            - `way` was hit by a request with next access `nat`;
//   fill(set, way, nat, replaced) - `way` now holds a new entry (`replaced`: it held the
//                                   victim, which leaves the policy's order first);
//   victim(set)                   - the way to replace in a full set (changes nothing).

const NONE: i32 = -1;

export class LruPolicy {
  private readonly prev: StaticArray<i32>; // per way
  private readonly next: StaticArray<i32>;
  private readonly head: StaticArray<i32>; // per set: most recent
  private readonly tail: StaticArray<i32>; // per set: least recent, the victim

  constructor(sets: i32, assoc: i32) {
    const ways = sets * assoc;
    this.prev = new StaticArray<i32>(ways);
    this.next = new StaticArray<i32>(ways);
    this.head = new StaticArray<i32>(sets);
    this.tail = new StaticArray<i32>(sets);
    for (let s = 0; s < sets; s++) {
      unchecked((this.head[s] = NONE));
      unchecked((this.tail[s] = NONE));
    }
  }

  @inline hit(set: i32, way: i32, nat: u64): void {
    if (unchecked(this.head[set]) != way) this.moveToFront(set, way);
  }

  @inline fill(set: i32, way: i32, nat: u64, replaced: bool): void {
    if (replaced) this.unlink(set, way);
    this.pushFront(set, way);
  }

  @inline victim(set: i32): i32 {
    return unchecked(this.tail[set]);
  }

  private moveToFront(set: i32, way: i32): void {
    this.unlink(set, way);
    this.pushFront(set, way);
  }

  @inline private unlink(set: i32, way: i32): void {
    const prev = unchecked(this.prev[way]);
    const next = unchecked(this.next[way]);
    if (prev != NONE) unchecked((this.next[prev] = next));
    else unchecked((this.head[set] = next));
    if (next != NONE) unchecked((this.prev[next] = prev));
    else unchecked((this.tail[set] = prev));
  }

  @inline private pushFront(set: i32, way: i32): void {
    const head = unchecked(this.head[set]);
    unchecked((this.prev[way] = NONE));
    unchecked((this.next[way] = head));
    if (head != NONE) unchecked((this.prev[head] = way));
    else unchecked((this.tail[set] = way));
    unchecked((this.head[set] = way));
  }
}
