// Per-flow (per did) statistics over completed, non-prefetch requests: how many, the
// earliest start and the latest modelled end.

import { NEVER } from './constants';

const MAX_DIDS: i32 = 65536;

export const flowTranslations = new StaticArray<u32>(MAX_DIDS);
export const flowFirstStart = new StaticArray<i64>(MAX_DIDS);
export const flowLastEnd = new StaticArray<i64>(MAX_DIDS);

export function initFlows(): void {
  for (let d = 0; d < MAX_DIDS; d++) unchecked((flowFirstStart[d] = NEVER));
}

export function recordCompletion(did: u32, start: i64, end: i64): void {
  unchecked((flowTranslations[did] += 1));
  if (start < unchecked(flowFirstStart[did])) unchecked((flowFirstStart[did] = start));
  if (end > unchecked(flowLastEnd[did])) unchecked((flowLastEnd[did] = end));
}
