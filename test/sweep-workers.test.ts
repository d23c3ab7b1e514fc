/**
 * `--workers` is capped at the machine's cores and at the configurations to run, with a
 * note saying so (a worker per configuration cost 1.97 GB for 200 configurations).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio, sweepApi, tempDir, TRACE_3 } from './sweep-helpers.js';

describe('sweep workers', () => {
  const dir = tempDir('workers');
  afterAll(() => dir.cleanup());

  it('never more than the cores or the configurations', () => {
    expect(sweepApi.sweepWorkerCount(1000, 200, 2)).toEqual({ workers: 2, note: '--workers 1000: using 2 (2 core(s) on this machine)' });
    expect(sweepApi.sweepWorkerCount(1000, 3, 8)).toEqual({ workers: 3, note: '--workers 1000: using 3 (3 configuration(s) to run)' });
    expect(sweepApi.sweepWorkerCount(2, 200, 8)).toEqual({ workers: 2 });
    expect(sweepApi.sweepWorkerCount(undefined, 200, 8)).toEqual({ workers: 8 });
    expect(sweepApi.sweepWorkerCount(undefined, 0, 8).workers).toBe(1);
  });

  it('says so on the command line', async () => {
    const r = await hypersio(['sweep', '--trace', TRACE_3, '--iotlb-size', '16', '32', '--workers', '1000', '--out', join(dir.path, 'out'), '--no-charts']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^sweep: --workers 1000: using [12] \(/m);
  });
});
