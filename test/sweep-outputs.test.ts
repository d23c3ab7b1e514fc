import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hypersio, sweepApi, tempDir, TRACE_3, TRACE_6, TRACE_8 } from './sweep-helpers.js';

/** Checks an SVG is one well-nested XML document (every element closed in order). */
function expectWellFormedSvg(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  const stack: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name as string);
  }
  expect(stack).toEqual([]);
}

/** PNG signature, IHDR first, IEND last; returns the size. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  expect(png.subarray(png.length - 8, png.length - 4).toString('latin1')).toBe('IEND');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('results.csv and charts', () => {
  const dir = tempDir('sweep-outputs');
  const out = join(dir.path, 'out');
  let stdout = '';
  let records: ReturnType<typeof sweepApi.readResultsFile> = [];
  beforeAll(async () => {
    const run = await hypersio(['sweep', '--trace', TRACE_3, TRACE_6, TRACE_8, '--iotlb-size', '16', '64', '--tq', '1', '8', '--workers', '2', '--out', out]);
    expect(run.exitCode, run.stderr).toBe(0);
    stdout = run.stdout;
    records = sweepApi.readResultsFile(join(out, sweepApi.RESULTS_FILE));
  });
  afterAll(() => dir.cleanup());

  it('results.csv has a header and one well-formed row per configuration', () => {
    const rows = sweepApi.parseCsv(readFileSync(join(out, sweepApi.CSV_FILE), 'utf8'));
    expect(rows[0]).toEqual([...sweepApi.CSV_HEADER]);
    expect(rows).toHaveLength(1 + 12);
    for (const row of rows) expect(row).toHaveLength(sweepApi.CSV_HEADER.length);
    const column = (name: string) => sweepApi.CSV_HEADER.indexOf(name);
    for (const row of rows.slice(1)) {
      const record = records.find((r) => r.id === row[column('id')]);
      expect(record).toBeDefined();
      expect(Number(row[column('linkUtilization')])).toBeCloseTo(record?.linkUtilization ?? NaN, 9);
      expect(Number(row[column('IOTLB.hit')])).toBe(record?.caches?.IOTLB.hit);
      expect(row[column('status')]).toBe('ok');
      expect(['3', '6', '8']).toContain(row[column('tenants')]);
    }
  });

  it('csv fields with commas and quotes are quoted', () => {
    expect(sweepApi.parseCsv(`a,"b,""c"""\n1,2\n`)).toEqual([['a', 'b,"c"'], ['1', '2']]);
  });

  it('draws a chart per metric against the axis with the most values (tenants), SVG and PNG', () => {
    const axisTitles = { 'link-utilization-vs-tenants': 'link utilization (%)', 'iotlb-hit-rate-vs-tenants': 'IOTLB hit rate (%)', 'packets-dropped-vs-tenants': 'packets dropped', 'fairness-vs-tenants': "fairness (Jain index of tenant Mb/s)" };
    for (const [chart, axisTitle] of Object.entries(axisTitles)) {
      const svg = readFileSync(join(out, `${chart}.svg`), 'utf8');
      expectWellFormedSvg(svg);
      expect(svg).toContain(`>${axisTitle}</text>`);
      const size = pngSize(readFileSync(join(out, `${chart}.png`)));
      expect(size.width).toBeGreaterThan(600);
      expect(size.height).toBeGreaterThan(400);
      expect(stdout).toContain(join(out, `${chart}.png`));
    }
  });

  it('prints the summary table: best configuration per trace, link utilization per configuration', () => {
    expect(stdout).toMatch(/12 configurations: 12 ok, 0 failed/);
    expect(stdout).toMatch(/Best configuration per trace/);
    expect(stdout).toMatch(/Link utilization per configuration/);
    expect(stdout).toMatch(/IOTLB 64, tq 8 +\d+\.\d %/);
  });

  it('`plot` redraws the charts of a results folder', async () => {
    const target = join(dir.path, 'charts');
    const run = await hypersio(['plot', out, '--out', target]);
    expect(run.exitCode, run.stderr).toBe(0);
    expectWellFormedSvg(readFileSync(join(target, 'link-utilization-vs-tenants.svg'), 'utf8'));
    pngSize(readFileSync(join(target, 'iotlb-hit-rate-vs-tenants.png')));
  });
});
