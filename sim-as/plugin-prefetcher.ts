// The prefetcher slot: the default build's stub, never called (PREFETCHER_PLUGIN_LINKED is
// false). A user's prefetcher file takes its place in a plugin variant; it exports
// (docs/extending.md, "Prefetcher"):
//   init()        - once, before the first request;
//   contextFill() - each request's context fill (the built-in prefetcher's probe point):
//                   read the request through './plugin-api' and call prefetch(iova, level)
//                   for each page to fetch ahead; the model issues them as it issues the
//                   built-in sid-successor prefetcher's requests.

export function init(): void {}

export function contextFill(): void {}
