/**
 * Sweep charts, drawn without a browser: vega-lite spec → vega → SVG, and resvg → PNG.
 *
 * - link-utilization-vs-tenants: one line per hardware configuration (the HyperTRIO
 *   paper's main figure), a panel per workload when there are several;
 * - iotlb-hit-rate-vs-size: IOTLB hit rate against IOTLB entries, one line per tenant
 *   count (dashed by the other hardware parameters when they vary).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { iotlbHitRate } from './sweep/csv.js';
import { HIT_RATE_CHART, UTILIZATION_CHART, type SweepRecord } from './sweep/results.js';
import { hardwareLabel, varyingParameters } from './sweep/summary.js';
import { writeFilesAtomically, type OutputFile } from '../core/atomic-write.js';

const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
const PNG_SCALE = 2;

/** Paper-like defaults: white background, no chart border, light grid, readable sizes. */
const CHART_CONFIG = {
  background: 'white',
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6', domainColor: '#333', tickColor: '#333', titleFontWeight: 'normal' },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', symbolStrokeWidth: 2, labelLimit: 320 },
  title: { fontSize: 14, fontWeight: 'normal', anchor: 'start', offset: 10 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  line: { strokeWidth: 2 },
  point: { size: 40, filled: true },
} as const;

interface ChartRow {
  tenants: number;
  workload: string;
  hardware: string;
  /** The hardware label split for drawing: color/shape by `series`, dash by `variant`. */
  series: string;
  variant: string;
  iotlbSize: number;
  utilization: number;
  hitRate: number | null;
  tenantsLabel: string;
  others: string;
}

function rowsOf(records: readonly SweepRecord[]): ChartRow[] {
  // Grid order, so legends list values as the sweep gave them (not completion order).
  const ok = records.filter((r) => r.status === 'ok' && r.tenants !== null).sort((a, b) => a.gridIndex - b.gridIndex);
  const varying = varyingParameters(ok);
  const hardwareKeys = varying.filter((k) => k !== 'seed');
  const otherKeys = hardwareKeys.filter((k) => k !== 'iotlbSize' && k !== 'iotlbWays');
  // With two or more varying parameters, the last one (tq, link, … : few values) becomes
  // the line dash, so related configurations share a color.
  const last = hardwareKeys[hardwareKeys.length - 1];
  const dashKey = hardwareKeys.length >= 2 && last !== undefined && new Set(ok.map((r) => JSON.stringify(r[last]))).size <= 4 ? last : undefined;
  const seriesKeys = hardwareKeys.filter((k) => k !== dashKey);
  return ok.map((r) => ({
    tenants: r.tenants as number,
    workload: r.workload,
    hardware: hardwareLabel(r, hardwareKeys),
    series: hardwareLabel(r, seriesKeys),
    variant: dashKey ? hardwareLabel(r, [dashKey]) : '',
    iotlbSize: Number(r['iotlbSize']),
    utilization: (r.linkUtilization ?? 0) * 100,
    hitRate: ((v) => (v === null ? null : v * 100))(iotlbHitRate(r)),
    tenantsLabel: `${r.tenants as number} tenants`,
    others: otherKeys.length > 0 ? hardwareLabel(r, otherKeys) : 'all',
  }));
}

const distinct = <T>(values: T[]): T[] => [...new Set(values)].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));

/** 100 %, or a little more when the model reports slightly over line rate (its rounding). */
function percentTop(values: number[]): number {
  return Math.max(100, Math.ceil(Math.max(...values) / 5) * 5);
}

/** A log-2 axis when the values span a wide range of powers of two, else linear. */
function xScale(values: number[]): Record<string, unknown> {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min > 0 && max / min >= 8 ? { type: 'log', base: 2, nice: false, domain: [min, max] } : { zero: false, nice: true };
}

export function linkUtilizationSpec(rows: ChartRow[]): TopLevelSpec {
  const tenants = distinct(rows.map((r) => r.tenants));
  const workloads = distinct(rows.map((r) => r.workload));
  const series = [...new Set(rows.map((r) => r.series))];
  const variants = [...new Set(rows.map((r) => r.variant))];
  const encoding: Record<string, unknown> = {
    x: { field: 'tenants', type: 'quantitative', title: 'tenants', scale: xScale(tenants), axis: { values: tenants, format: 'd', grid: true } },
    y: { field: 'utilization', type: 'quantitative', title: 'link utilization (%)', scale: { domain: [0, percentTop(rows.map((r) => r.utilization))] } },
    color: { field: 'series', type: 'nominal', title: 'configuration', sort: series, scale: { scheme: series.length <= 10 ? 'tableau10' : 'tableau20' } },
    // The same field, title and order as color: vega-lite merges them into one legend.
    shape: { field: 'series', type: 'nominal', title: 'configuration', sort: series },
    detail: { field: 'hardware' },
    tooltip: [{ field: 'hardware', title: 'configuration' }, { field: 'tenants' }, { field: 'utilization', format: '.1f' }],
  };
  if (variants.length > 1) encoding['strokeDash'] = { field: 'variant', type: 'nominal', title: null, sort: variants };
  const layer = { mark: { type: 'line', point: true, interpolate: 'linear' }, encoding };
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Link utilization vs. tenants',
    data: { values: rows },
    config: CHART_CONFIG,
  };
  if (workloads.length > 1) {
    return { ...base, facet: { column: { field: 'workload', type: 'nominal', title: null } }, spec: { width: 360, height: 260, ...layer } } as unknown as TopLevelSpec;
  }
  return { ...base, width: 460, height: 300, ...layer } as unknown as TopLevelSpec;
}

export function hitRateSpec(rows: ChartRow[]): TopLevelSpec {
  const points = rows.filter((r) => r.hitRate !== null && Number.isFinite(r.iotlbSize));
  const sizes = distinct(points.map((r) => r.iotlbSize));
  const tenants = distinct(points.map((r) => r.tenants));
  const tenantLabels = tenants.map((t) => `${t} tenants`);
  const others = [...new Set(points.map((r) => r.others))];
  const encoding: Record<string, unknown> = {
    x: { field: 'iotlbSize', type: 'quantitative', title: 'IOTLB entries', scale: xScale(sizes), axis: { values: sizes, format: 'd', grid: true } },
    y: { field: 'hitRate', type: 'quantitative', title: 'IOTLB hit rate (%)', scale: { domain: [0, 100] } },
    color: { field: 'tenantsLabel', type: 'ordinal', title: 'tenants', sort: tenantLabels, scale: { scheme: { name: 'viridis', extent: [0, 0.85] } } }, // the palest yellow is unreadable on white
    detail: { field: 'others' },
    tooltip: [{ field: 'tenants' }, { field: 'iotlbSize' }, { field: 'others', title: 'configuration' }, { field: 'hitRate', format: '.1f' }],
  };
  if (others.length > 1) encoding['strokeDash'] = { field: 'others', type: 'nominal', title: 'configuration', sort: others };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'IOTLB hit rate vs. IOTLB size',
    data: { values: points },
    config: CHART_CONFIG,
    width: 460,
    height: 300,
    mark: { type: 'line', point: true },
    encoding,
  } as unknown as TopLevelSpec;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** Draws the charts of `records` into `outDir`; returns the files written (SVG and PNG). */
export async function plotResults(outDir: string, records: readonly SweepRecord[]): Promise<string[]> {
  const rows = rowsOf(records);
  if (rows.length === 0) return [];
  mkdirSync(outDir, { recursive: true });
  const specs: Array<[string, TopLevelSpec]> = [[UTILIZATION_CHART, linkUtilizationSpec(rows)]];
  if (rows.some((r) => r.hitRate !== null)) specs.push([HIT_RATE_CHART, hitRateSpec(rows)]);
  const files: OutputFile[] = [];
  for (const [name, spec] of specs) {
    const svg = await renderSvg(spec);
    files.push({ path: join(outDir, `${name}.svg`), data: Buffer.from(svg) }, { path: join(outDir, `${name}.png`), data: svgToPng(svg) });
  }
  writeFilesAtomically(files);
  return files.map((f) => f.path);
}
