/**
 * A Slurm task cancelled mid-way (`scancel JOB_1`): the command exits non-zero naming the
 * task and its log; running it again submits only that task, which resumes its shard, so
 * only the missing configurations run and none twice.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, expectCluster, hypersioOnSlurm, skipSlurm, slowTrace, slurm, slurmTempDir, submittedJob, until } from './slurm-helpers.js';
import { sweepApi } from './sweep-helpers.js';

announceSkip('slurm-cancel');

describe.skipIf(skipSlurm)('a cancelled Slurm task', () => {
  const dir = slurmTempDir('slurm-cancel');
  let trace: string;
  beforeAll(async () => {
    expectCluster();
    trace = await slowTrace(dir.path);
  });

  it('is reported by task id with its log, and a rerun completes only what is missing', async () => {
    const out = join(dir.path, 'out');
    const args = ['sweep', '--trace', trace, '--iotlb-size', '16', '32', '64', '128', '256', '512', '1024', '4096', '--tq', '1', '8', '32', '--out-dir', out, '--slurm', '--slurm-tasks', '4', '--slurm-cpus-per-task', '1', '--no-charts'];
    const shardResults = (i: number) => join(out, 'shards', `${i}-of-4`, sweepApi.RESULTS_FILE);
    const recorded = (i: number) => sweepApi.readResultsFile(shardResults(i));

    const first = hypersioOnSlurm(args);
    const jobId = await submittedJob(out);
    await until(() => recorded(1).length >= 1, 'task 1 to finish a configuration');
    const cancel = await slurm('scancel', [`${jobId}_1`]);
    expect(cancel.exitCode, cancel.stderr).toBe(0);
    const failed = await first;

    expect(failed.exitCode).toBe(1);
    const log = join(out, 'slurm', 'logs', `task-1-job-${jobId}.log`);
    expect(failed.stderr).toContain(`hypersio: sweep: Slurm task 1 cancelled`);
    expect(failed.stderr).toContain(`log ${log}`);
    expect(failed.stderr).toMatch(/1 of 4 Slurm tasks did not finish \(tasks 1\)/);
    expect(existsSync(join(out, sweepApi.RESULTS_FILE))).toBe(false); // nothing merged from a partial sweep
    const before = recorded(1);
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(before.length).toBeLessThan(6);
    const others = [0, 2, 3].map((i) => readFileSync(shardResults(i), 'utf8'));
    for (const i of [0, 2, 3]) expect(recorded(i)).toHaveLength(6);

    const second = await hypersioOnSlurm(args);
    expect(second.exitCode, second.stderr).toBe(0);
    const missing = 6 - before.length;
    expect(second.stderr).toMatch(new RegExp(`submitted Slurm job \\d+: 1 of 4 tasks \\(${missing} configurations; ${24 - missing} already done\\)`));
    const after = recorded(1);
    expect(after).toHaveLength(6);
    expect(new Set(after.map((r) => r.id)).size).toBe(6);
    expect(after.slice(0, before.length)).toEqual(before);
    expect([0, 2, 3].map((i) => readFileSync(shardResults(i), 'utf8'))).toEqual(others);
    const merged = sweepApi.readResultsFile(join(out, sweepApi.RESULTS_FILE));
    expect(merged).toHaveLength(24);
    expect(merged.every((r) => r.status === 'ok')).toBe(true);
  });
});
