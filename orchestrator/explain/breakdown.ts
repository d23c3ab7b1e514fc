/**
 * Where a translation's time goes: the latency summary `explain` reports (the model's
 * attribution, orchestrator/attribution.ts), its text, and why the worst tenants are the
 * worst. No Node APIs: the web page uses it too.
 */
import { COMPONENT_LABELS, type AttributionSummary, type TenantAttribution } from '../attribution.js';

/** The latency summary explain reports (summarizeAttribution's): means per component add up to meanNs. */
export type LatencyBreakdown = AttributionSummary['latency'];
/** One tenant's figures, worst first in a summary. */
export type TenantBreakdown = TenantAttribution;

/** How tables and charts name a component (`ccMiss` → its label). */
export const componentLabel = (name: string): string => (COMPONENT_LABELS as Readonly<Record<string, string>>)[name] ?? name;

/** ns, to 0.1 ns below 100 (a mean of 8.7 ns is not 9). */
const ns = (x: number) => `${x.toLocaleString('en-US', { maximumFractionDigits: x < 100 ? 1 : 0 })} ns`;
const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 && x > 0 ? 2 : 1)} %`;

/** Components by mean, largest first (zero ones left out), as [name, mean ns]. */
export function largestComponents(components: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(components)
    .filter(([, mean]) => mean > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The breakdown as table rows: component, mean ns, share of the mean, p50, p99. */
export function breakdownRows(latency: LatencyBreakdown): { component: string; label: string; meanNs: number; share: number; p50Ns: number; p99Ns: number }[] {
  const percentiles = latency.componentPercentiles as Readonly<Record<string, { p50Ns: number; p99Ns: number }>>;
  return largestComponents(latency.components).map(([component, meanNs]) => ({
    component,
    label: componentLabel(component),
    meanNs,
    share: latency.meanNs > 0 ? meanNs / latency.meanNs : 0,
    p50Ns: percentiles[component]?.p50Ns ?? 0,
    p99Ns: percentiles[component]?.p99Ns ?? 0,
  }));
}

/** The text table of the breakdown (`explain`'s "where the time goes"). */
export function formatBreakdown(latency: LatencyBreakdown): string[] {
  const lines = [`translation latency  mean ${ns(latency.meanNs)}, p50 ${ns(latency.p50Ns)}, p99 ${ns(latency.p99Ns)} (queueing included)`];
  const rows = breakdownRows(latency);
  if (rows.length === 0) return lines;
  const width = Math.max(9, ...rows.map((r) => r.label.length));
  lines.push(`  ${'component'.padEnd(width)}  ${'mean'.padStart(10)}  ${'share'.padStart(7)}  ${'p50'.padStart(9)}  ${'p99'.padStart(9)}`);
  for (const r of rows) lines.push(`  ${r.label.padEnd(width)}  ${meanText(r.meanNs).padStart(10)}  ${pct(r.share).padStart(7)}  ${ns(r.p50Ns).padStart(9)}  ${ns(r.p99Ns).padStart(9)}`);
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
  const parts = [`mean ${ns(tenant.meanNs)} (p99 ${ns(tenant.p99Ns)}) against ${ns(overall.meanNs)} overall`, `IOTLB misses ${pct(tenant.iotlbMissRate)} of its lookups, context-cache misses ${pct(tenant.ccMissRate)}`];
  const overallComponents = overall.components as Readonly<Record<string, number>>;
  const excess = Object.entries(tenant.components)
    .map(([name, mean]) => [name, mean - (overallComponents[name] ?? 0)] as const)
    .sort((a, b) => b[1] - a[1])[0];
  if (excess && excess[1] > 0.5) parts.push(`${meanText(excess[1])} more in ${componentLabel(excess[0])} than the average translation`);
  return parts.join('; ');
}

