// The replacement-policy slot: the default build's stub, never called (POLICY_PLUGIN_LINKED
// is false). A user's policy file takes its place in a plugin variant; it exports these
// four functions (docs/extending.md, "Replacement policy"):
//   init(sets, ways)         - once, before the first access: allocate per-set state here;
//   hit(set, way)            - a lookup found the entry in `way` (0 <= way < ways);
//   fill(set, way, replaced) - `way` now holds a new entry (`replaced`: it held the victim);
//   victim(set): i32         - the way to replace in a full set, 0 <= way < ways.
// The request being served is readable through './plugin-api' (did(), sid(), ...).

export function init(sets: i32, ways: i32): void {}

export function hit(set: i32, way: i32): void {}

export function fill(set: i32, way: i32, replaced: bool): void {}

export function victim(set: i32): i32 {
  return 0;
}
