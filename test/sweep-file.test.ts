import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio, sweepApi, tempDir, TRACE_3 } from './sweep-helpers.js';

describe('sweep file', () => {
  const dir = tempDir('sweep-file');
  afterAll(() => dir.cleanup());

  it('the schema and the flags come from the same table', () => {
    const schema = sweepApi.sweepFileSchema() as { properties: Record<string, unknown> };
    for (const axis of sweepApi.SWEEP_AXES) expect(schema.properties[axis.key], axis.key).toBeDefined();
    for (const field of sweepApi.SWEEP_FIELDS) expect(schema.properties[field.key], field.key).toBeDefined();
  });

  it('runs the grid of a sweep file; flags override its values', async () => {
    const file = join(dir.path, 'sweep.json');
    writeFileSync(file, JSON.stringify({ traces: [TRACE_3], iotlbSize: [16, 64], tq: 4, queue: ['ooo', 'in-order'], out: 'from-file', workers: 1 }));
    const run = await hypersio(['sweep', '--sweep', file, '--tq', '2', '--no-charts']);
    expect(run.exitCode, run.stderr).toBe(0);
    const records = sweepApi.readResultsFile(join(dir.path, 'from-file', sweepApi.RESULTS_FILE));
    expect(records).toHaveLength(4);
    expect(new Set(records.map((r) => r['tq']))).toEqual(new Set([2]));
    expect(new Set(records.map((r) => r['queue']))).toEqual(new Set(['ooo', 'in-order']));
  });

  it('legacy and comma-separated flags', () => {
    const spec = sweepApi.sweepSpecFromInput({ traces: [TRACE_3], iotlbSize: ['8', '32'], linkGbps: ['100', '400'], iotlbWays: ['fa'] });
    const jobs = sweepApi.expandGrid(spec);
    expect(jobs).toHaveLength(4);
    expect(jobs.map((j) => [j.config.iotlb.size, j.config.iotlb.assoc, j.config.linkGbps])).toEqual([
      [8, 8, 100],
      [8, 8, 400],
      [32, 32, 100],
      [32, 32, 400],
    ]);
  });
});
