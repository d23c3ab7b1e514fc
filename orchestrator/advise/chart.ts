/**
 * advise's chart: hardware cost against the worst trace's link utilization for every
 * configuration evaluated, the Pareto frontier as a step line, the target as a rule and
 * the winner marked. vega-lite → SVG and PNG with the sweep charts' code (plot.ts).
 */
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { writeFilesAtomically } from '../../core/atomic-write.js';
import { renderSvg, svgToPng } from '../plot.js';
import { paretoFrontier, type Evaluation } from './search.js';

export async function writeFrontierChart(outDir: string, evaluated: readonly Evaluation[], best: Evaluation, target: number): Promise<string[]> {
  const worst = (e: Evaluation) => Math.min(...e.utilization) * 100;
  const ok = evaluated.filter((e) => e.error === undefined);
  if (ok.length === 0) return [];
  const frontier = new Set(paretoFrontier(ok));
  // Drawn in this order: the winner and the frontier on top of the rest.
  const rank = { evaluated: 0, 'Pareto frontier': 1, chosen: 2 } as const;
  const rows = ok.map((e) => ({ cost: e.costBytes, util: worst(e), kind: (e === best ? 'chosen' : frontier.has(e) ? 'Pareto frontier' : 'evaluated') as keyof typeof rank })).sort((a, b) => rank[a.kind] - rank[b.kind]);
  const top = Math.max(100, Math.ceil(Math.max(...rows.map((r) => r.util), target * 100) / 5) * 5);
  const costs = rows.map((r) => r.cost);
  // One legend for color, shape and size (the same field, so vega-lite merges them).
  const legend = { orient: 'bottom-right', title: null, direction: 'vertical', fillColor: 'white', padding: 6 };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Hardware cost vs. link utilization (worst trace)',
    config: { background: 'white', font: 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif', view: { stroke: null }, axis: { gridColor: '#e6e6e6', labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' }, title: { fontSize: 14, fontWeight: 'normal', anchor: 'start' } },
    width: 520,
    height: 320,
    data: { values: rows },
    layer: [
      {
        transform: [{ filter: "datum.kind !== 'evaluated'" }],
        mark: { type: 'line', interpolate: 'step-after', color: '#4e79a7', strokeWidth: 1.5 },
        encoding: { x: { field: 'cost', type: 'quantitative' }, y: { field: 'util', type: 'quantitative' } },
      },
      {
        mark: { type: 'point', filled: true, size: 45 },
        encoding: {
          x: { field: 'cost', type: 'quantitative', title: 'hardware cost (bytes of storage)', scale: { type: 'log', domain: [Math.min(...costs) * 0.95, Math.max(...costs) * 1.05], nice: false } },
          y: { field: 'util', type: 'quantitative', title: 'link utilization, worst trace (%)', scale: { domain: [0, top] } },
          color: { field: 'kind', type: 'nominal', legend, scale: { domain: ['evaluated', 'Pareto frontier', 'chosen'], range: ['#bab0ac', '#4e79a7', '#e15759'] } },
          shape: { field: 'kind', type: 'nominal', legend, scale: { domain: ['evaluated', 'Pareto frontier', 'chosen'], range: ['circle', 'circle', 'diamond'] } },
          size: { field: 'kind', type: 'ordinal', sort: ['evaluated', 'Pareto frontier', 'chosen'], legend, scale: { domain: ['evaluated', 'Pareto frontier', 'chosen'], range: [25, 45, 140] } },
        },
      },
      {
        data: { values: [{ target: target * 100 }] },
        mark: { type: 'rule', strokeDash: [5, 4], color: '#e15759' },
        encoding: { y: { field: 'target', type: 'quantitative' } },
      },
    ],
  } as unknown as TopLevelSpec;
  const svg = await renderSvg(spec);
  const base = join(outDir, 'cost-vs-utilization');
  writeFilesAtomically([
    { path: `${base}.svg`, data: Buffer.from(svg) },
    { path: `${base}.png`, data: svgToPng(svg) },
  ]);
  return [`${base}.svg`, `${base}.png`];
}
