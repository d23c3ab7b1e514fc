// BIP, the bimodal insertion policy (Qureshi, Jaleel, Patt, Steely and Emer, "Adaptive
// Insertion Policies for High Performance Caching", ISCA 2007): LRU replacement, but a new
// entry is inserted at the LRU position (LIP) except once every EPSILON_INVERSE insertions,
// when it goes to the MRU position as under LRU. A working set larger than the cache that
// is swept cyclically thrashes LRU (every access misses); under BIP most of it stays
// (test/plugin-examples-policies.test.ts). The paper's epsilon is 1/32; the "random" choice
// is a deterministic counter here, so runs repeat exactly.
//
//   hypersio run --trace T --iotlb-policy examples/bip.ts

const EPSILON_INVERSE: u32 = 32;
const NONE: i32 = -1;

let ways: i32 = 0;
let insertions: u32 = 0;
let prev = new StaticArray<i32>(0); // per way (set * ways + way): the more recent neighbour
let next = new StaticArray<i32>(0); // the less recent one
let head = new StaticArray<i32>(0); // per set: MRU
let tail = new StaticArray<i32>(0); // per set: LRU, the victim

export function init(sets: i32, waysPerSet: i32): void {
  ways = waysPerSet;
  insertions = 0;
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
  insertions++;
  if (insertions % EPSILON_INVERSE == 0) pushFront(set, w);
  else pushBack(set, w);
}

export function victim(set: i32): i32 {
  return unchecked(tail[set]) - set * ways;
}

function unlink(set: i32, w: i32): void {
  const p = unchecked(prev[w]);
  const n = unchecked(next[w]);
  if (p != NONE) unchecked((next[p] = n));
  else unchecked((head[set] = n));
  if (n != NONE) unchecked((prev[n] = p));
  else unchecked((tail[set] = p));
}

function pushFront(set: i32, w: i32): void {
  const h = unchecked(head[set]);
  unchecked((prev[w] = NONE));
  unchecked((next[w] = h));
  if (h != NONE) unchecked((prev[h] = w));
  else unchecked((tail[set] = w));
  unchecked((head[set] = w));
}

function pushBack(set: i32, w: i32): void {
  const t = unchecked(tail[set]);
  unchecked((next[w] = NONE));
  unchecked((prev[w] = t));
  if (t != NONE) unchecked((next[t] = w));
  else unchecked((head[set] = w));
  unchecked((tail[set] = w));
}
