// The attribution build's extra surface (re-exported by index-attribution.ts only):
// plain-number getters over attribution.ts's tables. Ids outside the module's own abort.

import * as a from './attribution';
import { ID_COUNT, QUEUE_COUNT } from './constants';

function component(c: i32): i32 {
  if (<u32>c >= <u32>a.ATTRIBUTION_COMPONENTS) throw new RangeError('unknown attribution component id');
  return c;
}

export function attributionTranslations(): f64 {
  return <f64>a.attributedTranslations;
}
/** Sum over translations of completion - start, ns. */
export function attributionLatencySum(): f64 {
  return <f64>a.attributedLatency;
}
export function attributionMismatches(): f64 {
  return <f64>a.attributionMismatches;
}
export function attributionComponentSum(c: i32): f64 {
  return <f64>a.componentSum(component(c));
}
/** Demand requests' queueing at queue `q` (QUEUE_* order: context fill, walk lookup, walk fill, IOTLB fill). */
export function attributionQueueWait(q: i32): f64 {
  if (<u32>q >= <u32>QUEUE_COUNT) throw new RangeError('unknown queue id');
  return <f64>a.queueWait(q);
}

// Histograms: row = a component id, or ATTRIBUTION_TOTAL for the latency itself.
/** The smallest bucket >= `from` of `row` with a count, or -1. */
export function attributionNextBucket(row: i32, from: i32): i32 {
  if (row != a.ATTRIBUTION_TOTAL) component(row);
  for (let b = from; b < a.ATTRIBUTION_BUCKETS; b++) if (a.histogramCount(row, b) > 0) return b;
  return -1;
}
export function attributionBucketCount(row: i32, b: i32): f64 {
  return <f64>a.histogramCount(row, b);
}
/** The smallest latency (ns) a bucket holds. */
export function attributionBucketLow(b: i32): f64 {
  return <f64>a.globalBucketLow(b);
}

// Tenants, by did.
/** The smallest did >= `from` that completed a translation, or -1. */
export function attributionNextDid(from: i32): i32 {
  for (let did = from; did < a.attributionDidEnd; did++) if (a.tenantBlockOf(did) != 0) return did;
  return -1;
}
function tenant(did: i32): usize {
  if (<u32>did >= <u32>ID_COUNT || a.tenantBlockOf(did) == 0) throw new RangeError('no attributed tenant with this did');
  return a.tenantBlockOf(did);
}
export function attributionTenantStat(did: i32, stat: i32): f64 {
  if (<u32>stat > <u32>a.ATTRIBUTION_TENANT_PREFETCH_HITS) throw new RangeError('unknown tenant statistic id');
  return <f64>a.tenantCounter(tenant(did), stat);
}
export function attributionTenantComponentSum(did: i32, c: i32): f64 {
  return <f64>a.tenantComponentSum(tenant(did), component(c));
}
export function attributionTenantNextBucket(did: i32, from: i32): i32 {
  const block = tenant(did);
  for (let b = from; b < a.ATTRIBUTION_TENANT_BUCKETS; b++) if (a.tenantHistogramCount(block, b) > 0) return b;
  return -1;
}
export function attributionTenantBucketCount(did: i32, b: i32): f64 {
  return <f64>a.tenantHistogramCount(tenant(did), b);
}
export function attributionTenantBucketLow(b: i32): f64 {
  return <f64>a.tenantBucketLow(b);
}
