/**
 * Sweep charts, drawn without a browser: vega-lite spec → vega → SVG, and resvg → PNG.
 * What they show follows the sweep (sweep/charts.ts): `<metric>-vs-<x>` for link
 * utilization, IOTLB hit rate, packets dropped and per-tenant fairness, x being the swept
 * dimension with the most values (tenants: the HyperTRIO paper's main figure), a line
 * per combination of the other varying dimensions.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { CHART_METRICS, chartLayout, dimensionValue, seriesLabel, type ChartChoice, type ChartLayout, type ChartMetric } from './sweep/charts.js';
import type { SweepRecord } from './sweep/results.js';
import { writeFilesAtomically, type OutputFile } from '../core/atomic-write.js';

const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
const PNG_SCALE = 2;

/** Paper-like defaults: white background, no chart border, light grid, readable sizes. */
export const CHART_CONFIG = {
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
  x: number | string;
  xLabel: string;
  value: number;
  series: string;
}

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

const PLOT_WIDTH = 520;
/** Average width of a legend label character at 11 px (DejaVu Sans), for laying out the legend. */
const LABEL_CHAR_PX = 7.5;

/**
 * One metric against the layout's x axis, a line per series. Series differ in color, point
 * shape and dash at once, so they stay apart in print and for color-blind readers; the
 * legend sits under the plot in as many columns as its longest label allows, so labels are
 * not cut.
 */
export function metricSpec(layout: ChartLayout, metric: ChartMetric): TopLevelSpec | undefined {
  const rows: ChartRow[] = [];
  for (const r of layout.records) {
    const value = metric.value(r);
    if (value === null || !Number.isFinite(value)) continue;
    const x = dimensionValue(r, layout.x.key);
    rows.push({ x: typeof x === 'number' ? x : String(x), xLabel: seriesLabel(r, [layout.x.key]), value, series: seriesLabel(r, layout.seriesKeys) });
  }
  if (rows.length === 0) return undefined;
  const series = [...new Set(rows.map((r) => r.series))];
  const longest = Math.max(...series.map((label) => label.length));
  const labelPx = Math.ceil(longest * LABEL_CHAR_PX);
  const columns = Math.max(1, Math.min(series.length, Math.floor(PLOT_WIDTH / (labelPx + 40))));
  const xValues = [...new Set(rows.map((r) => r.x))];
  const x = layout.x.numeric
    ? { field: 'x', type: 'quantitative', title: layout.x.title, scale: xScale(xValues as number[]), axis: { values: xValues, format: 'd', grid: true } }
    : { field: 'xLabel', type: 'ordinal', title: layout.x.title, sort: [...new Set(rows.map((r) => r.xLabel))], axis: { labelAngle: 0 } };
  // labelLimit 0: labels are never cut (the columns leave them room).
  const legend = series.length > 1 ? { orient: 'bottom', direction: 'vertical', columns, labelLimit: 0, title: null } : null;
  const scheme = series.length <= 10 ? 'tableau10' : 'tableau20';
  const encoding: Record<string, unknown> = {
    x,
    y: { field: 'value', type: 'quantitative', title: metric.axisTitle, scale: metric.percent ? { domain: [0, percentTop(rows.map((r) => r.value))] } : { zero: true, nice: true } },
    // The same field, title, order and legend for all three: vega-lite draws one legend.
    color: { field: 'series', type: 'nominal', sort: series, scale: { scheme }, legend },
    shape: { field: 'series', type: 'nominal', sort: series, legend },
    strokeDash: { field: 'series', type: 'nominal', sort: series, legend },
    tooltip: [{ field: 'series', title: 'configuration' }, { field: 'xLabel', title: layout.x.title }, { field: 'value', title: metric.axisTitle, format: '.4~f' }],
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${metric.title} vs. ${layout.x.title}`,
    data: { values: rows },
    config: CHART_CONFIG,
    width: PLOT_WIDTH,
    height: 300,
    mark: { type: 'line', point: true, interpolate: 'linear' },
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

/**
 * Draws the charts of `records` into `outDir` (see sweep/charts.ts; `choice` picks the x
 * axis and the series); returns the files written (SVG and PNG). `checkpoint` is awaited
 * before each chart (signals: interrupt.ts).
 */
export async function plotResults(outDir: string, records: readonly SweepRecord[], choice: ChartChoice = {}, checkpoint?: () => Promise<void>): Promise<string[]> {
  const layout = chartLayout(records, choice);
  if (!layout) return [];
  mkdirSync(outDir, { recursive: true });
  const files: OutputFile[] = [];
  for (const metric of CHART_METRICS) {
    const spec = metricSpec(layout, metric);
    if (!spec) continue;
    await checkpoint?.();
    const svg = await renderSvg(spec);
    const name = `${metric.name}-vs-${layout.x.fileName}`;
    files.push({ path: join(outDir, `${name}.svg`), data: Buffer.from(svg) }, { path: join(outDir, `${name}.png`), data: svgToPng(svg) });
  }
  writeFilesAtomically(files);
  return files.map((f) => f.path);
}
