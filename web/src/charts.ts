/**
 * Hand-written SVG charts (no chart library: nothing to fetch, nothing to keep up to date).
 * Each is drawn at the container's pixel width so that text stays the same size on a phone
 * and a projector; callers redraw on resize.
 */
import { escapeHtml, formatCount, formatInteger, formatMbps } from './format.js';

export interface SeriesPoint {
  x: number;
  y: number;
  /** Tooltip text. */
  label: string;
}

export interface Series {
  /** Short name, on each point as data-series. */
  id: string;
  name: string;
  /** CSS colour (a custom property such as var(--series-a) is fine). */
  color: string;
  points: SeriesPoint[];
}

export interface LineChartSpec {
  series: Series[];
  /** X values to place ticks at (the sweep's points, on a log2 axis). */
  xTicks: number[];
  xLabel: string;
  yLabel: string;
  /** X value of the configuration shown above the chart, marked with a guide line. */
  highlightX?: number;
  height: number;
}

const svgOpen = (width: number, height: number, label: string) =>
  `<svg class="chart-svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(label)}">`;

/** Utilization (0..1, may exceed 1 slightly at line rate) against a log2 x axis. */
export function renderLineChart(container: HTMLElement, spec: LineChartSpec): void {
  const width = Math.max(280, container.clientWidth);
  const height = spec.height;
  const margin = { top: 16, right: 20, bottom: 46, left: 52 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xs = spec.xTicks.length > 0 ? spec.xTicks : [1, 2];
  const lx = (x: number) => Math.log2(x);
  const x0 = lx(Math.min(...xs));
  const x1 = Math.max(lx(Math.max(...xs)), x0 + 1);
  const maxY = Math.max(1, ...spec.series.flatMap((s) => s.points.map((p) => p.y)));
  const yTop = maxY > 1 ? Math.ceil(maxY * 10) / 10 : 1;
  const px = (x: number) => margin.left + ((lx(x) - x0) / (x1 - x0)) * plotW;
  const py = (y: number) => margin.top + plotH - (y / yTop) * plotH;

  const parts: string[] = [svgOpen(width, height, `${spec.yLabel} against ${spec.xLabel}`)];
  // Horizontal grid every 25 %.
  for (let y = 0; y <= yTop + 1e-9; y += 0.25) {
    const yy = py(y).toFixed(1);
    parts.push(`<line class="grid${y === 0 ? ' axis' : ''}" x1="${margin.left}" x2="${width - margin.right}" y1="${yy}" y2="${yy}"/>`);
    parts.push(`<text class="tick" x="${margin.left - 10}" y="${yy}" text-anchor="end" dominant-baseline="middle">${Math.round(y * 100)}%</text>`);
  }
  // On narrow screens label every other tick so the labels do not run together.
  const labelEvery = plotW / Math.max(1, xs.length - 1) < 32 ? 2 : 1;
  xs.forEach((x, i) => {
    const xx = px(x).toFixed(1);
    parts.push(`<line class="grid vertical" x1="${xx}" x2="${xx}" y1="${margin.top}" y2="${margin.top + plotH}"/>`);
    if (i % labelEvery === 0) parts.push(`<text class="tick" x="${xx}" y="${margin.top + plotH + 18}" text-anchor="middle">${formatCount(x)}</text>`);
  });
  if (spec.highlightX !== undefined && xs.includes(spec.highlightX)) {
    const xx = px(spec.highlightX);
    parts.push(`<line class="guide" x1="${xx.toFixed(1)}" x2="${xx.toFixed(1)}" y1="${margin.top}" y2="${margin.top + plotH}"/>`);
    const anchor = xx > width - margin.right - 60 ? 'end' : 'start';
    parts.push(`<text class="guide-label" x="${(xx + (anchor === 'start' ? 6 : -6)).toFixed(1)}" y="${margin.top + plotH - 8}" text-anchor="${anchor}">this run</text>`);
  }
  parts.push(`<text class="axis-label" x="${margin.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`);
  for (const s of spec.series) {
    const points = [...s.points].sort((a, b) => a.x - b.x);
    if (points.length === 0) continue;
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
    parts.push(`<path class="line" d="${path}" style="stroke:${s.color}"/>`);
    for (const p of points) {
      parts.push(
        `<circle class="dot" cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="4" style="stroke:${s.color}" data-series="${escapeHtml(s.id)}" data-x="${p.x}" data-y="${p.y}"><title>${escapeHtml(`${s.name}\n${p.label}`)}</title></circle>`,
      );
    }
  }
  parts.push('</svg>');
  container.innerHTML = parts.join('');
}

/** A tenant more than this fraction below the mean bandwidth is drawn as under-served. */
export const UNDERSERVED_MARGIN = 0.05;

export interface TenantBar {
  did: string;
  mbps: number;
  translations: number;
}

/** Narrower bars than this (px) are drawn as one path per colour, without a tooltip each. */
const MIN_HOVER_SLOT = 3;

/** Per-tenant bandwidth, sorted from the best-served tenant to the worst, with the mean as a reference. */
export function renderTenantBars(container: HTMLElement, bars: TenantBar[], height: number): void {
  const width = Math.max(280, container.clientWidth);
  const margin = { top: 14, right: 12, bottom: 34, left: 64 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const sorted = [...bars].sort((a, b) => b.mbps - a.mbps || Number(a.did) - Number(b.did));
  const maxY = niceCeiling(Math.max(1, ...sorted.map((b) => b.mbps)));
  const mean = sorted.reduce((sum, b) => sum + b.mbps, 0) / Math.max(1, sorted.length);
  const py = (y: number) => margin.top + plotH - (y / maxY) * plotH;
  // One unit for the whole axis: Gb/s once the top is 10 Gb/s or more.
  const inGbps = maxY >= 10_000;
  const tickLabel = (mbps: number) => (inGbps ? `${+(mbps / 1000).toFixed(2)} Gb/s` : `${formatInteger(mbps)} Mb/s`);
  const slot = plotW / Math.max(1, sorted.length);
  const gap = slot > 6 ? Math.min(6, slot * 0.22) : 0;

  const parts: string[] = [svgOpen(width, height, 'bandwidth of each tenant, sorted')];
  for (let i = 0; i <= 4; i++) {
    const y = (maxY * i) / 4;
    const yy = py(y).toFixed(1);
    parts.push(`<line class="grid${i === 0 ? ' axis' : ''}" x1="${margin.left}" x2="${width - margin.right}" y1="${yy}" y2="${yy}"/>`);
    parts.push(`<text class="tick" x="${margin.left - 10}" y="${yy}" text-anchor="end" dominant-baseline="middle">${escapeHtml(tickLabel(y))}</text>`);
  }
  const isBelow = (b: TenantBar) => b.mbps < mean * (1 - UNDERSERVED_MARGIN);
  if (slot >= MIN_HOVER_SLOT) {
    sorted.forEach((b, i) => {
      const x = margin.left + i * slot + gap / 2;
      const y = py(b.mbps);
      // Highlight only tenants clearly short of the mean, not noise around it.
      parts.push(
        `<rect class="bar${isBelow(b) ? ' below' : ''}" x="${x.toFixed(2)}" y="${y.toFixed(1)}" width="${Math.max(0.6, slot - gap).toFixed(2)}" height="${(margin.top + plotH - y).toFixed(1)}">` +
          `<title>tenant (did) ${escapeHtml(b.did)}: ${formatMbps(b.mbps)} Mb/s, ${formatInteger(b.translations)} translations</title></rect>`,
      );
    });
  } else {
    // Bars too thin to point at one by one (hundreds of tenants): two paths, not thousands
    // of elements, so that a large result draws in a few milliseconds.
    const bottom = (margin.top + plotH).toFixed(1);
    const barWidth = Math.max(0.6, slot).toFixed(2);
    const outline = (indices: number[]) =>
      indices.map((i) => `M${(margin.left + i * slot).toFixed(2)} ${bottom}V${py(sorted[i]!.mbps).toFixed(1)}h${barWidth}V${bottom}z`).join('');
    // Sorted by bandwidth, so the under-served tenants are the tail.
    const firstBelow = sorted.findIndex(isBelow);
    const split = firstBelow < 0 ? sorted.length : firstBelow;
    const rest = sorted.slice(0, split);
    const below = sorted.slice(split);
    const indices = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
    const range = (bars: TenantBar[]) => (bars.length === 0 ? '' : `${formatMbps(bars[bars.length - 1]!.mbps)}–${formatMbps(bars[0]!.mbps)} Mb/s`);
    parts.push(`<path class="bar" d="${outline(indices(0, split))}"><title>${formatInteger(rest.length)} tenants at ${range(rest)}</title></path>`);
    if (below.length > 0) parts.push(`<path class="bar below" d="${outline(indices(split, sorted.length))}"><title>${formatInteger(below.length)} tenants more than ${UNDERSERVED_MARGIN * 100}% below the mean: ${range(below)}</title></path>`);
  }
  if (sorted.length > 1) {
    const yy = py(mean).toFixed(1);
    parts.push(`<line class="mean" x1="${margin.left}" x2="${width - margin.right}" y1="${yy}" y2="${yy}"/>`);
    parts.push(`<text class="mean-label" x="${width - margin.right - 4}" y="${(py(mean) - 6).toFixed(1)}" text-anchor="end">mean ${escapeHtml(inGbps ? `${(mean / 1000).toFixed(2)} Gb/s` : `${formatInteger(mean)} Mb/s`)}</text>`);
  }
  const labelled = sorted.length <= 16 && slot >= 18;
  if (labelled) {
    sorted.forEach((b, i) => {
      const x = margin.left + (i + 0.5) * slot;
      parts.push(`<text class="tick" x="${x.toFixed(1)}" y="${margin.top + plotH + 16}" text-anchor="middle">${escapeHtml(b.did)}</text>`);
    });
  }
  parts.push(
    `<text class="axis-label" x="${margin.left + plotW / 2}" y="${height - 4}" text-anchor="middle">${labelled ? 'tenant (did), ' : 'tenants, '}sorted by bandwidth</text>`,
  );
  parts.push('</svg>');
  container.innerHTML = parts.join('');
}

/** The smallest of 1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8 × 10^k at or above `value` (quarters stay round). */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10]) if (step * power >= value * 1.0001) return step * power;
  return 10 * power;
}

/** Jain's fairness index: 1 when all tenants get the same bandwidth, 1/n when one gets all. */
export function jainIndex(values: number[]): number {
  const sum = values.reduce((a, b) => a + b, 0);
  const squares = values.reduce((a, b) => a + b * b, 0);
  return squares > 0 ? (sum * sum) / (values.length * squares) : 1;
}
