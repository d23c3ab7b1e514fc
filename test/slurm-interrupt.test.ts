/**
 * Ctrl-C while `sweep --slurm` waits: by default (not on a terminal) the job keeps running
 * and the same command run again attaches to it instead of submitting again;
 * `--slurm-on-interrupt cancel` cancels it; on a terminal it asks.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, expectCluster, hypersioOnSlurm, skipSlurm, slowTrace, slurmEnv, slurmTempDir, submittedJob, taskStates, until } from './slurm-helpers.js';
import { HYPERSIO_BIN, PROJECT_ROOT, sweepApi } from './sweep-helpers.js';

announceSkip('slurm-interrupt');

describe.skipIf(skipSlurm)('Ctrl-C while waiting for the Slurm job', () => {
  const dir = slurmTempDir('slurm-interrupt');
  let trace: string;
  beforeAll(async () => {
    expectCluster();
    trace = await slowTrace(dir.path);
  });
  const sweep = (out: string, ...extra: string[]) => ['sweep', '--trace', trace, '--iotlb-size', '16', '64', '256', '1024', '--tq', '1', '32', '--out-dir', out, '--slurm', '--slurm-tasks', '2', '--slurm-cpus-per-task', '1', '--no-charts', ...extra];

  it('leaves the job running by default, and a later run attaches to it', async () => {
    const out = join(dir.path, 'leave');
    const first = hypersioOnSlurm(sweep(out));
    const jobId = await submittedJob(out);
    first.kill('SIGINT');
    const interrupted = await first;
    expect(interrupted.exitCode).toBe(130);
    expect(interrupted.stderr).toContain(`hypersio: sweep: interrupted by SIGINT; Slurm job ${jobId} left running: run the same command again (same --out-dir) to attach to it, or scancel ${jobId}`);
    expect([...(await taskStates(jobId)).values()].some((state) => state === 'PENDING' || state === 'RUNNING')).toBe(true);

    const again = await hypersioOnSlurm(sweep(out));
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain(`attaching to Slurm job ${jobId}`);
    expect(again.stderr).not.toContain('submitted Slurm job');
    expect(await submittedJob(out)).toBe(jobId);
    expect(sweepApi.readResultsFile(join(out, sweepApi.RESULTS_FILE))).toHaveLength(8);
  });

  it('--slurm-on-interrupt cancel cancels it', async () => {
    const out = join(dir.path, 'cancel');
    const first = hypersioOnSlurm(sweep(out, '--slurm-on-interrupt', 'cancel'));
    const jobId = await submittedJob(out);
    first.kill('SIGINT');
    const interrupted = await first;
    expect(interrupted.exitCode).toBe(130);
    expect(interrupted.stderr).toContain(`Slurm job ${jobId} cancelled`);
    await until(async () => [...(await taskStates(jobId)).values()].every((state) => state === 'CANCELLED'), 'the tasks to be cancelled', 30_000);
  });

  it('on a terminal, Ctrl-C asks, and "y" cancels the job', async () => {
    const out = join(dir.path, 'terminal');
    // util-linux's `script` runs the command on a pseudo-terminal: Ctrl-C is the byte 0x03 typed into it.
    const command = [process.execPath, HYPERSIO_BIN, ...sweep(out)].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: PROJECT_ROOT, env: { ...process.env, ...slurmEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
    let terminal = '';
    let answered = false;
    child.stdout.on('data', (chunk: Buffer) => {
      terminal += chunk.toString();
      if (terminal.includes('Cancel Slurm job') && !answered) {
        answered = true;
        child.stdin.write('y\r');
      }
    });
    const exited = new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));
    const jobId = await submittedJob(out);
    await until(() => terminal.includes(`slurm job ${jobId}:`), 'the progress line');
    child.stdin.write('\x03');
    expect(await exited).toBe(130);
    expect(terminal).toContain(`Cancel Slurm job ${jobId} (scancel)? Otherwise it keeps running and a later run attaches to it. [y/N]`);
    expect(terminal).toContain(`hypersio: sweep: interrupted by SIGINT; Slurm job ${jobId} cancelled`);
    await until(async () => [...(await taskStates(jobId)).values()].every((state) => state === 'CANCELLED'), 'the tasks to be cancelled', 30_000);
  });
});
