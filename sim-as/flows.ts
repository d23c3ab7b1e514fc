// Statistics over completed, non-prefetch requests: per flow (did) how many, the earliest
// start and the latest modelled end; and, over all flows, a histogram of the modelled
// translation latency (end - start, in ns), exact up to LATENCY_HISTOGRAM_NS.

import { zeroedArray, zeroedBlock } from './arrays';
import { ID_COUNT } from './constants';

export const LATENCY_HISTOGRAM_NS: i32 = 16384;

/** One flow's statistics. A did's three fields share one cache line (see FLOW_BYTES). */
@unmanaged
export class Flow {
  translations: u32;
  firstStart: i64; // valid once translations > 0
  lastEnd: i64;
}
// 32 bytes per did, 32-aligned: with 1000 tenants a flow is cold at each completion, and
// one line to fetch beats three parallel arrays (1-2 % faster at tq 1).
const FLOW_BYTES: usize = 32;
const flows = zeroedBlock(<usize>ID_COUNT * FLOW_BYTES, FLOW_BYTES);

@inline export function flowOf(did: u32): Flow {
  return changetype<Flow>(flows + <usize>did * FLOW_BYTES);
}

/** latencyCounts[ns] for ns < LATENCY_HISTOGRAM_NS; the last bucket counts all longer ones. */
export const latencyCounts = zeroedArray<u32>(LATENCY_HISTOGRAM_NS + 1);
/** One past the largest did that completed anything (so readers scan no further). */
export let flowDidEnd: i32 = 0;

export function recordCompletion(did: u32, start: i64, end: i64): void {
  const flow = flowOf(did);
  const count = flow.translations;
  flow.translations = count + 1;
  if (count == 0) {
    flow.firstStart = start;
    if (<i32>did >= flowDidEnd) flowDidEnd = did + 1;
  } else if (start < flow.firstStart) {
    flow.firstStart = start;
  }
  if (end > flow.lastEnd) flow.lastEnd = end;
  const latency = end - start;
  const bucket = latency < LATENCY_HISTOGRAM_NS ? <i32>latency : LATENCY_HISTOGRAM_NS;
  unchecked((latencyCounts[bucket] += 1));
}
