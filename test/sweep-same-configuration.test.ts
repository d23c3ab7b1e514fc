/**
 * Issue 22 item 20: requested values that give the same configuration are run once and
 * reported: `--iotlb-ways 1 2 4 16 32 64 fa` at the base size 64 is 6 configurations, not 7.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio, sweepApi, tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('same-config');
afterAll(() => dir.cleanup());

describe('values that give the same configuration', () => {
  it('are noted by the grid, once per pair', () => {
    const grid = new sweepApi.SweepGrid({ traces: [TRACE_3], axes: { iotlbWays: [1, 2, 4, 16, 32, 64, 'fa'], tq: [1, 8] } }, [TRACE_3]);
    const jobs = [...grid.jobs()];
    expect(jobs).toHaveLength(12);
    expect(sweepApi.describeSameConfigurations(grid, jobs.length)).toEqual(['--iotlb-ways 64 and fa give the same configuration (with --tq 1, and elsewhere): 12 configurations, not 14']);
  });

  it('sweep says so on stderr and runs 6', async () => {
    const swept = await hypersio(['sweep', '--trace', TRACE_3, '--iotlb-ways', '1', '2', '4', '16', '32', '64', 'fa', '--out-dir', join(dir.path, 'out'), '--no-charts']);
    expect(swept.exitCode, swept.stderr).toBe(0);
    expect(swept.stderr).toContain('sweep: --iotlb-ways 64 and fa give the same configuration: 6 configurations, not 7\n');
    expect(swept.stdout).toMatch(/^6 configurations: 6 ok, 0 failed$/m);
  });
});
