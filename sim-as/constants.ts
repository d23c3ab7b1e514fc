// Timing constants of the reference model (../shared/spec/model.md), in ns = cycles.
export const PCIE: i64 = 450; // one PCIe crossing
export const PCIE_RTT: i64 = 900; // 2 x PCIE
export const DDR: i64 = 50; // one memory access by the IOMMU
export const CE_READ: i64 = 100; // context-entry read: 2 x DDR
export const IOTLB_HIT: i64 = 2;
export const PREFETCH_HIT: i64 = 2; // prefetch-buffer hit
export const CC_HIT: i64 = 1; // context-cache hit
export const PCACHE_HIT: i64 = 5; // page-walk-cache hit

export const PACKET_BITS: i64 = 1542 * 8;
export const TRANSLATIONS_PER_PACKET: i32 = 3;
export const NO_NEXT_ACCESS: u64 = u64.MAX_VALUE;
export const ID_COUNT: i32 = 65536; // sids and dids are 16-bit: per-id tables have this many entries
export const NEVER: i64 = i64.MAX_VALUE;

// pageMask(2) and pageMask(3): the walk caches tag by 2 MiB and 1 GiB regions.
export const PAGE_MASK_2M: u64 = ~((<u64>1 << 21) - 1);
export const PAGE_MASK_1G: u64 = ~((<u64>1 << 30) - 1);

// Cache ids, as used by configureCache() and the statistics getters.
export const CACHE_CC: i32 = 0;
export const CACHE_IOTLB: i32 = 1;
export const CACHE_L2PAGE: i32 = 2;
export const CACHE_L3PAGE: i32 = 3;
export const CACHE_PREFETCH_BUFFER: i32 = 4;
export const CACHE_COUNT: i32 = 5;

// The four pending-event queues, in the order a cycle's stages take from them.
export const QUEUE_CONTEXT_FILL: i32 = 0;
export const QUEUE_WALK_LOOKUP: i32 = 1;
export const QUEUE_WALK_FILL: i32 = 2;
export const QUEUE_IOTLB_FILL: i32 = 3;
export const QUEUE_COUNT: i32 = 4;

// Replacement policies.
export const POLICY_LRU: i32 = 0;
export const POLICY_LFU: i32 = 1;
export const POLICY_ORACLE: i32 = 2;
export const POLICY_PLUGIN: i32 = 3; // a user's policy file linked into a plugin variant (plugin-policy.ts)
export const POLICY_COUNT: i32 = 4; // one more than the last policy id

// LFU: when a counter reaches this value, every counter of its set is halved.
export const LFU_SATURATION: u32 = 15;

// Status codes returned by feed() / finish().
export const STATUS_NEED_INPUT: i32 = 0; // every record given was consumed; give more
export const STATUS_DONE: i32 = 1; // the trace ended and the model drained
export const STATUS_BAD_RECORD_TYPE: i32 = -1; // record type is not 1
export const STATUS_BAD_PAGE_LEVEL: i32 = -2; // page level outside 1..3

// Linear-memory map. Two fixed regions: the trace input buffer, where JS writes up to
// INPUT_CAPACITY_RECORDS records of TRACE_RECORD_BYTES, then calls feed(n); and the
// queues' state (queue.ts), read by the clock every cycle. Everything else (caches, queue
// entries, request slots, histories) is allocated at start() and grows only by doubling.
// The attribution build adds, never zero-filled (fresh memory is zero): the component
// histograms (ATTRIBUTION_COMPONENTS + 1 rows of ATTRIBUTION_BUCKETS u32), a per-did
// index of tenant blocks (u32 each), and one block per did that completed something,
// allocated at its first completion (attribution.ts). JS reads them through getters.
export const TRACE_RECORD_BYTES: i32 = 48;
export const INPUT_CAPACITY_RECORDS: i32 = 4096;
// Record field offsets (../shared/spec/formats.md).
export const FIELD_TYPE: usize = 0; // i32, always 1
export const FIELD_SID: usize = 4; // u16
export const FIELD_DID: usize = 6; // u16
export const FIELD_IOVA: usize = 8; // u64
export const FIELD_MASK: usize = 16; // u64
export const FIELD_LEVEL: usize = 24; // u64
export const FIELD_SLPTE: usize = 32; // u64: plays no part in timing (the attribution build keeps its bookkeeping here)
export const FIELD_NAT: usize = 40; // u64

// Compile-time switch: true only in the attribution build (asconfig.json's `attribution`
// target passes `--use ATTRIBUTION_BUILD=1`). Every `if (ATTRIBUTION)` folds away in the
// release build, so latency attribution costs it nothing (sim-as/attribution.ts).
// @ts-ignore: ATTRIBUTION_BUILD is defined only by that target
export const ATTRIBUTION: bool = isDefined(ATTRIBUTION_BUILD);
