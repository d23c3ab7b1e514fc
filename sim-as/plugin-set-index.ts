// The set-index slot: the default build's stub, never called (SET_INDEX_PLUGIN_LINKED is
// false). A user's set-index file takes its place in a plugin variant; it exports
// (docs/extending.md, "Set index"):
//   setIndex(cache, sets, did, sid, iova): i32 - the set (0 <= set < sets) of cache
//   `cache` (CACHE_CC, CACHE_IOTLB, CACHE_L2PAGE, CACHE_L3PAGE from './plugin-api') that the
//   request (did, sid, iova) uses. Called only for caches with more than one set; the
//   request's other fields (pageLevel()) are readable through './plugin-api'. The set of
//   one entry must not depend on which of its addresses a request carries: an IOTLB entry
//   of a 2 MiB page holds every address of that page.

export function setIndex(cache: i32, sets: i32, did: u32, sid: u32, iova: u64): i32 {
  return 0;
}
