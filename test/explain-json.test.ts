/** `explain --json`: one object with the limiter, the latency breakdown, the tenants and the ranked what-ifs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explainJson, tempDir, TRACE_8 } from './explain-helpers.js';

describe('explain --json', () => {
  const dir = tempDir('explain-json');
  afterAll(() => dir.cleanup());

  it('prints limiter, latency (components adding up to the mean), tenants and whatIf with change, flags, utilization, gain, cost', async () => {
    const { json } = await explainJson(['--trace', TRACE_8, '--out-dir', dir.path]);
    expect(json.limiter).toMatchObject({ id: expect.stringMatching(/^(window|arrival)$/), sentence: expect.any(String) });
    expect(json.latency).toMatchObject({ meanNs: expect.any(Number), p50Ns: expect.any(Number), p99Ns: expect.any(Number), components: expect.any(Object) });
    const sum = Object.values(json.latency.components).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(json.latency.meanNs, 6);
    expect(json.tenants).toHaveLength(8);
    expect(json.tenants[0]).toMatchObject({ did: expect.any(Number), translations: expect.any(Number), mbps: expect.any(Number), why: expect.any(String) });
    expect(json.whatIf.length).toBeGreaterThan(0);
    for (const w of json.whatIf) {
      expect(w).toMatchObject({ change: expect.any(String), flags: expect.any(Array), linkUtilization: expect.any(Number), gain: expect.any(Number), rank: expect.any(Number) });
      expect(w.costBytes).toEqual(expect.any(Number));
      expect(w.deltaBytes).toBe(w.costBytes - json.base.costBytes);
      expect(w.gain).toBeCloseTo(w.linkUtilization - json.base.linkUtilization, 12);
      expect(w.command).toBe(['hypersio', 'run', '--trace', json.trace, ...w.flags].join(' '));
    }
    // Ranked: utilization never rises down the list, and equal ranks are marked as ties.
    for (let i = 1; i < json.whatIf.length; i++) {
      const [before, after] = [json.whatIf[i - 1]!, json.whatIf[i]!];
      expect(after.rank).toBeGreaterThanOrEqual(before.rank);
      if (after.rank === before.rank) expect([before.tied, after.tied]).toEqual([true, true]);
      else expect(after.linkUtilization).toBeLessThan(before.linkUtilization);
    }
    expect(json.notes).toEqual(expect.any(Array));
    expect(json.skipped).toContainEqual(expect.objectContaining({ id: 'iotlbPolicy=lru', reason: 'same configuration as the base' }));
    expect(json.charts.map((c) => c.replace(/^.*\//, ''))).toEqual(['explain-latency.svg', 'explain-latency.png', 'explain-what-if.svg', 'explain-what-if.png']);
    for (const chart of json.charts) {
      const bytes = readFileSync(chart);
      if (chart.endsWith('.png')) expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      else expect(bytes.toString()).toMatch(/^<svg[^>]*>[\s\S]*<\/svg>$/);
    }
    // What --json printed is also the output folder's explanation.json.
    const { outDir: _o, simulated: _s, charts: _c, ...explanation } = json;
    expect(JSON.parse(readFileSync(join(dir.path, 'explanation.json'), 'utf8'))).toEqual(explanation);
  });
});
