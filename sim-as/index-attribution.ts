// The attribution build's entry (dist/hypersio-attribution.wasm, asconfig.json's
// `attribution` target, which defines ATTRIBUTION_BUILD): the release surface plus the
// latency-attribution getters (attribution-api.ts). Re-exports only.
export * from './index';
export {
  ATTRIBUTION_CC_HIT,
  ATTRIBUTION_CC_MISS,
  ATTRIBUTION_IOTLB_HIT,
  ATTRIBUTION_PREFETCH_HIT,
  ATTRIBUTION_PCIE,
  ATTRIBUTION_WALK_CACHE_HIT,
  ATTRIBUTION_DRAM_4K,
  ATTRIBUTION_DRAM_2M,
  ATTRIBUTION_DRAM_1G,
  ATTRIBUTION_QUEUEING,
  ATTRIBUTION_COMPONENTS,
  ATTRIBUTION_TOTAL,
  ATTRIBUTION_TENANT_TRANSLATIONS,
  ATTRIBUTION_TENANT_LATENCY,
  ATTRIBUTION_TENANT_CC_MISSES,
  ATTRIBUTION_TENANT_IOTLB_HITS,
  ATTRIBUTION_TENANT_PREFETCH_HITS,
} from './attribution';
export {
  attributionTranslations,
  attributionLatencySum,
  attributionMismatches,
  attributionComponentSum,
  attributionQueueWait,
  attributionNextBucket,
  attributionBucketCount,
  attributionBucketLow,
  attributionNextDid,
  attributionTenantStat,
  attributionTenantComponentSum,
  attributionTenantNextBucket,
  attributionTenantBucketCount,
  attributionTenantBucketLow,
} from './attribution-api';
