// The clock loop and the four pipeline stages of the reference model
// (../shared/spec/model.md), cycle for cycle, with idle time skipped: when no queue has
// a ready head, time jumps to the next queue-ready time or packet slot, and the packet
// slots jumped over while the translation window is full are counted as drops, exactly
// as stepping every nanosecond would.
//
// The trace is streamed: feed() consumes records from the input buffer until they run
// out (mid-packet if need be) and returns; the loop resumes where it stopped.

import { initAttribution, noteCompletion, noteHit, noteIssue, notePcie, noteWait, noteWalk } from './attribution';
import { Cache } from './cache';
import {
  ATTRIBUTION,
  CACHE_CC,
  CACHE_COUNT,
  CACHE_IOTLB,
  CACHE_L2PAGE,
  CACHE_L3PAGE,
  CACHE_PREFETCH_BUFFER,
  CC_HIT,
  CE_READ,
  DDR,
  FIELD_DID,
  FIELD_IOVA,
  FIELD_LEVEL,
  FIELD_MASK,
  FIELD_NAT,
  FIELD_SID,
  FIELD_TYPE,
  INPUT_CAPACITY_RECORDS,
  QUEUE_CONTEXT_FILL,
  QUEUE_IOTLB_FILL,
  QUEUE_WALK_FILL,
  QUEUE_WALK_LOOKUP,
  IOTLB_HIT,
  PAGE_MASK_1G,
  PAGE_MASK_2M,
  PCACHE_HIT,
  PCIE,
  PCIE_RTT,
  POLICY_LFU,
  POLICY_LRU,
  PREFETCH_HIT,
  STATUS_BAD_PAGE_LEVEL,
  STATUS_BAD_RECORD_TYPE,
  STATUS_DONE,
  STATUS_NEED_INPUT,
  TRACE_RECORD_BYTES,
  TRANSLATIONS_PER_PACKET,
} from './constants';
import { recordCompletion } from './flows';
import { setCurrentRequest } from './plugin-api';
import { initPrefetcherPlugin, pluginPrefetch, pluginSet } from './plugin-hooks';
import { POLICY_PLUGIN_LINKED, PREFETCHER_PLUGIN_LINKED, SET_INDEX_PLUGIN_LINKED } from './plugin-slots';
import { historyRecord, historySize, initPrefetcher, probe } from './prefetcher';
import { headTime, initQueues, push, take } from './queue';
import { allocPrefetch, allocRequest, freeRequest, initRequests, KIND_DEMAND, KIND_PREFETCH, REQUEST_END, REQUEST_START } from './requests';

/** The trace input buffer: JS writes records here (see constants.ts). */
export const inputBuffer: usize = memory.data(INPUT_CAPACITY_RECORDS * TRACE_RECORD_BYTES, 16);

// ---- configuration (set once, before the first feed) ----
const cacheSize = new StaticArray<i32>(CACHE_COUNT);
const cacheAssoc = new StaticArray<i32>(CACHE_COUNT);
const cacheGroups = new StaticArray<i32>(CACHE_COUNT);
let maxInFlight: i32 = 1; // tq
let outOfOrder: bool = true;
let selectiveAlloc: bool = false;
let iotlbPolicy: i32 = POLICY_LRU;
let interArrival: i64 = 61; // ns between packet slots
let historyLength: i32 = 2;
let predictionDistance: i32 = 32;
let stepEveryCycle: bool = false;
// Limit studies (idealIotlb, idealCc, idealWalkCaches): the cache is built without
// lookups (it stores and counts nothing), and a lookup's miss is taken for a hit, so
// the switch is tested only on the miss path and costs the default path nothing.
let idealIotlb: bool = false;
let idealCc: bool = false;
let idealWalkCaches: bool = false;

export function setCacheGeometry(cache: i32, size: i32, assoc: i32, groups: i32): void {
  unchecked((cacheSize[cache] = size));
  unchecked((cacheAssoc[cache] = assoc));
  unchecked((cacheGroups[cache] = groups));
}

export function setModelOptions(tq: i32, ooo: bool, salloc: bool, policy: i32, interArrivalNs: i64): void {
  maxInFlight = tq;
  outOfOrder = ooo;
  selectiveAlloc = salloc;
  iotlbPolicy = policy;
  interArrival = interArrivalNs;
}

export function setIdealModes(iotlb: bool, cc: bool, walkCaches: bool): void {
  idealIotlb = iotlb;
  idealCc = cc;
  idealWalkCaches = walkCaches;
}

/**
 * Verification mode: step every nanosecond as the reference does instead of skipping
 * idle time. Results must be identical (tests check it); only slower.
 */
export function setStepEveryCycle(on: bool): void {
  stepEveryCycle = on;
}

export function setPrefetcherOptions(length: i32, distance: i32): void {
  historyLength = length;
  predictionDistance = distance;
}

// ---- model state ----
// (Placeholders until startModel(): non-null globals spare the hot loop null checks.)
export let contextCache = new Cache(0, 0, 1, POLICY_LRU);
export let iotlb = contextCache;
export let l2PageCache = contextCache;
export let l3PageCache = contextCache;
export let prefetchBuffer = contextCache;
// Selective allocation: dids [0, g1) may fill the IOTLB, [g1, g1+g2) L2PAGE, then L3PAGE.
let l2AllocFirst: u32 = 0;
let l3AllocFirst: u32 = 0;
let l3AllocEnd: u32 = 0;

// The clock, saved here between feeds (the loop keeps both in locals).
export let currentTime: i64 = 0;
let nextSlot: i64 = 0; // the first packet slot (multiple of interArrival) >= currentTime
/** Translations issued, which is also the records consumed from the trace. */
export let translated: u64 = 0;
export let packetsDropped: u64 = 0;
let inFlight: i32 = 0;
let issuingPacket: bool = false; // inside a packet slot's arrival step
let issuedInPacket: i32 = 0;

// Prefetch-buffer statistics (the buffer's own cache counters are not reported).
export let bufferFills: u64 = 0;
export let bufferHits: u64 = 0;
export let bufferMisses: u64 = 0;
export let bufferFillsPresent: u64 = 0;

// Input cursor.
let inputCount: i32 = 0;
let inputPosition: i32 = 0;
let inputFinal: bool = false;

function configuredCache(id: i32, policy: i32, ideal: bool): Cache {
  return new Cache(cacheSize[id], cacheAssoc[id], cacheGroups[id], policy, ideal);
}

/** Builds the caches and queues from the configuration. Call once. */
export function startModel(): void {
  contextCache = configuredCache(CACHE_CC, POLICY_LFU, idealCc);
  iotlb = configuredCache(CACHE_IOTLB, iotlbPolicy, idealIotlb);
  l2PageCache = configuredCache(CACHE_L2PAGE, POLICY_LRU, idealWalkCaches);
  l3PageCache = configuredCache(CACHE_L3PAGE, POLICY_LRU, idealWalkCaches);
  // The prefetch buffer is fully associative, one group: size = assoc = entries.
  const bufferEntries = cacheSize[CACHE_PREFETCH_BUFFER];
  prefetchBuffer = new Cache(bufferEntries, bufferEntries, 1, POLICY_LRU);
  l2AllocFirst = <u32>cacheGroups[CACHE_IOTLB];
  l3AllocFirst = l2AllocFirst + <u32>cacheGroups[CACHE_L2PAGE];
  l3AllocEnd = l3AllocFirst + <u32>cacheGroups[CACHE_L3PAGE];
  initQueues(outOfOrder, 64);
  initRequests(maxInFlight + 64);
  initPrefetcher(historyLength, predictionDistance);
  initAttribution();
  initPrefetcherPlugin();
}

// ---- cache accesses, keyed as the reference keys each cache ----
// A request is the address of its slot (requests.ts): its trace record, then start, end.

@inline function sidOf(r: usize): u32 {
  return <u32>load<u16>(r, FIELD_SID);
}
@inline function didOf(r: usize): u32 {
  return <u32>load<u16>(r, FIELD_DID);
}
@inline function iovaOf(r: usize): u64 {
  return load<u64>(r, FIELD_IOVA);
}
@inline function levelOf(r: usize): i64 {
  return load<i64>(r, FIELD_LEVEL);
}
@inline function natOf(r: usize): u64 {
  return load<u64>(r, FIELD_NAT);
}
@inline function addLatency(r: usize, latency: i64): void {
  store<i64>(r, load<i64>(r, REQUEST_END) + latency, REQUEST_END);
}

/** The set of `cache` (id `id`) for `r` (of domain `did`): the group-bits index of `x`, or a set-index plugin's. */
@inline function setOf(cache: Cache, id: i32, r: usize, did: u32, x: u64): i32 {
  if (SET_INDEX_PLUGIN_LINKED) {
    setCurrentRequest(r); // the plugin may read the page level
    return pluginSet(id, cache.sets, did, sidOf(r), iovaOf(r));
  }
  return cache.setIndex(did, x);
}

// The context cache is keyed by sid alone (the spec's "Caches"): tenants whose sids
// coincide (logs shifted by 128 sids each) share one entry. The did picks the group.
@inline function contextAccess(r: usize, alloc: bool): bool {
  const sid = sidOf(r);
  const did = didOf(r);
  return contextCache.accessKey(setOf(contextCache, CACHE_CC, r, did, <u64>sid), <u64>sid, did, natOf(r), alloc);
}

/** A cache keyed by the request's iova masked with `mask`, its set chosen by iova >> `setShift`. */
@inline function pageAccess(cache: Cache, id: i32, r: usize, setShift: u64, mask: u64, alloc: bool): bool {
  const iova = iovaOf(r);
  const did = didOf(r);
  return cache.access(setOf(cache, id, r, did, iova >> setShift), iova & mask, did, natOf(r), alloc);
}

// The IOTLB and the prefetch buffer hold the request's page; the walk caches its 2 MiB
// and 1 GiB regions.
@inline function iotlbAccess(r: usize, alloc: bool): bool {
  if (POLICY_PLUGIN_LINKED) setCurrentRequest(r); // what the policy plugin's hooks read
  return pageAccess(iotlb, CACHE_IOTLB, r, 21, load<u64>(r, FIELD_MASK), alloc);
}
@inline function prefetchBufferAccess(r: usize, alloc: bool): bool {
  return pageAccess(prefetchBuffer, CACHE_PREFETCH_BUFFER, r, 21, load<u64>(r, FIELD_MASK), alloc);
}
@inline function l2Access(r: usize, alloc: bool): bool {
  return pageAccess(l2PageCache, CACHE_L2PAGE, r, 21, PAGE_MASK_2M, alloc);
}
@inline function l3Access(r: usize, alloc: bool): bool {
  return pageAccess(l3PageCache, CACHE_L3PAGE, r, 30, PAGE_MASK_1G, alloc);
}

@inline function mayAllocateIotlb(did: u32): bool {
  return !selectiveAlloc || did < l2AllocFirst;
}
@inline function mayAllocateL2(did: u32): bool {
  return !selectiveAlloc || (did >= l2AllocFirst && did < l3AllocFirst);
}
@inline function mayAllocateL3(did: u32): bool {
  return !selectiveAlloc || (did >= l3AllocFirst && did < l3AllocEnd);
}

// ---- arrival ----

/** Reads the next record and issues it; returns 0 or a negative status for a bad record. */
function issueNextRecord(now: i64): i32 {
  const record = inputBuffer + <usize>inputPosition * TRACE_RECORD_BYTES;
  if (load<i32>(record, FIELD_TYPE) != KIND_DEMAND) return STATUS_BAD_RECORD_TYPE;
  const level = load<u64>(record, FIELD_LEVEL);
  if (level < 1 || level > 3) return STATUS_BAD_PAGE_LEVEL;
  inputPosition++;
  const r = allocRequest(record);
  const hit = contextAccess(r, false) || idealCc;
  const latency = hit ? CC_HIT : PCIE_RTT + CE_READ;
  store<i64>(r, now, REQUEST_START);
  store<i64>(r, now + latency, REQUEST_END);
  noteIssue(r, hit);
  push(QUEUE_CONTEXT_FILL, now + latency, <u32>r);
  translated++;
  inFlight++;
  return 0;
}

// ---- the four stages of a cycle ----

/** Stage 1: the context is known; look up the IOTLB and prefetch buffer, and prefetch. */
function contextFillStage(r: usize, now: i64): void {
  contextAccess(r, true);
  const iotlbHit = iotlbAccess(r, false) || idealIotlb;
  const bufferHit = prefetchBufferAccess(r, false);
  if (bufferHit) bufferHits++;
  else bufferMisses++;
  if (iotlbHit) {
    addLatency(r, IOTLB_HIT);
    noteHit(r, true);
    push(QUEUE_IOTLB_FILL, now + IOTLB_HIT - 1, <u32>r);
  } else if (bufferHit) {
    addLatency(r, PREFETCH_HIT);
    noteHit(r, false);
    push(QUEUE_IOTLB_FILL, now + PREFETCH_HIT - 1, <u32>r);
  } else {
    addLatency(r, PCIE);
    notePcie(r);
    push(QUEUE_WALK_LOOKUP, now + PCIE, <u32>r);
  }
  if (PREFETCHER_PLUGIN_LINKED) {
    pluginPrefetch(r, now);
    return;
  }
  const predicted = probe(r);
  if (predicted >= 0) {
    const count = historySize(predicted);
    for (let i = 0; i < count; i++) {
      push(QUEUE_WALK_LOOKUP, now + PCIE + DDR, <u32>allocPrefetch(historyRecord(predicted, i)));
    }
  }
}

/** Stage 2: look up both walk caches; the outcome and page level decide the walk's cost. */
@inline function walkLookupStage(r: usize, now: i64): void {
  const l2Hit = l2Access(r, false) || idealWalkCaches;
  const l3Hit = l3Access(r, false) || idealWalkCaches;
  const level = levelOf(r);
  let latency: i64;
  let toIotlbFill = false;
  // An L2 hit on a 1 GiB page is treated as a miss (the reference loses that request).
  if (l2Hit && level <= 2) {
    if (level == 2) {
      latency = PCACHE_HIT + PCIE;
      toIotlbFill = true;
      noteWalk(r, 0, true);
      notePcie(r);
    } else {
      latency = DDR * (2 - level);
      noteWalk(r, 2 - level, false);
    }
  } else if (l3Hit) {
    if (level == 3) {
      latency = PCACHE_HIT;
      toIotlbFill = true;
      noteWalk(r, 0, true);
    } else {
      latency = DDR * (3 - level);
      noteWalk(r, 3 - level, false);
    }
  } else {
    latency = DDR * level;
    noteWalk(r, level, false);
  }
  addLatency(r, latency);
  if (toIotlbFill) push(QUEUE_IOTLB_FILL, now + latency - 1, <u32>r);
  else push(QUEUE_WALK_FILL, now + latency - 1, <u32>r);
}

/** Stage 3: the walk is done; fill the walk caches and send the translation back. */
@inline function walkFillStage(r: usize, now: i64): void {
  const did = didOf(r);
  l2Access(r, mayAllocateL2(did));
  l3Access(r, mayAllocateL3(did));
  addLatency(r, PCIE);
  notePcie(r);
  push(QUEUE_IOTLB_FILL, now + PCIE, <u32>r);
}

/** Stage 4: fill the IOTLB (or the prefetch buffer); a demand request completes. */
@inline function iotlbFillStage(r: usize, now: i64): void {
  if (load<i32>(r, FIELD_TYPE) == KIND_PREFETCH) {
    bufferFills++;
    if (prefetchBufferAccess(r, true)) bufferFillsPresent++;
  } else {
    const did = didOf(r);
    iotlbAccess(r, mayAllocateIotlb(did));
    inFlight--;
    recordCompletion(did, load<i64>(r, REQUEST_START), load<i64>(r, REQUEST_END));
    noteCompletion(r, did, now + 1);
  }
  freeRequest(r);
}

/** The head of queue `q`, ready at or before `now`; the attribution build counts its wait. */
@inline function takeReady(q: i32, now: i64): usize {
  if (ATTRIBUTION) {
    const ready = headTime(q);
    const r = <usize>take(q);
    noteWait(r, q, now - ready);
    return r;
  }
  return <usize>take(q);
}

/** One cycle: each stage takes at most one ready request from its queue, in this order. */
@inline function runCycle(now: i64): void {
  // Most cycles have a single ready queue, so look before calling a stage.
  if (headTime(QUEUE_CONTEXT_FILL) <= now) contextFillStage(takeReady(QUEUE_CONTEXT_FILL, now), now);
  if (headTime(QUEUE_WALK_LOOKUP) <= now) walkLookupStage(takeReady(QUEUE_WALK_LOOKUP, now), now);
  if (headTime(QUEUE_WALK_FILL) <= now) walkFillStage(takeReady(QUEUE_WALK_FILL, now), now);
  if (headTime(QUEUE_IOTLB_FILL) <= now) iotlbFillStage(takeReady(QUEUE_IOTLB_FILL, now), now);
}

// ---- the clock ----

@inline function earliestQueueTime(): i64 {
  let t = headTime(QUEUE_CONTEXT_FILL);
  const lookup = headTime(QUEUE_WALK_LOOKUP);
  if (lookup < t) t = lookup;
  const fill = headTime(QUEUE_WALK_FILL);
  if (fill < t) t = fill;
  const iotlbReady = headTime(QUEUE_IOTLB_FILL);
  if (iotlbReady < t) t = iotlbReady;
  return t;
}

/**
 * Runs the clock until the input buffer is exhausted (returns STATUS_NEED_INPUT), or, once
 * the input is final, until the trace ends (returns STATUS_DONE after draining).
 */
function runClock(): i32 {
  let now = currentTime;
  let slot = nextSlot; // the first packet slot >= now
  let status = STATUS_NEED_INPUT; // (set before every exit from the loop)
  while (true) {
    if (!issuingPacket && now == slot) {
      slot += interArrival;
      if (inFlight < maxInFlight) {
        issuingPacket = true;
        issuedInPacket = 0;
      } else {
        packetsDropped++;
      }
    }
    if (issuingPacket) {
      status = issuePacket(now);
      if (status != PACKET_ISSUED) break;
    }
    runCycle(now);
    now++;
    // Skip to the next cycle in which anything can happen, counting skipped drops.
    const next = earliestQueueTime();
    if (next > now && !stepEveryCycle) {
      if (inFlight < maxInFlight) {
        now = slot < next ? slot : next;
      } else {
        if (slot < next) {
          // Window full: every packet slot in [now, next) is a drop (nothing completes
          // before `next`, and a full window implies a queued request, so `next` is finite).
          const slots = (next - 1 - slot) / interArrival + 1;
          packetsDropped += <u64>slots;
          slot += slots * interArrival;
        }
        now = next;
      }
    }
  }
  nextSlot = slot;
  if (status == STATUS_DONE) now = drain(now);
  currentTime = now;
  return status;
}

const PACKET_ISSUED: i32 = 2; // not a STATUS_*: the clock goes on

/** Issues the rest of the current packet: PACKET_ISSUED, or the status feed() returns. */
function issuePacket(now: i64): i32 {
  while (issuedInPacket < TRANSLATIONS_PER_PACKET) {
    if (inputPosition >= inputCount) {
      if (!inputFinal) return STATUS_NEED_INPUT;
      // The trace ended: this cycle is not run.
      issuingPacket = false;
      return STATUS_DONE;
    }
    const status = issueNextRecord(now);
    if (status < 0) return status;
    issuedInPacket++;
  }
  issuingPacket = false;
  return PACKET_ISSUED;
}

/** Runs the cycles after the trace ended until nothing is in flight; returns the end time. */
function drain(start: i64): i64 {
  let now = start;
  while (inFlight > 0) {
    const next = earliestQueueTime();
    if (next > now && !stepEveryCycle) now = next;
    runCycle(now);
    now++;
  }
  return now;
}

/** Consumes `records` records from the input buffer. */
export function feedRecords(records: i32): i32 {
  inputCount = records;
  inputPosition = 0;
  return runClock();
}

/** Marks the input as complete, runs to the end of the trace and drains. */
export function finishTrace(): i32 {
  inputCount = 0;
  inputPosition = 0;
  inputFinal = true;
  return runClock();
}
