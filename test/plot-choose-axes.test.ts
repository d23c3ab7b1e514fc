/**
 * Issue 22 item 21: `plot --x KEY --series KEY…` chooses the x axis and the series, so a
 * folder merged from one-axis sweeps draws one line per value of the chosen dimension.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hypersio, sweepApi, tempDir, TRACE_3, TRACE_8 } from './sweep-helpers.js';
import type { SweepRecord } from '../orchestrator/sweep/results.js';

const dir = tempDir('plot-axes');
afterAll(() => dir.cleanup());
const merged = join(dir.path, 'merged');

beforeAll(async () => {
  const a = join(dir.path, 'tq');
  const b = join(dir.path, 'iotlb');
  expect((await hypersio(['sweep', '--trace', TRACE_3, TRACE_8, '--tq', '1', '2', '4', '8', '16', '32', '--out-dir', a, '--no-charts'])).exitCode).toBe(0);
  expect((await hypersio(['sweep', '--trace', TRACE_3, TRACE_8, '--iotlb-size', '8', '16', '32', '64', '128', '256', '512', '--out-dir', b, '--no-charts'])).exitCode).toBe(0);
  const m = await hypersio(['merge', a, b, '--out-dir', merged, '--no-charts']);
  expect(m.exitCode, m.stderr).toBe(0);
});

const records = () => readFileSync(join(merged, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SweepRecord);

describe('plot --x and --series', () => {
  it('lays out x = tq, a line per IOTLB size and tenant count (tenants join the series where points would collide)', () => {
    const layout = sweepApi.chartLayout(records(), { x: 'tq', series: ['iotlbSize'] })!;
    expect(layout.x.key).toBe('tq');
    expect(layout.seriesKeys).toEqual(['iotlbSize', 'tenants']);
    const points = new Set(layout.records.map((r) => `${String(r['iotlbSize'])}/${String(r.tenants)}/${String(r['tq'])}`));
    expect(points.size).toBe(layout.records.length);
  });

  it('by default (x: the axis with the most values) most lines have one point, and plot says how to choose', async () => {
    const plotted = await hypersio(['plot', merged, '--out-dir', join(dir.path, 'default-charts')]);
    expect(plotted.exitCode, plotted.stderr).toBe(0);
    expect(plotted.stderr).toBe('plot: 10 of 12 lines have one point each (x: iotlbSize, lines: tenants, tq); choose them with --x and --series, e.g. --x tq --series iotlbSize');
  });

  it('the command draws the chosen charts; names by key or flag; unknown dimensions are refused', async () => {
    const out = join(dir.path, 'charts');
    const plotted = await hypersio(['plot', merged, '--x', 'tq', '--series', 'iotlb-size', 'tenants', '--out-dir', out]);
    expect(plotted.exitCode, plotted.stderr).toBe(0);
    expect(existsSync(join(out, 'link-utilization-vs-tq.svg'))).toBe(true);
    const svg = readFileSync(join(out, 'link-utilization-vs-tq.svg'), 'utf8');
    expect(svg).toContain('IOTLB 64, 3 tenants');
    const bad = await hypersio(['plot', merged, '--x', 'colour']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^hypersio: --x colour: not a dimension of the results/);
  });
});
