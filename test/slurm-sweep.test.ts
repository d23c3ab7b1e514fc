/**
 * `sweep --slurm` on a real Slurm cluster: 24 configurations over 4 array tasks give the
 * same results.jsonl, configuration for configuration, and the same summary as the
 * same sweep run locally.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, expectCluster, hypersioOnSlurm, skipSlurm, slurmTempDir } from './slurm-helpers.js';
import { hypersio, stable, sweepApi, TRACE_3, TRACE_6, TRACE_8 } from './sweep-helpers.js';

announceSkip('slurm-sweep');

/** The summary table: stdout up to the lines that name the output files. */
const summaryOf = (stdout: string) => stdout.slice(0, stdout.indexOf('\nresults '));

describe.skipIf(skipSlurm)('sweep --slurm equals the local sweep', () => {
  const dir = slurmTempDir('slurm-sweep');
  beforeAll(expectCluster);

  it('24 configurations over 4 array tasks', async () => {
    const grid = ['--trace', TRACE_3, TRACE_6, TRACE_8, '--iotlb-size', '8', '16', '64', '256', '--tq', '1', '32'];
    const localOut = join(dir.path, 'local');
    const slurmOut = join(dir.path, 'slurm');
    const local = await hypersio(['sweep', ...grid, '--workers', '2', '--out-dir', localOut]);
    expect(local.exitCode, local.stderr).toBe(0);
    const onSlurm = await hypersioOnSlurm(['sweep', ...grid, '--out-dir', slurmOut, '--slurm', '--slurm-tasks', '4', '--slurm-cpus-per-task', '1']);
    expect(onSlurm.exitCode, onSlurm.stderr).toBe(0);
    expect(onSlurm.stderr).toMatch(/submitted Slurm job \d+: 4 of 4 tasks \(24 configurations\), 1 CPU each/);
    expect(onSlurm.stderr).toMatch(/24\/24 configs; tasks 0 pending, 0 running, 4 done, 0 failed/);

    const fromLocal = sweepApi.readResultsFile(join(localOut, sweepApi.RESULTS_FILE));
    const fromSlurm = sweepApi.readResultsFile(join(slurmOut, sweepApi.RESULTS_FILE));
    expect(fromLocal).toHaveLength(24);
    expect(fromSlurm).toHaveLength(24);
    const localById = new Map(fromLocal.map((r) => [r.id, r]));
    for (const record of fromSlurm) expect(stable(record)).toEqual(stable(localById.get(record.id)!));
    // Each task ran its own shard into its own folder.
    for (let i = 0; i < 4; i++) {
      const shard = sweepApi.readResultsFile(join(slurmOut, 'shards', `${i}-of-4`, sweepApi.RESULTS_FILE));
      expect(shard.map((r) => r.gridIndex % 4)).toEqual(shard.map(() => i));
    }
    expect(summaryOf(onSlurm.stdout)).toBe(summaryOf(local.stdout));
    // The same files (results.csv, the charts), in the Slurm sweep's folder.
    expect(onSlurm.stdout.slice(onSlurm.stdout.indexOf('\nresults ')).replaceAll(slurmOut, 'OUT')).toBe(local.stdout.slice(local.stdout.indexOf('\nresults ')).replaceAll(localOut, 'OUT'));
    expect(onSlurm.stdout).toContain(join(slurmOut, 'results.csv'));
  });
});
