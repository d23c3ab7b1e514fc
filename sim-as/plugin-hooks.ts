// The model's side of the extension points (docs/extending.md): calls into the plugin
// slots, each guarded by its PLUGIN_LINKED constant (plugin-slots.ts) so that the default
// build compiles none of it, and the checks that turn a plugin's out-of-range answer into
// a message naming the hook instead of a corrupted run.

import { FIELD_DID, FIELD_IOVA, FIELD_LEVEL, FIELD_MASK, FIELD_SID, DDR, PAGE_MASK_1G, PAGE_MASK_2M, PCIE, QUEUE_WALK_LOOKUP, TRACE_RECORD_BYTES } from './constants';
import { clearPrefetches, prefetchDid, prefetchesAsked, prefetchIova, prefetchLevel, prefetchSid, setCurrentRequest } from './plugin-api';
import { init as policyInit, hit as policyHit, fill as policyFill, victim as policyVictim } from './plugin-policy';
import { init as prefetcherInit, contextFill as prefetcherContextFill } from './plugin-prefetcher';
import { setIndex as pluginSetIndex } from './plugin-set-index';
import { PREFETCHER_PLUGIN_LINKED } from './plugin-slots';
import { push } from './queue';
import { allocPrefetch, copyRecord } from './requests';

// ---- replacement policy (ways are passed to the plugin relative to their set) ----

export function initPolicyPlugin(sets: i32, ways: i32): void {
  policyInit(sets, ways);
}

@inline export function policyPluginHit(set: i32, way: i32, assoc: i32): void {
  policyHit(set, way - set * assoc);
}

@inline export function policyPluginFill(set: i32, way: i32, assoc: i32, replaced: bool): void {
  policyFill(set, way - set * assoc, replaced);
}

@inline export function policyPluginVictim(set: i32, assoc: i32): i32 {
  const way = policyVictim(set);
  if (<u32>way >= <u32>assoc) victimOutOfRange(set, way, assoc);
  return set * assoc + way;
}

function victimOutOfRange(set: i32, way: i32, assoc: i32): void {
  throw new RangeError('plugin: victim(' + set.toString() + ') returned way ' + way.toString() + ', outside 0..' + (assoc - 1).toString());
}

// ---- set index ----

/** The plugin's set for the request `r` in cache `id` of `sets` sets (one set: 0, no call). */
@inline export function pluginSet(id: i32, sets: i32, did: u32, sid: u32, iova: u64): i32 {
  if (sets <= 1) return 0;
  const set = pluginSetIndex(id, sets, did, sid, iova);
  if (<u32>set >= <u32>sets) setOutOfRange(id, set, sets);
  return set;
}

function setOutOfRange(id: i32, set: i32, sets: i32): void {
  throw new RangeError('plugin: setIndex(cache ' + id.toString() + ') returned set ' + set.toString() + ', outside 0..' + (sets - 1).toString());
}

// ---- prefetcher ----

export function initPrefetcherPlugin(): void {
  if (PREFETCHER_PLUGIN_LINKED) prefetcherInit();
}

/** A record built per prefetch: the request's, with the prefetched page, did and sid in place of its own. */
const prefetchRecord: usize = memory.data(TRACE_RECORD_BYTES, 16);

@inline function levelMask(level: i32): u64 {
  return level == 1 ? ~(<u64>0xfff) : level == 2 ? PAGE_MASK_2M : PAGE_MASK_1G;
}

/**
 * The plugin's contextFill() for request `r`, then its prefetches issued as the built-in
 * prefetcher's are: a prefetch request to the walk-lookup queue, PCIE + DDR from now.
 */
export function pluginPrefetch(r: usize, now: i64): void {
  setCurrentRequest(r);
  clearPrefetches();
  prefetcherContextFill();
  const count = prefetchesAsked();
  for (let i = 0; i < count; i++) {
    const level = prefetchLevel(i);
    copyRecord(prefetchRecord, r);
    store<u16>(prefetchRecord, <u16>prefetchSid(i), FIELD_SID);
    store<u16>(prefetchRecord, <u16>prefetchDid(i), FIELD_DID);
    // The address as given (a trace record's own), so that every cache's set is the one a
    // demand request for it uses.
    store<u64>(prefetchRecord, prefetchIova(i), FIELD_IOVA);
    store<u64>(prefetchRecord, levelMask(level), FIELD_MASK);
    store<u64>(prefetchRecord, <u64>level, FIELD_LEVEL);
    push(QUEUE_WALK_LOOKUP, now + PCIE + DDR, <u32>allocPrefetch(prefetchRecord));
  }
}
