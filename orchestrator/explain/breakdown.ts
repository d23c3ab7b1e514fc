/**
 * Where a translation's time goes: the latency summary `explain` reports (from the
 * model's attribution: orchestrator/attribution.ts), its text, and why the worst tenants
 * are the worst. No Node APIs: the web page uses it too.
 */

/** Mean ns of each component; they add up to meanNs. (AttributionSummary['latency'].) */
export interface LatencyBreakdown {
  meanNs: number;
  p50Ns: number;
  p99Ns: number;
  components: Record<string, number>;
  componentPercentiles?: Record<string, { p50Ns: number; p99Ns: number }>;
}

/** One tenant's figures (a TenantAttribution; fields the run cannot give are absent). */
export interface TenantBreakdown {
  did: number;
  translations: number;
  mbps: number;
  meanNs?: number;
  p99Ns?: number;
  components?: Record<string, number>;
  ccMissRate?: number;
  iotlbMissRate?: number;
}

const ns = (x: number) => `${Math.round(x).toLocaleString('en-US')} ns`;
const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 && x > 0 ? 2 : 1)} %`;

/** Components by mean, largest first (zero ones left out), as [name, mean ns]. */
export function largestComponents(components: Record<string, number>): [string, number][] {
  return Object.entries(components)
    .filter(([, mean]) => mean > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The breakdown as table rows: component, mean ns, share of the mean, p50, p99. */
export function breakdownRows(latency: LatencyBreakdown): { component: string; meanNs: number; share: number; p50Ns?: number; p99Ns?: number }[] {
  return largestComponents(latency.components).map(([component, meanNs]) => ({
    component,
    meanNs,
    share: latency.meanNs > 0 ? meanNs / latency.meanNs : 0,
    p50Ns: latency.componentPercentiles?.[component]?.p50Ns,
    p99Ns: latency.componentPercentiles?.[component]?.p99Ns,
  }));
}

/** The text table of the breakdown (`explain`'s "where the time goes"). */
export function formatBreakdown(latency: LatencyBreakdown): string[] {
  const lines = [`translation latency  mean ${ns(latency.meanNs)}, p50 ${ns(latency.p50Ns)}, p99 ${ns(latency.p99Ns)} (queueing included)`];
  const rows = breakdownRows(latency);
  if (rows.length === 0) return lines;
  const width = Math.max(9, ...rows.map((r) => r.component.length));
  lines.push(`  ${'component'.padEnd(width)}  ${'mean'.padStart(10)}  ${'share'.padStart(7)}  ${'p50'.padStart(9)}  ${'p99'.padStart(9)}`);
  for (const r of rows) {
    const p50 = r.p50Ns === undefined ? '' : ns(r.p50Ns);
    const p99 = r.p99Ns === undefined ? '' : ns(r.p99Ns);
    lines.push(`  ${r.component.padEnd(width)}  ${meanText(r.meanNs).padStart(10)}  ${pct(r.share).padStart(7)}  ${p50.padStart(9)}  ${p99.padStart(9)}`);
  }
  const sum = rows.reduce((a, r) => a + r.meanNs, 0);
  lines.push(`  ${'total'.padEnd(width)}  ${meanText(sum).padStart(10)}`);
  return lines;
}

/** A mean to 0.1 ns (components are means over translations: rarely whole). */
const meanText = (x: number) => `${x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ns`;

/**
 * Why a tenant is among the worst: its latency against everyone's, its miss rates, and
 * the component where it spends most beyond the mean tenant.
 */
export function whyTenant(tenant: TenantBreakdown, overall: LatencyBreakdown): string {
  const parts: string[] = [];
  if (tenant.meanNs !== undefined) {
    parts.push(`mean ${ns(tenant.meanNs)}${tenant.p99Ns !== undefined ? ` (p99 ${ns(tenant.p99Ns)})` : ''} against ${ns(overall.meanNs)} overall`);
  }
  const misses: string[] = [];
  if (tenant.iotlbMissRate !== undefined) misses.push(`IOTLB misses ${pct(tenant.iotlbMissRate)}`);
  if (tenant.ccMissRate !== undefined) misses.push(`context-cache misses ${pct(tenant.ccMissRate)}`);
  if (misses.length > 0) parts.push(misses.join(', '));
  if (tenant.components) {
    const excess = Object.entries(tenant.components)
      .map(([name, mean]) => [name, mean - (overall.components[name] ?? 0)] as const)
      .sort((a, b) => b[1] - a[1])[0];
    if (excess && excess[1] > 0.5) parts.push(`${meanText(excess[1])} more ${excess[0]} than the mean`);
  }
  return parts.join('; ');
}

/**
 * Mean and percentiles of the modelled latency (end − start) from a run's histogram, the
 * one figure of latency a run without attribution has: queueing is not in it, so the
 * window bound it gives is an upper one. Its only component is the whole.
 */
export function latencyFromHistogram(histogram: Readonly<Record<string, number>>): LatencyBreakdown {
  const bins = Object.entries(histogram)
    .map(([key, count]) => [Number(key.replace(/^>=/, '')), count] as const)
    .sort((a, b) => a[0] - b[0]);
  const total = bins.reduce((a, [, c]) => a + c, 0);
  const quantile = (q: number) => {
    let seen = 0;
    for (const [latency, count] of bins) {
      seen += count;
      if (seen >= q * total) return latency;
    }
    return 0;
  };
  const meanNs = total > 0 ? bins.reduce((a, [latency, count]) => a + latency * count, 0) / total : 0;
  return { meanNs, p50Ns: quantile(0.5), p99Ns: quantile(0.99), components: { 'modelled latency': meanNs } };
}

/** Tenants from a run's flows alone, slowest first (no latency or miss rates). */
export function tenantsFromFlows(flows: Readonly<Record<string, { translations: number; mbps: number; timeNs: number }>>): TenantBreakdown[] {
  return Object.entries(flows)
    .map(([did, f]) => ({ did: Number(did), translations: f.translations, mbps: f.mbps }))
    .sort((a, b) => a.mbps - b.mbps || a.did - b.did);
}
