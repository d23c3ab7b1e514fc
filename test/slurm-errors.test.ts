/**
 * `sweep --slurm` refuses bad input with one line and exit status 2, before submitting
 * anything: no sbatch on PATH, Slurm flags without --slurm, an output folder on a
 * filesystem the compute nodes cannot read, a submission Slurm rejects (its own message).
 */
import { existsSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError, runCli } from './helpers.js';
import { announceSkip, expectCluster, hypersioOnSlurm, skipSlurm, slurmApi } from './slurm-helpers.js';
import { tempDir, TRACE_3 } from './sweep-helpers.js';

announceSkip('slurm-errors (rejected submission)');

describe('sweep --slurm bad input', () => {
  const dir = tempDir('slurm-errors');
  afterAll(() => dir.cleanup());
  const sweep = (...extra: string[]) => ['sweep', '--trace', TRACE_3, '--iotlb-size', '8', '64', '--out-dir', join(dir.path, 'out'), ...extra];
  // An empty PATH folder: no Slurm commands (the CLI itself runs on process.execPath).
  const withoutSlurm = { ...process.env, PATH: join(dir.path, 'empty-bin') };

  it('no sbatch on PATH: says so; --dry-run still writes the script', () => {
    expectOneLineInputError(runCli(sweep('--slurm'), { env: withoutSlurm }), /--slurm: sbatch not found on PATH: .*--dry-run/);
    const dry = runCli(sweep('--slurm', '--dry-run'), { env: withoutSlurm });
    expect(dry.status, dry.stderr).toBe(0);
    expect(existsSync(join(dir.path, 'out', 'slurm', 'sweep.sbatch'))).toBe(true);
  });

  it('Slurm flags need --slurm, and valid values', () => {
    expectOneLineInputError(runCli(sweep('--slurm-tasks', '2')), /^hypersio: --slurm-tasks: only with --slurm$/);
    expectOneLineInputError(runCli(sweep('--dry-run')), /--dry-run: only with --slurm/);
    expectOneLineInputError(runCli(sweep('--slurm', '--shard', '0/2')), /--shard: not with --slurm/);
    expectOneLineInputError(runCli(sweep('--slurm', '--slurm-tasks', '0')), /--slurm-tasks 0: must be at least 1/);
    expectOneLineInputError(runCli(sweep('--slurm', '--slurm-cpus-per-task', 'many')), /--slurm-cpus-per-task many: not an integer/);
    expectOneLineInputError(runCli(sweep('--slurm', '--slurm-on-interrupt', 'maybe')), /--slurm-on-interrupt maybe: expected leave or cancel/);
    expectOneLineInputError(runCli(sweep('--slurm', '--sbatch', "--comment='open")), /--sbatch: unterminated ' quote/);
  });

  const shm = '/dev/shm';
  const tmpfs = existsSync(shm) && statfsSync(shm).type === 0x01021994;
  it.skipIf(!tmpfs)('an output folder on tmpfs, for compute nodes other than this machine', async () => {
    const plan = slurmApi.planSlurmSweep({ spec: { traces: [TRACE_3], axes: {} }, sweepArgs: [], out: join(shm, `hypersio-slurm-${process.pid}`), settings: { cpusPerTask: 1, sbatchOptions: [] } });
    await expect(slurmApi.checkSharedFilesystem(plan, async () => false)).rejects.toThrow(/^--out-dir \/dev\/shm\/hypersio-slurm-\d+: on tmpfs, which only this machine can read; the compute nodes need the project, the traces and the output folder on a filesystem they share/);
    // A one-node cluster that is this machine reads its local files.
    await expect(slurmApi.checkSharedFilesystem(plan, async () => true)).resolves.toBeUndefined();
    expect(slurmApi.nodeLocalPaths([{ label: '--trace', path: TRACE_3 }])).toEqual([]);
  });

  it.skipIf(skipSlurm)('a submission Slurm rejects: its own message, on one line', async () => {
    expectCluster();
    rmSync(join(dir.path, 'out'), { recursive: true, force: true });
    const rejected = await hypersioOnSlurm(sweep('--slurm', '--slurm-partition', 'nosuch'));
    expectOneLineInputError({ status: rejected.exitCode, stderr: rejected.stderr }, /^hypersio: --slurm: sbatch rejected the job: sbatch: error: invalid partition specified: nosuch/);
    expect(existsSync(join(dir.path, 'out')), 'nothing left behind').toBe(false);
  });
});
