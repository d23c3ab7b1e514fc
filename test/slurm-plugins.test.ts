/**
 * `sweep --slurm` with plugin files: the login node compiles the variants into
 * build/models/ (on the shared filesystem), the array tasks load them from there without
 * compiling, and the results equal the local sweep's, configuration for configuration.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, expectCluster, hypersioOnSlurm, skipSlurm, slurmTempDir } from './slurm-helpers.js';
import { hypersio, stable, sweepApi, TRACE_3, TRACE_6 } from './sweep-helpers.js';

announceSkip('slurm-plugins');

describe.skipIf(skipSlurm)('sweep --slurm with plugins', () => {
  const dir = slurmTempDir('slurm-plugins');
  beforeAll(expectCluster);

  it('equals the local sweep; the tasks use the cached variants', async () => {
    const grid = ['--trace', TRACE_3, TRACE_6, '--iotlb-policy', 'lru', 'examples/lru.ts', 'examples/srrip.ts', '--set-index', 'group-bits', 'examples/xor-index.ts', '--iotlb-size', '16', '256'];
    const localOut = join(dir.path, 'local');
    const slurmOut = join(dir.path, 'slurm');
    const local = await hypersio(['sweep', ...grid, '--workers', '2', '--out-dir', localOut]);
    expect(local.exitCode, local.stderr).toBe(0);
    const onSlurm = await hypersioOnSlurm(['sweep', ...grid, '--out-dir', slurmOut, '--slurm', '--slurm-tasks', '2', '--slurm-cpus-per-task', '1']);
    expect(onSlurm.exitCode, onSlurm.stderr).toBe(0);
    expect(onSlurm.stderr).toMatch(/24\/24 configs; tasks 0 pending, 0 running, 2 done, 0 failed/);
    const fromLocal = sweepApi.readResultsFile(join(localOut, sweepApi.RESULTS_FILE));
    const fromSlurm = sweepApi.readResultsFile(join(slurmOut, sweepApi.RESULTS_FILE));
    expect(fromSlurm).toHaveLength(24);
    expect(fromSlurm.filter((r) => r.status === 'ok')).toHaveLength(24);
    const localById = new Map(fromLocal.map((r) => [r.id, r]));
    for (const record of fromSlurm) expect(stable(record)).toEqual(stable(localById.get(record.id)!));
    const logs = join(slurmOut, 'slurm', 'logs');
    for (const log of readdirSync(logs)) expect(readFileSync(join(logs, log), 'utf8')).not.toContain('compiling');
  }, 300_000);
});
