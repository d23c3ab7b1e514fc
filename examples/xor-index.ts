// An XOR-folded set index (docs/extending.md, "Set index"). The reference's group-bits
// index takes the IOTLB's set from iova >> 21, so every page of a tenant's 2 MiB region
// lands in one set, and on real-log traces (where every tenant's guest uses the same
// IOVAs) all tenants' pages land in the same few sets: `hypersio trace-info` warns about
// it, and a larger IOTLB then changes nothing. Here the page number (at the request's own
// page size, so every address of one entry gives its set) and the did are XOR-folded down
// to the set bits, which spreads both tenants and their pages over every set.
//
//   hypersio sweep --trace T --set-index group-bits examples/xor-index.ts --iotlb-size 64 256 1024

import { CACHE_CC, CACHE_IOTLB, CACHE_L2PAGE, CACHE_L3PAGE, pageLevel } from './plugin-api';

export function setIndex(cache: i32, sets: i32, did: u32, sid: u32, iova: u64): i32 {
  let key: u64;
  if (cache == CACHE_CC) key = <u64>sid;
  else if (cache == CACHE_IOTLB) key = iova >> pageShift(pageLevel());
  else if (cache == CACHE_L2PAGE) key = iova >> 21;
  else if (cache == CACHE_L3PAGE) key = iova >> 30;
  else key = iova >> 21;
  key ^= <u64>did * 0x9e3779b9; // tenants with the same addresses apart
  const bits = <u64>ctz(sets); // sets is a power of two
  const mask = <u64>(sets - 1);
  let set: u64 = 0;
  while (key != 0) {
    set ^= key & mask;
    key >>= bits;
  }
  return <i32>set;
}

@inline function pageShift(level: i32): u64 {
  return level == 1 ? 12 : level == 2 ? 21 : 30;
}
