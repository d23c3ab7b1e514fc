/**
 * `sweep --slurm --dry-run` writes the job script and prints it with the sbatch command,
 * submitting nothing; Slurm accepts the script (`sbatch --test-only`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, expectCluster, hypersioOnSlurm, skipSlurm, slurm, slurmTempDir } from './slurm-helpers.js';
import { TRACE_3, TRACE_8 } from './sweep-helpers.js';

announceSkip('slurm-dry-run');

describe.skipIf(skipSlurm)('sweep --slurm --dry-run', () => {
  const dir = slurmTempDir('slurm-dry-run');
  beforeAll(expectCluster);

  it('writes a script that sbatch --test-only accepts, and submits nothing', async () => {
    const out = join(dir.path, 'out');
    const dry = await hypersioOnSlurm([
      'sweep', '--trace', TRACE_3, TRACE_8, '--iotlb-size', '8', '64', '--tq', '1', '32', '--out-dir', out,
      '--slurm', '--slurm-tasks', '3', '--slurm-cpus-per-task', '2', '--slurm-time', '10:00', '--slurm-partition', 'debug',
      '--sbatch', `--comment='hypersio dry run' --nice=10`, '--dry-run',
    ]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    const script = join(out, 'slurm', 'sweep.sbatch');
    const text = readFileSync(script, 'utf8');
    expect(dry.stdout.startsWith(text)).toBe(true);
    for (const directive of ['--array=0-2', '--cpus-per-task=2', '--time=10:00', '--partition=debug']) expect(text).toContain(`#SBATCH ${directive}\n`);
    expect(text).toContain(`--shard "$i/3" --out-dir "$OUT/shards/$i-of-3" --workers "\${SLURM_CPUS_PER_TASK:-1}"`);
    expect(dry.stdout).toContain(`sbatch --parsable --array=0-2 '--comment=hypersio dry run' --nice=10 ${script}`);
    expect(existsSync(join(out, 'slurm', 'job.json'))).toBe(false);
    expect(dry.stderr).not.toContain('submitted');

    const test = await slurm('sbatch', ['--test-only', script]);
    expect(test.exitCode, test.stderr).toBe(0);
    expect(test.stderr).toMatch(/sbatch: Job \d+ to start at .* on nodes localhost/);
  });
});
