/**
 * `explain`'s charts, SVG and PNG, with the sweep's vega-lite → vega → SVG → resvg code
 * (plot.ts): the latency breakdown as stacked bars (all translations, then the worst
 * tenants) and the what-if ranking against the base.
 */
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { writeFilesAtomically, type OutputFile } from '../../core/atomic-write.js';
import { CHART_CONFIG, renderSvg, svgToPng } from '../plot.js';
import { componentLabel, largestComponents } from './breakdown.js';
import type { Explanation } from './explanation.js';

/** Tenants drawn under the overall bar. */
const TENANT_BARS = 3;

export function latencySpec(e: Explanation): TopLevelSpec {
  const ids = largestComponents(e.latency.components).map(([name]) => name);
  const order = ids.map(componentLabel);
  const rows: { bar: string; component: string; ns: number; order: number }[] = [];
  const add = (bar: string, components: Readonly<Record<string, number>>) => {
    for (const [id, ns] of Object.entries(components)) if (ns > 0) rows.push({ bar, component: componentLabel(id), ns, order: ids.indexOf(id) });
  };
  add(`all translations (mean ${Math.round(e.latency.meanNs).toLocaleString('en-US')} ns)`, e.latency.components);
  for (const t of e.tenants.slice(0, TENANT_BARS)) add(`did ${t.did} (mean ${Math.round(t.meanNs).toLocaleString('en-US')} ns)`, t.components);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Where a translation’s time goes (mean ns per component)',
    data: { values: rows },
    config: CHART_CONFIG,
    width: 560,
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'bar', type: 'nominal', title: null, sort: null, axis: { labelLimit: 320 } },
      x: { field: 'ns', type: 'quantitative', title: 'mean latency (ns), queueing included', stack: 'zero' },
      color: { field: 'component', type: 'nominal', sort: order, scale: { scheme: order.length <= 10 ? 'tableau10' : 'tableau20' }, legend: { orient: 'bottom', columns: 2, title: null, labelLimit: 0 } },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [{ field: 'bar' }, { field: 'component' }, { field: 'ns', format: '.1f' }],
    },
  } as unknown as TopLevelSpec;
}

export function rankingSpec(e: Explanation): TopLevelSpec {
  const rows = e.whatIf.map((w) => ({
    change: `${w.rank}${w.tied ? '=' : ''}. ${w.change}`,
    utilization: w.linkUtilization * 100,
    kind: w.limitStudy ? 'limit study' : 'hardware change',
  }));
  const top = Math.max(100, ...rows.map((r) => Math.ceil(r.utilization / 5) * 5));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `What would help: link utilization of each single change (base ${(e.base.linkUtilization * 100).toFixed(2)} %)`,
    config: CHART_CONFIG,
    width: 480,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'change', type: 'nominal', title: null, sort: null, axis: { labelLimit: 420 } },
          x: { field: 'utilization', type: 'quantitative', title: 'link utilization (%)', scale: { domain: [0, top] } },
          color: { field: 'kind', type: 'nominal', scale: { domain: ['hardware change', 'limit study'], range: ['#4e79a7', '#bab0ac'] }, legend: { orient: 'bottom', title: null } },
          tooltip: [{ field: 'change' }, { field: 'utilization', format: '.2f' }],
        },
      },
      {
        data: { values: [{ base: e.base.linkUtilization * 100 }] },
        mark: { type: 'rule', color: '#e15759', strokeDash: [4, 3], strokeWidth: 2 },
        encoding: { x: { field: 'base', type: 'quantitative' } },
      },
    ],
  } as unknown as TopLevelSpec;
}

/** Writes explain-latency.{svg,png} and explain-what-if.{svg,png} into `outDir`; returns their paths. */
export async function writeExplainCharts(outDir: string, e: Explanation): Promise<string[]> {
  const files: OutputFile[] = [];
  const charts: [string, TopLevelSpec | undefined][] = [
    ['explain-latency', latencySpec(e)],
    ['explain-what-if', e.whatIf.length > 0 ? rankingSpec(e) : undefined],
  ];
  for (const [name, spec] of charts) {
    if (!spec) continue;
    const svg = await renderSvg(spec);
    files.push({ path: join(outDir, `${name}.svg`), data: Buffer.from(svg) }, { path: join(outDir, `${name}.png`), data: svgToPng(svg) });
  }
  writeFilesAtomically(files);
  return files.map((f) => f.path);
}
