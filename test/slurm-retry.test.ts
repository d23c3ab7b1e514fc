/**
 * Configurations that fail (an invalid combination) do not fail their Slurm task: the
 * sweep is merged and summarized with them, exit status 1, as locally; `--retry-failed`
 * submits only the tasks that hold them and runs only those configurations again.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, expectCluster, hypersioOnSlurm, skipSlurm, slurmTempDir } from './slurm-helpers.js';
import { sweepApi, TRACE_3 } from './sweep-helpers.js';

announceSkip('slurm-retry');

describe.skipIf(skipSlurm)('failed configurations on Slurm', () => {
  const dir = slurmTempDir('slurm-retry');
  beforeAll(expectCluster);

  it('are summarized like a local sweep; --retry-failed runs only them again', async () => {
    const out = join(dir.path, 'out');
    // 24 entries × 8 ways = 3 sets: not a power of two, so those two configurations fail.
    const args = ['sweep', '--trace', TRACE_3, '--iotlb-size', '24', '64', '--tq', '1', '32', '--out-dir', out, '--slurm', '--slurm-tasks', '4', '--slurm-cpus-per-task', '1', '--no-charts'];
    const first = await hypersioOnSlurm(args);
    expect(first.exitCode, first.stderr).toBe(1);
    expect(first.stderr).toContain('4/4 configs; tasks 0 pending, 0 running, 4 done, 0 failed');
    expect(first.stdout).toContain('4 configurations: 2 ok, 2 failed');
    expect(first.stdout).toMatch(/Failed configurations \(2\)\n.*IOTLB has 3 sets/);

    const retried = await hypersioOnSlurm([...args, '--retry-failed']);
    expect(retried.exitCode, retried.stderr).toBe(1);
    // Configurations 0 and 1 of the grid (IOTLB 24) are shards 0 and 1.
    expect(retried.stderr).toMatch(/submitted Slurm job \d+: 2 of 4 tasks \(2 configurations; 2 already done\)/);
    expect(retried.stderr).toContain('4/4 configs; tasks 0 pending, 0 running, 4 done, 0 failed');
    const counts = [0, 1, 2, 3].map((i) => sweepApi.readResultsFile(join(out, 'shards', `${i}-of-4`, sweepApi.RESULTS_FILE)).length);
    expect(counts).toEqual([2, 2, 1, 1]);
  });
});
