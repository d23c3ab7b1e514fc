// Statistics over completed, non-prefetch requests: per flow (did) how many, the earliest
// start and the latest modelled end; and, over all flows, a histogram of the modelled
// translation latency (end - start, in ns), exact up to LATENCY_HISTOGRAM_NS.

import { zeroedArray } from './arrays';

const MAX_DIDS: i32 = 65536;
export const LATENCY_HISTOGRAM_NS: i32 = 16384;

export const flowTranslations = zeroedArray<u32>(MAX_DIDS);
export const flowFirstStart = zeroedArray<i64>(MAX_DIDS); // valid once flowTranslations > 0
export const flowLastEnd = zeroedArray<i64>(MAX_DIDS);
/** latencyCounts[ns] for ns < LATENCY_HISTOGRAM_NS; the last bucket counts all longer ones. */
export const latencyCounts = zeroedArray<u32>(LATENCY_HISTOGRAM_NS + 1);
/** One past the largest did that completed anything (so readers scan no further). */
export let flowDidEnd: i32 = 0;

export function recordCompletion(did: u32, start: i64, end: i64): void {
  const count = unchecked(flowTranslations[did]);
  unchecked((flowTranslations[did] = count + 1));
  if (count == 0) {
    unchecked((flowFirstStart[did] = start));
    if (<i32>did >= flowDidEnd) flowDidEnd = did + 1;
  } else if (start < unchecked(flowFirstStart[did])) {
    unchecked((flowFirstStart[did] = start));
  }
  if (end > unchecked(flowLastEnd[did])) unchecked((flowLastEnd[did] = end));
  const latency = end - start;
  const bucket = latency < LATENCY_HISTOGRAM_NS ? <i32>latency : LATENCY_HISTOGRAM_NS;
  unchecked((latencyCounts[bucket] += 1));
}
