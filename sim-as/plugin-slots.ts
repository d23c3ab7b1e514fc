// Which extension points have a user's plugin linked in (docs/extending.md). The default
// build links this file as it is: every flag is false, so the compiler removes each
// plugin branch and the built-ins run exactly the code they ran before the extension
// points existed. A plugin variant (orchestrator/plugins/compile.ts) is compiled with this
// file replaced by one that sets the flags of the plugins it links, and with the user's
// files in place of plugin-policy.ts, plugin-prefetcher.ts and plugin-set-index.ts.
export const POLICY_PLUGIN_LINKED: bool = false;
export const PREFETCHER_PLUGIN_LINKED: bool = false;
export const SET_INDEX_PLUGIN_LINKED: bool = false;
