// SRRIP, static re-reference interval prediction (Jaleel, Theobald, Steely and Emer,
// "High Performance Cache Replacement Using Re-Reference Interval Prediction (RRIP)",
// ISCA 2010), with 2-bit re-reference prediction values (RRPV) and hit priority:
// - a new entry is predicted a long re-reference interval, RRPV = 2^M - 2 = 2;
// - a hit predicts a near-immediate one, RRPV = 0;
// - the victim is the first way (lowest index) predicted distant, RRPV = 3; if there is
//   none, every RRPV of the set is incremented and the search repeats.
// So an entry that was re-referenced survives a scan of entries that are not, which LRU
// does not allow (test/plugin-examples-policies.test.ts).
//
//   hypersio run --trace T --iotlb-policy examples/srrip.ts

const RRPV_MAX: u8 = 3; // 2^M - 1, M = 2
const RRPV_INSERT: u8 = 2; // 2^M - 2: "long"

let ways: i32 = 0;
let rrpv = new StaticArray<u8>(0); // per way: set * ways + way

export function init(sets: i32, waysPerSet: i32): void {
  ways = waysPerSet;
  rrpv = new StaticArray<u8>(sets * ways);
}

export function hit(set: i32, way: i32): void {
  unchecked((rrpv[set * ways + way] = 0));
}

export function fill(set: i32, way: i32, replaced: bool): void {
  unchecked((rrpv[set * ways + way] = RRPV_INSERT));
}

// Called only for a full set, right before fill(set, victim, true): ageing the set here is
// SRRIP's own victim search.
export function victim(set: i32): i32 {
  const first = set * ways;
  while (true) {
    for (let w = 0; w < ways; w++) if (unchecked(rrpv[first + w]) == RRPV_MAX) return w;
    for (let w = 0; w < ways; w++) unchecked((rrpv[first + w] += 1));
  }
}
