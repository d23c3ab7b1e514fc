/**
 * Latency attribution (docs/attribution.md): where a translation's time goes. The
 * attribution build of the model (dist/hypersio-attribution.wasm) splits every completed
 * demand translation's latency, queueing included, into components that add up to it
 * exactly; this module reads its tables into a `LatencyAttribution` and summarizes them
 * (means, percentiles, tenants worst first). No Node APIs: the browser can use it too.
 */

/** The components, in the model's id order (sim-as/attribution.ts). */
export const ATTRIBUTION_COMPONENTS = ['ccHit', 'ccMiss', 'iotlbHit', 'prefetchHit', 'pcie', 'walkCacheHit', 'dram4k', 'dram2m', 'dram1g', 'queueing'] as const;
export type AttributionComponent = (typeof ATTRIBUTION_COMPONENTS)[number];

/** What each component is, for tables and charts. */
export const COMPONENT_LABELS: Readonly<Record<AttributionComponent, string>> = {
  ccHit: 'context-cache hit',
  ccMiss: 'context miss (PCIe round trip + context-entry read)',
  iotlbHit: 'IOTLB hit',
  prefetchHit: 'prefetch-buffer hit',
  pcie: 'PCIe crossings of the walk',
  walkCacheHit: 'walk-cache hit',
  dram4k: 'walk DRAM accesses, 4 KiB pages',
  dram2m: 'walk DRAM accesses, 2 MiB pages',
  dram1g: 'walk DRAM accesses, 1 GiB pages',
  queueing: 'queueing (ready, waiting for its stage)',
};

const CONTRACT_NAMES: Readonly<Record<AttributionComponent, string>> = {
  ccHit: 'ATTRIBUTION_CC_HIT',
  ccMiss: 'ATTRIBUTION_CC_MISS',
  iotlbHit: 'ATTRIBUTION_IOTLB_HIT',
  prefetchHit: 'ATTRIBUTION_PREFETCH_HIT',
  pcie: 'ATTRIBUTION_PCIE',
  walkCacheHit: 'ATTRIBUTION_WALK_CACHE_HIT',
  dram4k: 'ATTRIBUTION_DRAM_4K',
  dram2m: 'ATTRIBUTION_DRAM_2M',
  dram1g: 'ATTRIBUTION_DRAM_1G',
  queueing: 'ATTRIBUTION_QUEUEING',
};

/** The pipeline stages whose queues a request waits in, in the model's queue order. */
export const ATTRIBUTION_STAGES = ['contextFill', 'walkLookup', 'walkFill', 'iotlbFill'] as const;
export type AttributionStage = (typeof ATTRIBUTION_STAGES)[number];

/** Translations by ns: each bucket's smallest ns (as text) → count; sparse. */
export type LatencyBuckets = Record<string, number>;

export interface TenantLatency {
  translations: number;
  /** Sum of the tenant's latencies including queueing, ns. */
  latencySumNs: number;
  /** Per component, summed over the tenant's translations; adds up to latencySumNs. */
  componentSumsNs: Record<AttributionComponent, number>;
  /** The tenant's demand context lookups (at issue) that hit and missed. */
  ccHits: number;
  ccMisses: number;
  /** Its demand IOTLB lookups (context-fill stage) that hit and missed. */
  iotlbHits: number;
  iotlbMisses: number;
  /** IOTLB misses that hit the prefetch buffer. */
  prefetchHits: number;
  /** Exact below 64 ns; above, buckets at most 1/16 of their value wide. */
  latencyHistogram: LatencyBuckets;
}

/** What `simulate(…, { attribution: true })` adds to a RunResult. */
export interface LatencyAttribution {
  /** Completed demand translations (all of them: the model drains). */
  translations: number;
  /** Sum over translations of (completion cycle + 1 − start): latency including queueing. */
  latencySumNs: number;
  /** Per component, summed over translations; adds up to latencySumNs exactly. */
  componentSumsNs: Record<AttributionComponent, number>;
  /** Translations whose components did not add up to their latency (the model checks each): 0. */
  mismatches: number;
  /** The queueing component split by the stage whose queue the request waited in. */
  queueingByStageNs: Record<AttributionStage, number>;
  /** By latency including queueing: exact below 16384 ns, then buckets at most 1/64 of their value wide. */
  latencyHistogram: LatencyBuckets;
  /** Per component, translations by that component's ns (same buckets). */
  componentHistograms: Record<AttributionComponent, LatencyBuckets>;
  /** By did. */
  tenants: Record<string, TenantLatency>;
}

/** The attribution build's getters (sim-as/attribution-api.ts). */
export interface AttributionExports {
  attributionTranslations(): number;
  attributionLatencySum(): number;
  attributionMismatches(): number;
  attributionComponentSum(component: number): number;
  attributionQueueWait(queue: number): number;
  attributionNextBucket(row: number, from: number): number;
  attributionBucketCount(row: number, bucket: number): number;
  attributionBucketLow(bucket: number): number;
  attributionNextDid(from: number): number;
  attributionTenantStat(did: number, stat: number): number;
  attributionTenantComponentSum(did: number, component: number): number;
  attributionTenantNextBucket(did: number, from: number): number;
  attributionTenantBucketCount(did: number, bucket: number): number;
  attributionTenantBucketLow(bucket: number): number;
}

/** Whether a module's exports are the attribution build's. */
export function hasAttribution(exports: object): exports is AttributionExports {
  return typeof (exports as Partial<AttributionExports>).attributionTranslations === 'function';
}

/** Reads the attribution tables; `value` reads one of the module's named ids (contractValue). */
export function readAttribution(m: AttributionExports, value: (name: string) => number): LatencyAttribution {
  const ids = ATTRIBUTION_COMPONENTS.map((c) => [c, value(CONTRACT_NAMES[c])] as const);
  const perComponent = <T>(f: (id: number) => T) => Object.fromEntries(ids.map(([c, id]) => [c, f(id)])) as Record<AttributionComponent, T>;
  const buckets = (next: (from: number) => number, count: (b: number) => number, low: (b: number) => number): LatencyBuckets => {
    const out: LatencyBuckets = {};
    for (let b = next(0); b >= 0; b = next(b + 1)) out[String(low(b))] = count(b);
    return out;
  };
  const row = (r: number) =>
    buckets(
      (from) => m.attributionNextBucket(r, from),
      (b) => m.attributionBucketCount(r, b),
      (b) => m.attributionBucketLow(b),
    );
  const stat = (did: number, name: string) => m.attributionTenantStat(did, value(`ATTRIBUTION_TENANT_${name}`));
  const tenants: Record<string, TenantLatency> = {};
  for (let did = m.attributionNextDid(0); did >= 0; did = m.attributionNextDid(did + 1)) {
    const translations = stat(did, 'TRANSLATIONS');
    const ccMisses = stat(did, 'CC_MISSES');
    const iotlbHits = stat(did, 'IOTLB_HITS');
    tenants[did] = {
      translations,
      latencySumNs: stat(did, 'LATENCY'),
      componentSumsNs: perComponent((id) => m.attributionTenantComponentSum(did, id)),
      ccHits: translations - ccMisses,
      ccMisses,
      iotlbHits,
      iotlbMisses: translations - iotlbHits,
      prefetchHits: stat(did, 'PREFETCH_HITS'),
      latencyHistogram: buckets(
        (from) => m.attributionTenantNextBucket(did, from),
        (b) => m.attributionTenantBucketCount(did, b),
        (b) => m.attributionTenantBucketLow(b),
      ),
    };
  }
  return {
    translations: m.attributionTranslations(),
    latencySumNs: m.attributionLatencySum(),
    componentSumsNs: perComponent((id) => m.attributionComponentSum(id)),
    mismatches: m.attributionMismatches(),
    queueingByStageNs: Object.fromEntries(ATTRIBUTION_STAGES.map((s, q) => [s, m.attributionQueueWait(q)])) as Record<AttributionStage, number>,
    latencyHistogram: row(value('ATTRIBUTION_TOTAL')),
    componentHistograms: perComponent(row),
    tenants,
  };
}

// ---------------------------------------------------------------------------
// Summary

export interface TenantAttribution {
  did: number;
  translations: number;
  meanNs: number;
  p99Ns: number;
  /** Mean ns per component; adds up to meanNs. */
  components: Record<AttributionComponent, number>;
  /** Of the tenant's demand lookups. */
  ccMissRate: number;
  iotlbMissRate: number;
  /** The tenant's flow bandwidth (RunResult.flows). */
  mbps: number;
}

export interface AttributionSummary {
  latency: {
    /** Mean latency including queueing (what Little's law needs). */
    meanNs: number;
    p50Ns: number;
    p99Ns: number;
    /** Mean ns per component; adds up to meanNs. */
    components: Record<AttributionComponent, number>;
    componentPercentiles: Record<AttributionComponent, { p50Ns: number; p99Ns: number }>;
  };
  /** Worst first: highest mean latency, then lowest Mb/s, then did. */
  tenants: TenantAttribution[];
}

/**
 * The `q` quantile (0 < q <= 1) of a histogram, nearest rank: the smallest bucket holding
 * the ceil(q × n)-th smallest value, as that bucket's smallest ns (exact where the
 * buckets are). 0 for an empty histogram.
 */
export function percentileNs(histogram: LatencyBuckets, q: number): number {
  const entries = Object.entries(histogram)
    .map(([ns, count]) => [Number(ns), count] as const)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [ns, count] of entries) {
    seen += count;
    if (seen >= rank) return ns;
  }
  return 0;
}

const means = (sums: Record<AttributionComponent, number>, n: number) =>
  Object.fromEntries(ATTRIBUTION_COMPONENTS.map((c) => [c, n > 0 ? sums[c] / n : 0])) as Record<AttributionComponent, number>;

/** Means, percentiles and the tenants worst first, from a result run with `attribution: true`. */
export function summarizeAttribution(result: { attribution?: LatencyAttribution; flows: Record<string, { mbps: number }> }): AttributionSummary {
  const a = result.attribution;
  if (a === undefined) throw new Error('this result has no latency attribution: simulate it with { attribution: true }');
  const n = a.translations;
  const tenants = Object.entries(a.tenants).map(([did, t]): TenantAttribution => ({
    did: Number(did),
    translations: t.translations,
    meanNs: t.translations > 0 ? t.latencySumNs / t.translations : 0,
    p99Ns: percentileNs(t.latencyHistogram, 0.99),
    components: means(t.componentSumsNs, t.translations),
    ccMissRate: t.translations > 0 ? t.ccMisses / t.translations : 0,
    iotlbMissRate: t.translations > 0 ? t.iotlbMisses / t.translations : 0,
    mbps: result.flows[did]?.mbps ?? 0,
  }));
  tenants.sort((x, y) => y.meanNs - x.meanNs || x.mbps - y.mbps || x.did - y.did);
  return {
    latency: {
      meanNs: n > 0 ? a.latencySumNs / n : 0,
      p50Ns: percentileNs(a.latencyHistogram, 0.5),
      p99Ns: percentileNs(a.latencyHistogram, 0.99),
      components: means(a.componentSumsNs, n),
      componentPercentiles: Object.fromEntries(
        ATTRIBUTION_COMPONENTS.map((c) => [c, { p50Ns: percentileNs(a.componentHistograms[c], 0.5), p99Ns: percentileNs(a.componentHistograms[c], 0.99) }]),
      ) as AttributionSummary['latency']['componentPercentiles'],
    },
    tenants,
  };
}

/** `run --attribution`'s text: mean, p50 and p99 per component, then the worst tenants. */
export function formatAttribution(s: AttributionSummary, worstTenants = 5): string {
  const ns = (x: number) => x.toFixed(1).padStart(9);
  const lines = [
    `Where a translation's time goes (mean ${s.latency.meanNs.toFixed(1)} ns including queueing, p50 ${s.latency.p50Ns}, p99 ${s.latency.p99Ns}):`,
    `  ${'component'.padEnd(54)}  mean ns     p50     p99`,
  ];
  for (const c of ATTRIBUTION_COMPONENTS) {
    const { p50Ns, p99Ns } = s.latency.componentPercentiles[c];
    if (s.latency.components[c] === 0 && p99Ns === 0) continue;
    lines.push(`  ${COMPONENT_LABELS[c].padEnd(54)}${ns(s.latency.components[c])} ${String(p50Ns).padStart(7)} ${String(p99Ns).padStart(7)}`);
  }
  lines.push(`Worst tenants (highest mean latency):`, `  ${'did'.padStart(6)}  mean ns  p99 ns  CC miss  IOTLB miss     Mb/s`);
  for (const t of s.tenants.slice(0, worstTenants)) {
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    lines.push(`  ${String(t.did).padStart(6)} ${ns(t.meanNs).slice(1)} ${String(t.p99Ns).padStart(7)} ${pct(t.ccMissRate).padStart(8)} ${pct(t.iotlbMissRate).padStart(11)} ${t.mbps.toFixed(2).padStart(8)}`);
  }
  return `${lines.join('\n')}\n`;
}
