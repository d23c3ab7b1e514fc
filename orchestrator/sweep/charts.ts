/**
 * What a sweep's charts show, decided from the results alone (no vega here, so naming the
 * charts loads nothing heavy): the x axis is the swept dimension with the most values
 * (tenants, or any axis: IOTLB size or ways, tq, link rate, …), every other dimension that
 * varies makes the series, and there is one chart per metric users compare.
 */
import { InputError } from '../../core/errors.js';
import { axisByKey, axisValueLabel, differsFromBase, PARAMETER_KEYS, SWEEP_AXES } from './axes.js';
import { distinguishingFolders } from './summary.js';
import { iotlbHitRate } from './csv.js';
import type { SweepRecord } from './results.js';

export interface ChartMetric {
  /** File name start: `<name>-vs-<x>.svg`. */
  name: string;
  title: string;
  axisTitle: string;
  value: (record: SweepRecord) => number | null;
  /** Percent metrics get a 0 … 100 % axis (a little more when the model exceeds it). */
  percent: boolean;
}

export const CHART_METRICS: readonly ChartMetric[] = [
  { name: 'link-utilization', title: 'Link utilization', axisTitle: 'link utilization (%)', value: (r) => (r.linkUtilization ?? 0) * 100, percent: true },
  { name: 'iotlb-hit-rate', title: 'IOTLB hit rate', axisTitle: 'IOTLB hit rate (%)', value: (r) => ((v) => (v === null ? null : v * 100))(iotlbHitRate(r)), percent: true },
  { name: 'packets-dropped', title: 'Packets dropped', axisTitle: 'packets dropped', value: (r) => r.packetsDropped ?? null, percent: false },
  { name: 'fairness', title: 'Per-tenant fairness', axisTitle: "fairness (Jain index of tenant Mb/s)", value: (r) => r.fairness ?? null, percent: false },
];

/** Axis titles of the dimensions that can be the x axis. */
const X_TITLES: Record<string, string> = {
  tenants: 'tenants',
  iotlbSize: 'IOTLB entries',
  iotlbWays: 'IOTLB ways',
  iotlbGroups: 'IOTLB set groups',
  ccSize: 'context-cache entries',
  l2pageSize: 'L2PAGE entries',
  l3pageSize: 'L3PAGE entries',
  walkGroups: 'walk-cache set groups',
  prefetchBuffer: 'prefetch-buffer entries',
  prefetchHistory: 'prefetch history (pages per sid)',
  prefetchDistance: 'prefetch distance',
  tq: 'translations in flight (tq)',
  linkGbps: 'link rate (Gb/s)',
  seed: 'seed',
};

/** A record's value of a dimension: `tenants`, `workload`, or a sweep parameter. */
export function dimensionValue(record: SweepRecord, key: string): unknown {
  return key === 'tenants' ? record.tenants : key === 'workload' ? record.workload : record[key];
}

export interface ChartLayout {
  records: SweepRecord[];
  x: { key: string; title: string; fileName: string; numeric: boolean };
  /** Dimensions that make the series (may be empty: one series). */
  seriesKeys: string[];
}

/** Label of a record's series: its values of the series dimensions. */
export function seriesLabel(record: SweepRecord, keys: readonly string[]): string {
  if (keys.length === 0) return 'all';
  return keys.map((key) => (key === 'workload' ? record.workload : key === 'tenants' ? `${String(record.tenants)} tenants` : axisValueLabel(key, record[key]))).join(', ');
}

/** `plot --x KEY --series KEY…`: the dimensions asked for (keys or flag names; see chartDimension). */
export interface ChartChoice {
  x?: string;
  series?: readonly string[];
}

/** A dimension named by its key (`iotlbSize`), its flag (`iotlb-size`), `tenants` or `workload`; InputError otherwise. */
export function chartDimension(name: string, flag: string): string {
  if (name === 'tenants' || name === 'workload' || name === 'trace') return name === 'trace' ? 'workload' : name;
  const axis = SWEEP_AXES.find((a) => a.key === name || a.flag === name || a.legacyFlags.includes(name));
  if (!axis) throw new InputError(`${flag} ${name}: not a dimension of the results (tenants, workload, or a sweep axis such as tq, iotlbSize, iotlb-ways)`);
  return axis.key;
}

/**
 * The layout of the charts of `records` (successful ones), or undefined when there are
 * none. By default the x axis is the varying dimension with the most values and every
 * other varying dimension makes the series; `choice` sets either (a varying dimension
 * left out of a chosen series still splits it when it would put two points of one
 * series at one x). Traces that share a file name in different folders are told apart
 * by their folders (distinguishingFolders), so they never make one line.
 */
export function chartLayout(records: readonly SweepRecord[], choice: ChartChoice = {}): ChartLayout | undefined {
  // Grid order, so legends list values as the sweep gave them (not completion order).
  const folders = distinguishingFolders(records.map((r) => r.trace));
  const ok = records
    .filter((r) => r.status === 'ok' && r.tenants !== null)
    .sort((a, b) => a.gridIndex - b.gridIndex)
    .map((r) => (folders.get(r.trace) ? { ...r, workload: `${folders.get(r.trace)}/${r.workload}` } : r));
  if (ok.length === 0) return undefined;
  const distinctCount = (key: string) => new Set(ok.map((r) => JSON.stringify(dimensionValue(r, key) ?? null))).size;
  const varying = ['tenants', 'workload', ...PARAMETER_KEYS].filter((key) => distinctCount(key) > 1);
  // The x axis: the dimension with the most values (ties: tenants, then the axes' order); workload is never x.
  const candidates = varying.filter((key) => key !== 'workload');
  const xKey = choice.x ?? candidates.reduce((best, key) => (distinctCount(key) > distinctCount(best) ? key : best), candidates[0] ?? 'tenants');
  if (xKey === 'workload') throw new InputError('--x workload: the workload is not a numeric or ordered axis; use it as a series');
  let seriesKeys = choice.series ? choice.series.filter((key) => key !== xKey) : varying.filter((key) => key !== xKey);
  if (choice.series) {
    // Other varying dimensions join the series only where they would otherwise collide.
    for (const key of varying) {
      if (key === xKey || seriesKeys.includes(key)) continue;
      const points = new Set(ok.map((r) => `${seriesLabel(r, seriesKeys)}|${JSON.stringify(dimensionValue(r, xKey))}`));
      if (points.size < ok.length) seriesKeys = [...seriesKeys, key];
    }
  }
  const numeric = ok.every((r) => typeof dimensionValue(r, xKey) === 'number');
  const fileName = xKey === 'tenants' ? 'tenants' : axisByKey(xKey).flag;
  return {
    records: ok,
    x: { key: xKey, title: X_TITLES[xKey] ?? axisByKey(xKey).flag, fileName, numeric },
    // Parameters the same in every record but not the base's name the series too, so the legend says what was simulated.
    seriesKeys: [...seriesKeys, ...PARAMETER_KEYS.filter((key) => !varying.includes(key) && key !== xKey && !seriesKeys.includes(key) && ok.some((r) => differsFromBase(key, r[key])))],
  };
}

/** Base names (without .svg/.png) of the charts drawn for `records`, in drawing order. */
export function chartNames(records: readonly SweepRecord[], choice: ChartChoice = {}): string[] {
  const layout = chartLayout(records, choice);
  if (!layout) return [];
  return CHART_METRICS.filter((metric) => layout.records.some((r) => metric.value(r) !== null)).map((metric) => `${metric.name}-vs-${layout.x.fileName}`);
}
