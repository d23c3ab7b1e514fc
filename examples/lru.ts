// LRU replacement as a plugin (docs/extending.md): the built-in policy-lru.ts re-written
// against the plugin interface. Results are identical to `--iotlb-policy lru` on every
// golden case (test/plugin-lru-golden.test.ts).
//
//   hypersio run --trace T --iotlb-policy examples/lru.ts
//
// One doubly linked recency list per set, ways linked through prev/next (indices of the
// whole cache: set * ways + way), head most recent: O(1) hit, fill and victim.

const NONE: i32 = -1;

let ways: i32 = 0;
let prev = new StaticArray<i32>(0); // per way
let next = new StaticArray<i32>(0);
let head = new StaticArray<i32>(0); // per set: most recent
let tail = new StaticArray<i32>(0); // per set: least recent, the victim

export function init(sets: i32, waysPerSet: i32): void {
  ways = waysPerSet;
  prev = new StaticArray<i32>(sets * ways);
  next = new StaticArray<i32>(sets * ways);
  head = new StaticArray<i32>(sets);
  tail = new StaticArray<i32>(sets);
  for (let s = 0; s < sets; s++) {
    head[s] = NONE;
    tail[s] = NONE;
  }
}

export function hit(set: i32, way: i32): void {
  const w = set * ways + way;
  if (unchecked(head[set]) == w) return;
  unlink(set, w);
  pushFront(set, w);
}

export function fill(set: i32, way: i32, replaced: bool): void {
  const w = set * ways + way;
  if (replaced) unlink(set, w);
  pushFront(set, w);
}

export function victim(set: i32): i32 {
  return unchecked(tail[set]) - set * ways;
}

@inline function unlink(set: i32, w: i32): void {
  const p = unchecked(prev[w]);
  const n = unchecked(next[w]);
  if (p != NONE) unchecked((next[p] = n));
  else unchecked((head[set] = n));
  if (n != NONE) unchecked((prev[n] = p));
  else unchecked((tail[set] = p));
}

@inline function pushFront(set: i32, w: i32): void {
  const h = unchecked(head[set]);
  unchecked((prev[w] = NONE));
  unchecked((next[w] = h));
  if (h != NONE) unchecked((prev[h] = w));
  else unchecked((tail[set] = w));
  unchecked((head[set] = w));
}
