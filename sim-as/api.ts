// The module's whole exported surface (re-exported by index.ts). Plain numbers only, so
// JS needs no bindings: configure, start, feed chunks of trace records through the input
// buffer, finish, then read statistics with the getters.
//
// Usage from JS (see orchestrator/model-core.ts):
//   setCacheGeometry(id, size, assoc, groups) for CC, IOTLB, L2PAGE, L3PAGE, PREFETCH;
//   setModelOptions(...); setPrefetcherOptions(...); setSeed(seed); start();
//   repeat: write n records at inputBufferPointer(); feed(n)   (n <= inputCapacity())
//   finish(); then the getters.
// feed()/finish() return STATUS_* (constants.ts); a negative status names a bad record,
// whose index in the trace is recordsConsumed().
// The ids these functions take (CACHE_*, POLICY_*, CACHE_STAT_*, PREFETCH_STAT_*) and the
// STATUS_* codes are exported by name, as immutable globals, so JS never copies a number;
// an id outside them aborts with a message instead of reading another statistic.

import { Cache } from './cache';
import { CACHE_CC, CACHE_COUNT, CACHE_IOTLB, CACHE_L2PAGE, CACHE_L3PAGE, CACHE_PREFETCH_BUFFER, ID_COUNT, POLICY_COUNT, POLICY_PLUGIN, INPUT_CAPACITY_RECORDS, PACKET_BITS, TRANSLATIONS_PER_PACKET } from './constants';
import { Flow, flowDidEnd, flowOf, LATENCY_HISTOGRAM_NS, latencyCounts } from './flows';
import * as model from './model';
import * as prefetcher from './prefetcher';
import { POLICY_PLUGIN_LINKED, PREFETCHER_PLUGIN_LINKED, SET_INDEX_PLUGIN_LINKED } from './plugin-slots';
import { seedRandom } from './random';

export { setIdealModes, setPrefetcherOptions, setStepEveryCycle } from './model';

export function setCacheGeometry(cache: i32, size: i32, assoc: i32, groups: i32): void {
  if (<u32>cache >= <u32>CACHE_COUNT) throw new RangeError('setCacheGeometry: unknown cache id');
  model.setCacheGeometry(cache, size, assoc, groups);
}

export function setModelOptions(tq: i32, ooo: bool, salloc: bool, policy: i32, interArrivalNs: i64): void {
  if (<u32>policy >= <u32>POLICY_COUNT) throw new RangeError('setModelOptions: unknown replacement policy id');
  if (policy == POLICY_PLUGIN && !POLICY_PLUGIN_LINKED) throw new RangeError('setModelOptions: this build links no replacement-policy plugin');
  model.setModelOptions(tq, ooo, salloc, policy, interArrivalNs);
}

/**
 * The plugins linked into this build (plugin-slots.ts): bit 0 replacement policy, bit 1
 * prefetcher, bit 2 set index. JS checks it against the configuration.
 */
export function linkedPlugins(): i32 {
  return (POLICY_PLUGIN_LINKED ? 1 : 0) | (PREFETCHER_PLUGIN_LINKED ? 2 : 0) | (SET_INDEX_PLUGIN_LINKED ? 4 : 0);
}

export function setSeed(seed: f64): void {
  seedRandom(<u64>seed);
}

export function start(): void {
  model.startModel();
}

export function inputBufferPointer(): usize {
  return model.inputBuffer;
}

export function inputCapacity(): i32 {
  return INPUT_CAPACITY_RECORDS;
}

export function feed(records: i32): i32 {
  return model.feedRecords(records);
}

export function finish(): i32 {
  return model.finishTrace();
}

export function recordsConsumed(): f64 {
  return <f64>model.translated; // every record consumed is issued
}

// ---- results ----

export function simTimeNs(): f64 {
  return <f64>model.currentTime;
}
export function translations(): f64 {
  return <f64>model.translated;
}
export function packetsDropped(): f64 {
  return <f64>model.packetsDropped;
}
/** floor(floor(translated / 3) * 1542 * 8 * 1000 / elapsed), in Mb/s. */
export function throughputMbps(): f64 {
  return mbps(model.translated, model.currentTime);
}

/** Mb/s of `translations` (whole packets of 3) over `ns`; the reference's integer formula. */
function mbps(translations: u64, ns: i64): f64 {
  if (ns <= 0) return 0;
  const packets = <i64>(translations / TRANSLATIONS_PER_PACKET);
  return <f64>((packets * PACKET_BITS * 1000) / ns);
}

// Flows, by did (0 when the did completed nothing).
/** The smallest did >= `from` that completed a translation, or -1 (so JS reads only real flows). */
export function nextFlowDid(from: i32): i32 {
  for (let did = from; did < flowDidEnd; did++) if (flowOf(did).translations > 0) return did;
  return -1;
}
export function flowCount(did: i32): f64 {
  return <f64>validFlow(did).translations;
}
export function flowTimeNs(did: i32): f64 {
  const flow = validFlow(did);
  return flow.translations == 0 ? 0 : <f64>(flow.lastEnd - flow.firstStart);
}
export function flowMbps(did: i32): f64 {
  const flow = validFlow(did);
  return flow.translations == 0 ? 0 : mbps(flow.translations, flow.lastEnd - flow.firstStart);
}
function validFlow(did: i32): Flow {
  if (<u32>did >= <u32>ID_COUNT) throw new RangeError('did out of range');
  return flowOf(did);
}

/** The smallest latency bucket >= `from` with a count, or -1. */
export function nextLatency(from: i32): i32 {
  for (let ns = from; ns <= LATENCY_HISTOGRAM_NS; ns++) if (unchecked(latencyCounts[ns]) > 0) return ns;
  return -1;
}
/** Completed translations whose modelled latency was `ns` (ns = histogramLimit(): longer ones). */
export function latencyCount(ns: i32): f64 {
  return <f64>latencyCounts[ns];
}
export function latencyHistogramLimit(): i32 {
  return LATENCY_HISTOGRAM_NS;
}

// Caches: id = CACHE_CC, CACHE_IOTLB, CACHE_L2PAGE or CACHE_L3PAGE.
export const CACHE_STAT_HITS: i32 = 0;
export const CACHE_STAT_MISSES: i32 = 1;
export const CACHE_STAT_CONFLICTS: i32 = 2;
export const CACHE_STAT_DOMAINS: i32 = 3;
export const CACHE_STAT_SETS: i32 = 4;

function cacheById(id: i32): Cache {
  if (id == CACHE_CC) return model.contextCache;
  if (id == CACHE_IOTLB) return model.iotlb;
  if (id == CACHE_L2PAGE) return model.l2PageCache;
  if (id == CACHE_L3PAGE) return model.l3PageCache;
  if (id == CACHE_PREFETCH_BUFFER) return model.prefetchBuffer;
  throw new RangeError('unknown cache id');
}

export function cacheStat(id: i32, stat: i32): f64 {
  const cache = cacheById(id);
  if (stat == CACHE_STAT_HITS) return <f64>cache.stats.hits;
  if (stat == CACHE_STAT_MISSES) return <f64>cache.stats.misses;
  if (stat == CACHE_STAT_CONFLICTS) return <f64>cache.stats.conflicts;
  if (stat == CACHE_STAT_DOMAINS) return <f64>cache.stats.domains;
  if (stat == CACHE_STAT_SETS) return <f64>cache.sets;
  throw new RangeError('unknown cache statistic id');
}

export function cacheSetAccesses(id: i32, set: i32): f64 {
  return <f64>cacheById(id).stats.setAccesses[set];
}

// Prefetcher.
export const PREFETCH_STAT_ACCESSES: i32 = 0;
export const PREFETCH_STAT_CORRECT: i32 = 1;
export const PREFETCH_STAT_INCORRECT: i32 = 2;
export const PREFETCH_STAT_PREDICTIONS: i32 = 3;
export const PREFETCH_STAT_NEW_MAPPINGS: i32 = 4;
export const PREFETCH_STAT_SAME_SID: i32 = 5;
export const PREFETCH_STAT_DIFFERENT_SID: i32 = 6;
export const PREFETCH_STAT_BUFFER_FILLS: i32 = 7;
export const PREFETCH_STAT_BUFFER_HITS: i32 = 8;
export const PREFETCH_STAT_BUFFER_MISSES: i32 = 9;
export const PREFETCH_STAT_BUFFER_FILLS_PRESENT: i32 = 10;

export function prefetchStat(stat: i32): f64 {
  switch (stat) {
    case PREFETCH_STAT_ACCESSES: return <f64>prefetcher.probes;
    case PREFETCH_STAT_CORRECT: return <f64>prefetcher.correctPredictions;
    case PREFETCH_STAT_INCORRECT: return <f64>prefetcher.incorrectPredictions;
    case PREFETCH_STAT_PREDICTIONS: return <f64>prefetcher.predictionsMade;
    case PREFETCH_STAT_NEW_MAPPINGS: return <f64>prefetcher.newMappings;
    case PREFETCH_STAT_SAME_SID: return <f64>prefetcher.transitionsSameSid;
    case PREFETCH_STAT_DIFFERENT_SID: return <f64>prefetcher.transitionsDifferentSid;
    case PREFETCH_STAT_BUFFER_FILLS: return <f64>model.bufferFills;
    case PREFETCH_STAT_BUFFER_HITS: return <f64>model.bufferHits;
    case PREFETCH_STAT_BUFFER_MISSES: return <f64>model.bufferMisses;
    case PREFETCH_STAT_BUFFER_FILLS_PRESENT: return <f64>model.bufferFillsPresent;
    default: throw new RangeError('unknown prefetcher statistic id');
  }
}

/** The smallest sid >= `from` with a prefetcher history (reported even with 0 hits and misses), or -1. */
export function nextHistorySid(from: i32): i32 {
  for (let sid = from; sid < prefetcher.historySidEnd; sid++) if (prefetcher.hasHistory(sid)) return sid;
  return -1;
}
export function sidHistoryHits(sid: i32): f64 {
  return <f64>prefetcher.historyHits[sid];
}
export function sidHistoryMisses(sid: i32): f64 {
  return <f64>prefetcher.historyMisses[sid];
}
