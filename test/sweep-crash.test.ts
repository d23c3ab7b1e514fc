import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio, sweepApi, tempDir, TRACE_3 } from './sweep-helpers.js';

describe('a failing configuration does not stop the others', () => {
  const dir = tempDir('sweep-crash');
  afterAll(() => dir.cleanup());

  it('records a worker crash and an invalid configuration as failed and runs the rest', async () => {
    // IOTLB 24 entries × 8 ways = 3 sets: not a power of two, so invalid.
    const spec = { traces: [TRACE_3], axes: { iotlbSize: [16, 24, 64], tq: [1, 4] } };
    const grid = sweepApi.expandGrid(spec);
    const crashing = grid.find((job) => job.parameters['iotlbSize'] === 64 && job.parameters['tq'] === 1);
    if (!crashing) throw new Error('no such configuration');
    const out = join(dir.path, 'api');
    const summary = await sweepApi.runSweep(spec, { out, workers: 2, progress: 'none', charts: false, crashIds: [crashing.id] });
    expect(summary.total).toBe(6);
    expect(summary.failed).toBe(3);
    expect(summary.ok).toBe(3);
    const byId = new Map(summary.records.map((r) => [r.id, r]));
    expect(byId.get(crashing.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/worker crashed/) });
    for (const record of summary.records.filter((r) => r['iotlbSize'] === 24)) {
      expect(record).toMatchObject({ status: 'failed', error: expect.stringMatching(/IOTLB has 3 sets/) });
      expect(record.linkUtilization).toBeUndefined();
    }
    for (const record of summary.records.filter((r) => r['iotlbSize'] === 16 || (r['iotlbSize'] === 64 && r['tq'] === 4))) {
      expect(record.status).toBe('ok');
      expect(record.translations).toBeGreaterThan(0);
    }
    // Failed ones count as done on a rerun, unless retried; a retry replaces the record.
    const again = await sweepApi.runSweep(spec, { out, workers: 1, progress: 'none', charts: false });
    expect(again.ran).toBe(0);
    const retried = await sweepApi.runSweep(spec, { out, workers: 1, progress: 'none', charts: false, retryFailed: true });
    expect(retried.ran).toBe(3);
    expect(retried.ok).toBe(4); // the crash was a one-off; the invalid ones fail again
    expect(retried.records).toHaveLength(6);
  });

  it('the CLI goes on and exits non-zero when any configuration failed', async () => {
    const out = join(dir.path, 'cli');
    const run = await hypersio(['sweep', '--trace', TRACE_3, '--iotlb-size', '16', '24', '--workers', '1', '--out', out, '--no-charts']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/2 configurations: 1 ok, 1 failed/);
    const lines = sweepApi.readResultsFile(join(out, sweepApi.RESULTS_FILE));
    expect(lines.map((r) => r.status).sort()).toEqual(['failed', 'ok']);
  });
});
