/**
 * `--retry-failed`: a configuration recorded as failed counts as done on a plain re-run,
 * and is run again (its new record superseding the old) with --retry-failed; ok ones are
 * never run again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio, sweepApi, tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('retry');
afterAll(() => dir.cleanup());

describe('--retry-failed', () => {
  it('reruns only failed configurations', async () => {
    const out = join(dir.path, 'sweep');
    const spec = { traces: [TRACE_3], axes: { iotlbSize: [8, 16, 32] } };
    const jobs = sweepApi.expandGrid(spec);
    // The worker of the second configuration is made to crash.
    const first = await sweepApi.runSweep(spec, { out, workers: 1, progress: 'none', charts: false, crashIds: [jobs[1]!.id] });
    expect(first.failed).toBe(1);
    const args = ['sweep', '--trace', TRACE_3, '--iotlb-size', '8', '16', '32', '--workers', '1', '--out-dir', out, '--no-charts'];

    const plain = await hypersio(args);
    expect(plain.exitCode).toBe(1); // still failed: not retried
    expect(plain.stderr).toContain('sweep: 3 of 3 configurations already in');

    const retried = await hypersio([...args, '--retry-failed']);
    expect(retried.exitCode, retried.stderr).toBe(0);
    expect(retried.stderr).toContain('sweep: 2 of 3 configurations already in');
    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string });
    expect(lines).toHaveLength(4); // the failed record stays, superseded by the new one
    expect(lines.filter((l) => l.id === jobs[1]!.id).map((l) => l.status)).toEqual(['failed', 'ok']);
    expect(sweepApi.latestRecords(sweepApi.readResultsFile(join(out, 'results.jsonl'))).every((r) => r.status === 'ok')).toBe(true);
  });
});
