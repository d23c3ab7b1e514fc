// Latency attribution (docs/attribution.md): where each completed demand translation's
// time went, split into components that add up exactly, as integers, to its latency
// including queueing (completion cycle + 1 - start). Only the attribution build keeps
// these books: every hook returns at once when ATTRIBUTION is false, so the optimizer
// removes the hooks, the tables and their getters from the release build.
//
// Per request, the bookkeeping lives in the record's slpte field (FIELD_SLPTE: 8 bytes
// that play no part in timing), so slots stay 64 bytes: the queueing so far (u32) and
// what the stages added (a flags byte, PCIe crossings, DRAM accesses of the walk).
// A stage calls the hook of what it added; the nominal latencies (constants.ts) are
// multiplied out only at completion.

import { zeroedArray, zeroedBlock } from './arrays';
import {
  ATTRIBUTION,
  CC_HIT,
  CE_READ,
  DDR,
  FIELD_LEVEL,
  FIELD_SLPTE,
  FIELD_TYPE,
  ID_COUNT,
  IOTLB_HIT,
  PCACHE_HIT,
  PCIE,
  PCIE_RTT,
  PREFETCH_HIT,
  QUEUE_COUNT,
} from './constants';
import { KIND_DEMAND, REQUEST_START } from './requests';

// Component ids (exported by name in the attribution build, read by orchestrator/attribution.ts).
export const ATTRIBUTION_CC_HIT: i32 = 0; // context-cache hit: CC_HIT
export const ATTRIBUTION_CC_MISS: i32 = 1; // context miss: PCIE_RTT + CE_READ
export const ATTRIBUTION_IOTLB_HIT: i32 = 2; // IOTLB_HIT
export const ATTRIBUTION_PREFETCH_HIT: i32 = 3; // prefetch-buffer hit: PREFETCH_HIT
export const ATTRIBUTION_PCIE: i32 = 4; // PCIe crossings of the walk path: PCIE each
export const ATTRIBUTION_WALK_CACHE_HIT: i32 = 5; // PCACHE_HIT
export const ATTRIBUTION_DRAM_4K: i32 = 6; // DDR per walk access, 4 KiB pages
export const ATTRIBUTION_DRAM_2M: i32 = 7; // 2 MiB pages
export const ATTRIBUTION_DRAM_1G: i32 = 8; // 1 GiB pages
export const ATTRIBUTION_QUEUEING: i32 = 9; // ready at a queue's head time but not yet taken
export const ATTRIBUTION_COMPONENTS: i32 = 10;
/** The histogram row of the total latency (after the components' rows). */
export const ATTRIBUTION_TOTAL: i32 = ATTRIBUTION_COMPONENTS;

// Per-tenant statistics ids.
export const ATTRIBUTION_TENANT_TRANSLATIONS: i32 = 0;
export const ATTRIBUTION_TENANT_LATENCY: i32 = 1; // sum of latencies including queueing
export const ATTRIBUTION_TENANT_CC_MISSES: i32 = 2; // demand context lookups that missed
export const ATTRIBUTION_TENANT_IOTLB_HITS: i32 = 3; // demand IOTLB lookups that hit
export const ATTRIBUTION_TENANT_PREFETCH_HITS: i32 = 4; // ... that missed the IOTLB, hit the buffer
const TENANT_COUNTERS: i32 = 5;

// Histograms: exact below 2^EXACT_BITS ns, then 2^SUB_BITS buckets per power of two
// (within 1/64 above 16384 ns); the tenants' coarser (exact below 64 ns, then within 1/16).
const EXACT_BITS: i32 = 14;
const SUB_BITS: i32 = 6;
export const ATTRIBUTION_BUCKETS: i32 = (1 << EXACT_BITS) + (40 - EXACT_BITS) * (1 << SUB_BITS);
const TENANT_EXACT_BITS: i32 = 6;
const TENANT_SUB_BITS: i32 = 4;
export const ATTRIBUTION_TENANT_BUCKETS: i32 = (1 << TENANT_EXACT_BITS) + (40 - TENANT_EXACT_BITS) * (1 << TENANT_SUB_BITS);

/** The bucket of `ns` (>= 0); values of 2^40 ns and more share the last. */
@inline function bucketOf(ns: u64, exactBits: i32, subBits: i32, buckets: i32): i32 {
  if (ns < (<u64>1 << <u64>exactBits)) return <i32>ns;
  const e = 63 - <i32>clz(ns);
  const b = (1 << exactBits) + ((e - exactBits) << subBits) + <i32>((ns >> <u64>(e - subBits)) & <u64>((1 << subBits) - 1));
  return b < buckets ? b : buckets - 1;
}

/** The smallest ns of bucket `b`. */
function bucketLow(b: i32, exactBits: i32, subBits: i32): u64 {
  if (b < 1 << exactBits) return <u64>b;
  const k = b - (1 << exactBits);
  const e = exactBits + (k >> subBits);
  return <u64>((1 << subBits) + (k & ((1 << subBits) - 1))) << <u64>(e - subBits);
}
export function globalBucketLow(b: i32): u64 {
  return bucketLow(b, EXACT_BITS, SUB_BITS);
}
export function tenantBucketLow(b: i32): u64 {
  return bucketLow(b, TENANT_EXACT_BITS, TENANT_SUB_BITS);
}

// ---- per-request bookkeeping (in the slot's slpte field) ----
const QUEUEING: usize = FIELD_SLPTE; // u32
const FLAGS: usize = FIELD_SLPTE + 4; // u8
const CROSSINGS: usize = FIELD_SLPTE + 5; // u8
const DRAM_ACCESSES: usize = FIELD_SLPTE + 6; // u8
const FLAG_CC_MISS: u8 = 1;
const FLAG_IOTLB_HIT: u8 = 2;
const FLAG_PREFETCH_HIT: u8 = 4;
const FLAG_WALK_CACHE_HIT: u8 = 8;

/** A demand request was issued; its context lookup hit or missed. */
@inline export function noteIssue(r: usize, contextHit: bool): void {
  if (!ATTRIBUTION) return;
  store<u64>(r, <u64>(contextHit ? 0 : FLAG_CC_MISS) << 32, FIELD_SLPTE);
}

/** `r` was taken from queue `q` `wait` cycles after its ready time. */
@inline export function noteWait(r: usize, q: i32, wait: i64): void {
  if (!ATTRIBUTION) return;
  store<u32>(r, load<u32>(r, QUEUEING) + <u32>wait, QUEUEING);
  // Prefetch requests are not attributed, but the waits they cause are (to the demand requests behind them).
  if (load<i32>(r, FIELD_TYPE) == KIND_DEMAND) unchecked((queueWaits[q] += <u64>wait));
}

/** The context-fill stage found the page in the IOTLB (or else in the prefetch buffer). */
@inline export function noteHit(r: usize, iotlb: bool): void {
  if (!ATTRIBUTION) return;
  store<u8>(r, load<u8>(r, FLAGS) | (iotlb ? FLAG_IOTLB_HIT : FLAG_PREFETCH_HIT), FLAGS);
}

/** One PCIe crossing. */
@inline export function notePcie(r: usize): void {
  if (!ATTRIBUTION) return;
  store<u8>(r, load<u8>(r, CROSSINGS) + 1, CROSSINGS);
}

/** The walk-cache lookup's outcome: DRAM accesses and whether it was a walk-cache hit. */
@inline export function noteWalk(r: usize, dramAccesses: i64, walkCacheHit: bool): void {
  if (!ATTRIBUTION) return;
  store<u8>(r, <u8>dramAccesses, DRAM_ACCESSES);
  if (walkCacheHit) store<u8>(r, load<u8>(r, FLAGS) | FLAG_WALK_CACHE_HIT, FLAGS);
}

// ---- totals (allocated at start, so the release build allocates none) ----
let componentSums = new StaticArray<u64>(0);
let histograms = new StaticArray<u32>(0); // (ATTRIBUTION_COMPONENTS + 1) rows of ATTRIBUTION_BUCKETS
let queueWaits = new StaticArray<u64>(0); // by queue, demand requests only
let tenantIndex = new StaticArray<u32>(0); // did -> its block, 0 = none yet
let component = new StaticArray<i64>(0); // scratch: one translation's components
export let attributedTranslations: u64 = 0;
export let attributedLatency: u64 = 0;
/** Translations whose components did not add up to their latency (a test requires 0). */
export let attributionMismatches: u64 = 0;
/** One past the largest did attributed. */
export let attributionDidEnd: i32 = 0;

// A tenant's block: TENANT_COUNTERS then ATTRIBUTION_COMPONENTS u64 sums, then its histogram.
const TENANT_SUMS_BYTES: usize = 128;
const TENANT_BLOCK_BYTES: usize = TENANT_SUMS_BYTES + <usize>ATTRIBUTION_TENANT_BUCKETS * 4;

export function initAttribution(): void {
  if (!ATTRIBUTION) return;
  componentSums = new StaticArray<u64>(ATTRIBUTION_COMPONENTS);
  histograms = zeroedArray<u32>((ATTRIBUTION_COMPONENTS + 1) * ATTRIBUTION_BUCKETS);
  queueWaits = new StaticArray<u64>(QUEUE_COUNT);
  tenantIndex = zeroedArray<u32>(ID_COUNT);
  component = new StaticArray<i64>(ATTRIBUTION_COMPONENTS);
}

@inline function count(row: i32, ns: i64): void {
  const b = bucketOf(<u64>ns, EXACT_BITS, SUB_BITS, ATTRIBUTION_BUCKETS);
  unchecked((histograms[row * ATTRIBUTION_BUCKETS + b] += 1));
}

function tenantBlock(did: u32): usize {
  let block = <usize>unchecked(tenantIndex[did]);
  if (block == 0) {
    // Once per tenant (grows only, like the flow table): fresh memory is zero.
    block = zeroedBlock(TENANT_BLOCK_BYTES, 8);
    unchecked((tenantIndex[did] = <u32>block));
    if (<i32>did >= attributionDidEnd) attributionDidEnd = did + 1;
  }
  return block;
}

/** A demand translation completes: its IOTLB-fill step ran in cycle `completedAt - 1`. */
@inline export function noteCompletion(r: usize, did: u32, completedAt: i64): void {
  if (!ATTRIBUTION) return;
  attribute(r, did, completedAt - load<i64>(r, REQUEST_START));
}

function attribute(r: usize, did: u32, latency: i64): void {
  const flags = load<u8>(r, FLAGS);
  const c = component;
  for (let i = 0; i < ATTRIBUTION_COMPONENTS; i++) unchecked((c[i] = 0));
  if (flags & FLAG_CC_MISS) unchecked((c[ATTRIBUTION_CC_MISS] = PCIE_RTT + CE_READ));
  else unchecked((c[ATTRIBUTION_CC_HIT] = CC_HIT));
  if (flags & FLAG_IOTLB_HIT) unchecked((c[ATTRIBUTION_IOTLB_HIT] = IOTLB_HIT));
  if (flags & FLAG_PREFETCH_HIT) unchecked((c[ATTRIBUTION_PREFETCH_HIT] = PREFETCH_HIT));
  unchecked((c[ATTRIBUTION_PCIE] = PCIE * <i64>load<u8>(r, CROSSINGS)));
  if (flags & FLAG_WALK_CACHE_HIT) unchecked((c[ATTRIBUTION_WALK_CACHE_HIT] = PCACHE_HIT));
  const level = <i32>load<u64>(r, FIELD_LEVEL); // 1..3 (checked at issue)
  unchecked((c[ATTRIBUTION_DRAM_4K + level - 1] = DDR * <i64>load<u8>(r, DRAM_ACCESSES)));
  unchecked((c[ATTRIBUTION_QUEUEING] = <i64>load<u32>(r, QUEUEING)));

  const block = tenantBlock(did);
  const tenantHistogram = block + TENANT_SUMS_BYTES;
  let sum: i64 = 0;
  for (let i = 0; i < ATTRIBUTION_COMPONENTS; i++) {
    const ns = unchecked(c[i]);
    sum += ns;
    unchecked((componentSums[i] += <u64>ns));
    count(i, ns);
    const at = block + <usize>(TENANT_COUNTERS + i) * 8;
    store<u64>(at, load<u64>(at) + <u64>ns);
  }
  if (sum != latency) attributionMismatches++;
  count(ATTRIBUTION_TOTAL, latency);
  attributedTranslations++;
  attributedLatency += <u64>latency;
  const tb = tenantHistogram + <usize>bucketOf(<u64>latency, TENANT_EXACT_BITS, TENANT_SUB_BITS, ATTRIBUTION_TENANT_BUCKETS) * 4;
  store<u32>(tb, load<u32>(tb) + 1);
  store<u64>(block, load<u64>(block) + 1);
  store<u64>(block, load<u64>(block, 8) + <u64>latency, 8);
  if (flags & FLAG_CC_MISS) store<u64>(block, load<u64>(block, 16) + 1, 16);
  if (flags & FLAG_IOTLB_HIT) store<u64>(block, load<u64>(block, 24) + 1, 24);
  if (flags & FLAG_PREFETCH_HIT) store<u64>(block, load<u64>(block, 32) + 1, 32);
}

// ---- readers (attribution-api.ts) ----
export function componentSum(c: i32): u64 {
  return componentSums[c];
}
export function histogramCount(row: i32, b: i32): u32 {
  return unchecked(histograms[row * ATTRIBUTION_BUCKETS + b]);
}
export function queueWait(q: i32): u64 {
  return queueWaits[q];
}
/** did's block, or 0 when it completed nothing. */
export function tenantBlockOf(did: i32): usize {
  return <usize>tenantIndex[did];
}
export function tenantCounter(block: usize, stat: i32): u64 {
  return load<u64>(block + <usize>stat * 8);
}
export function tenantComponentSum(block: usize, c: i32): u64 {
  return load<u64>(block + <usize>(TENANT_COUNTERS + c) * 8);
}
export function tenantHistogramCount(block: usize, b: i32): u32 {
  return load<u32>(block + TENANT_SUMS_BYTES + <usize>b * 4);
}
