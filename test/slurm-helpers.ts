/**
 * Shared by the Slurm tests: the cluster that `bash .ci/slurm-up.sh DIR` started
 * (HYPERSIO_SLURM_DIR=DIR; CI starts one and sets HYPERSIO_REQUIRE_SLURM=1), the CLI run
 * against it, and Slurm's own commands.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, expect } from 'vitest';
import { HYPERSIO_BIN, PROJECT_ROOT, tempDir } from './sweep-helpers.js';

const clusterDir = process.env['HYPERSIO_SLURM_DIR'];
export const requireSlurm = process.env['HYPERSIO_REQUIRE_SLURM'] === '1';

/** The variables DIR/env exports (SLURM_CONF), or null without a cluster. */
function clusterEnv(): Record<string, string> | null {
  if (clusterDir === undefined || !existsSync(join(clusterDir, 'env'))) return null;
  const env: Record<string, string> = {};
  for (const match of readFileSync(join(clusterDir, 'env'), 'utf8').matchAll(/^export (\w+)='([^']*)'$/gm)) env[match[1]!] = match[2]!;
  return env;
}

export const slurmEnv = clusterEnv();
/** Skip (with a message) without a cluster, unless CI requires one: then the tests fail. */
export const skipSlurm = slurmEnv === null && !requireSlurm;

export function announceSkip(name: string): void {
  if (skipSlurm) console.warn(`${name}: skipped, no Slurm cluster (as root: bash .ci/slurm-up.sh DIR, then HYPERSIO_SLURM_DIR=DIR)`);
}

export function expectCluster(): void {
  expect(slurmEnv, 'a Slurm cluster is required here (HYPERSIO_REQUIRE_SLURM=1): bash .ci/slurm-up.sh DIR, then HYPERSIO_SLURM_DIR=DIR').not.toBeNull();
}

/**
 * A temporary folder for the Slurm tests of the suite it is called in: made when they run
 * and removed after. Not made at all when the suite is skipped: vitest still runs a
 * skipped suite's body (to collect it) but not its hooks, which left an empty
 * `hypersio-slurm-*` folder behind on every machine without a cluster.
 */
export function slurmTempDir(prefix: string): { readonly path: string } {
  let dir: ReturnType<typeof tempDir> | undefined;
  beforeAll(() => {
    dir = tempDir(prefix);
  });
  afterAll(() => dir?.cleanup());
  return {
    get path(): string {
      if (dir === undefined) throw new Error(`${prefix}: the temporary folder is made before the tests run`);
      return dir.path;
    },
  };
}

const env = (): NodeJS.ProcessEnv => ({ ...process.env, ...slurmEnv, NO_COLOR: '1' });

/** The CLI against the cluster, asynchronously (a Slurm sweep waits for its job). */
export function hypersioOnSlurm(args: string[], cwd = PROJECT_ROOT): ResultPromise<{ reject: false; env: NodeJS.ProcessEnv; cwd: string }> {
  return execa(process.execPath, [HYPERSIO_BIN, ...args], { cwd, reject: false, env: env() });
}

/** A Slurm command (scontrol, scancel, sbatch) against the cluster. */
export function slurm(command: string, args: string[]) {
  return execa(command, args, { reject: false, env: env() });
}

/** States of the job's tasks (`scontrol show job`), by task id. */
export async function taskStates(jobId: number): Promise<Map<number, string>> {
  const result = await slurm('scontrol', ['-o', 'show', 'job', String(jobId)]);
  const states = new Map<number, string>();
  for (const line of result.stdout.split('\n')) {
    // A task id, or a range of tasks still pending together (`0-3`).
    const tasks = /ArrayTaskId=(\d+)(?:-(\d+))?\s/.exec(line);
    const state = /JobState=(\S+)/.exec(line)?.[1];
    if (!tasks || state === undefined) continue;
    for (let task = Number(tasks[1]); task <= Number(tasks[2] ?? tasks[1]); task++) states.set(task, state);
  }
  return states;
}

export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A synthetic trace big enough that a configuration takes a few tenths of a second, so a
 * task runs for seconds (time to cancel or interrupt it mid-way).
 */
export async function slowTrace(dir: string): Promise<string> {
  const synth = await execa(process.execPath, [HYPERSIO_BIN, 'synth', '--tenants', '256', '--packets', '1000', '--name', 'slow', '--out-dir', dir], { reject: false });
  expect(synth.exitCode, synth.stderr).toBe(0);
  return join(dir, 'slow_tnt_256_rr3_iotlb_trace.bin');
}

/** The job the CLI submitted into `out`, once it has (OUT/slurm/job.json). */
export async function submittedJob(out: string): Promise<number> {
  const jobFile = join(out, 'slurm', 'job.json');
  await until(() => existsSync(jobFile), 'the job to be submitted');
  return (JSON.parse(readFileSync(jobFile, 'utf8')) as { jobId: number }).jobId;
}

// The compiled API, as the CLI runs it.
export const slurmApi = (await import(resolve(PROJECT_ROOT, 'dist/orchestrator/sweep/slurm.js'))) as typeof import('../orchestrator/sweep/slurm.js');
