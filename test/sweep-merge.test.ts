import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio, stable, sweepApi, tempDir, TRACE_3, TRACE_6 } from './sweep-helpers.js';

describe('merge', () => {
  const dir = tempDir('sweep-merge');
  afterAll(() => dir.cleanup());

  it('merging the shards of a sweep gives the unsharded sweep', async () => {
    const spec = { traces: [TRACE_3, TRACE_6], axes: { iotlbSize: [16, 64], tq: [1, 8], linkGbps: [100, 200] } };
    const whole = await sweepApi.runSweep(spec, { out: join(dir.path, 'whole'), workers: 2, progress: 'none', charts: false });
    const shards: string[] = [];
    for (let i = 0; i < 3; i++) {
      const out = join(dir.path, `shard-${i}`);
      await sweepApi.runSweep(spec, { out, workers: 1, shard: { index: i, count: 3 }, progress: 'none', charts: false });
      shards.push(out);
    }
    const mergedDir = join(dir.path, 'merged');
    const run = await hypersio(['merge', ...shards, '--out', mergedDir]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/16 configurations: 16 ok, 0 failed/);

    const merged = sweepApi.readResultsFile(join(mergedDir, sweepApi.RESULTS_FILE));
    expect(merged.map(stable)).toEqual(whole.records.map(stable));
    expect(readFileSync(join(mergedDir, sweepApi.CSV_FILE), 'utf8')).toBe(readFileSync(join(dir.path, 'whole', sweepApi.CSV_FILE), 'utf8'));
    for (const chart of ['link-utilization-vs-tenants', 'iotlb-hit-rate-vs-tenants']) {
      expect(readFileSync(join(mergedDir, `${chart}.png`)).subarray(1, 4).toString()).toBe('PNG');
    }
  });

  it('refuses a folder that is not a sweep output', async () => {
    const run = await hypersio(['merge', dir.path, '--out', join(dir.path, 'x')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toMatch(/^hypersio: .*no results\.jsonl/);
  });
});
