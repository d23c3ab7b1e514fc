/**
 * `advise --slurm` on a real Slurm cluster: each round's configurations run as a job
 * array, and the answer, the path and every configuration evaluated are the local run's;
 * a rerun finds everything in the output folder and submits nothing.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, expectCluster, hypersioOnSlurm, skipSlurm, slurmTempDir } from './slurm-helpers.js';
import { hypersio, TRACE_3, TRACE_8 } from './sweep-helpers.js';

announceSkip('slurm-advise');

describe.skipIf(skipSlurm)('advise --slurm equals the local advise', () => {
  const dir = slurmTempDir('slurm-advise');
  beforeAll(expectCluster);

  it('the same answer, path and evaluations; a rerun submits nothing', async () => {
    const search = ['advise', '--trace', TRACE_3, TRACE_8, '--target', '60', '--vary', 'tq', 'iotlbSize', '--max', 'tq=64', 'iotlbSize=1024', '--json', '--no-charts'];
    const local = await hypersio([...search, '--out-dir', join(dir.path, 'local'), '--workers', '2']);
    expect(local.exitCode, local.stderr).toBe(0);
    const out = join(dir.path, 'slurm');
    const onSlurm = await hypersioOnSlurm([...search, '--out-dir', out, '--slurm', '--slurm-tasks', '2', '--slurm-cpus-per-task', '1']);
    expect(onSlurm.exitCode, onSlurm.stderr).toBe(0);
    expect(onSlurm.stderr).toMatch(/advise: Slurm job \d+: 2 simulations in 2 task\(s\)/);
    expect(onSlurm.stderr).toMatch(/tasks 0 pending, 0 running, 2 done, 0 failed/);
    const a = JSON.parse(local.stdout) as Record<string, unknown>;
    const b = JSON.parse(onSlurm.stdout) as Record<string, unknown>;
    for (const key of ['reached', 'best', 'path', 'evaluated', 'simulated', 'frontier']) expect(b[key], key).toEqual(a[key]);

    const again = await hypersioOnSlurm([...search, '--out-dir', out, '--slurm', '--slurm-tasks', '2', '--slurm-cpus-per-task', '1']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/Slurm job/);
    expect((JSON.parse(again.stdout) as { simulated: number }).simulated).toBe(0);
  });
});
