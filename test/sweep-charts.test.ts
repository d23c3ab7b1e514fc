/**
 * Charts follow the sweep: the x axis is the swept dimension with the most values
 * (tenants, IOTLB size, tq, link rate, …), the other varying dimensions make the series,
 * one chart per metric (link utilization, IOTLB hit rate, drops, fairness); legend labels
 * are whole and the series differ in color, shape and dash.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hypersio, sweepApi, tempDir, TRACE_3, TRACE_6, TRACE_8 } from './sweep-helpers.js';

const dir = tempDir('charts');
afterAll(() => dir.cleanup());

/** Minimal ok records with the given dimensions. */
function records(points: Array<Record<string, unknown>>): import('../orchestrator/sweep/index.js').SweepRecord[] {
  return points.map((p, i) => ({ id: String(i), gridIndex: i, trace: 't', workload: 'w', tenants: 8, status: 'ok', elapsedMs: 0, config: {} as never, linkUtilization: 0.5, packetsDropped: 1, fairness: 1, ...p }));
}

describe('chart layout', () => {
  it('x is the dimension with the most values; the rest make the series', () => {
    const grid = [1, 2, 4, 8].flatMap((tq) => [64, 256].map((iotlbSize) => ({ tq, iotlbSize })));
    const layout = sweepApi.chartLayout(records(grid))!;
    expect(layout.x).toMatchObject({ key: 'tq', fileName: 'tq', numeric: true });
    expect(layout.seriesKeys).toEqual(['iotlbSize']);
    expect(sweepApi.chartNames(records(grid))).toEqual(['link-utilization-vs-tq', 'packets-dropped-vs-tq', 'fairness-vs-tq']);
  });

  it('tenants win a tie; a link-rate sweep on one trace is drawn against the link rate', () => {
    const tied = records([4, 8].flatMap((tenants) => [64, 256].map((iotlbSize) => ({ tenants, iotlbSize }))));
    expect(sweepApi.chartLayout(tied)!.x.key).toBe('tenants');
    const link = records([50, 100, 200, 400].map((linkGbps) => ({ linkGbps })));
    expect(sweepApi.chartLayout(link)!.x).toMatchObject({ key: 'linkGbps', fileName: 'link-gbps', title: 'link rate (Gb/s)' });
    expect(sweepApi.chartLayout(link)!.seriesKeys).toEqual([]);
  });

  it('a dimension that is not a number is an ordinal axis', () => {
    const layout = sweepApi.chartLayout(records(['lru', 'lfu', 'oracle'].map((iotlbPolicy) => ({ iotlbPolicy }))))!;
    expect(layout.x).toMatchObject({ key: 'iotlbPolicy', numeric: false });
  });
});

describe('charts of a real sweep', () => {
  let stdout = '';
  const out = join(dir.path, 'tq');
  beforeAll(async () => {
    const run = await hypersio(['sweep', '--trace', TRACE_8, '--tq', '1', '2', '4', '8', '16', '32', '--iotlb-size', '64', '1024', '--queue', 'ooo', 'in-order', '--out-dir', out]);
    expect(run.exitCode, run.stderr).toBe(0);
    stdout = run.stdout;
  });

  it('a tq sweep on one trace: every metric against tq, a line (six points) per configuration', () => {
    for (const name of ['link-utilization-vs-tq', 'iotlb-hit-rate-vs-tq', 'packets-dropped-vs-tq', 'fairness-vs-tq']) {
      expect(stdout).toContain(join(out, `${name}.png`));
      const svg = readFileSync(join(out, `${name}.svg`), 'utf8');
      expect(svg).toContain('>translations in flight (tq)</text>');
      // Whole legend labels, never cut with an ellipsis.
      for (const label of ['IOTLB 64, ooo', 'IOTLB 64, in-order', 'IOTLB 1024, ooo', 'IOTLB 1024, in-order']) expect(svg).toContain(`>${label}</text>`);
      expect(svg).not.toContain('…');
    }
    const svg = readFileSync(join(out, 'link-utilization-vs-tq.svg'), 'utf8');
    // Four series: four dash patterns (the first is solid).
    const dashes = new Set([...svg.matchAll(/stroke-dasharray="([^"]+)"/g)].map((m) => m[1]));
    expect(dashes.size).toBeGreaterThanOrEqual(3);
  });

  it('three traces: tenants on x', async () => {
    const three = join(dir.path, 'tenants');
    const run = await hypersio(['sweep', '--trace', TRACE_3, TRACE_6, TRACE_8, '--iotlb-size', '16', '64', '--out-dir', three]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(join(three, 'link-utilization-vs-tenants.svg'));
    expect(run.stdout).toContain(join(three, 'fairness-vs-tenants.png'));
  });
});
