/**
 * The Slurm tests leave nothing in the system's temporary directory: run without a cluster
 * (so skipped), they made an empty `hypersio-slurm-*` folder each (issue 22, item 23).
 * Runs them in a child vitest with TMPDIR pointing at a fresh folder, then looks in it.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'hypersio-tmpdir-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Slurm tests without a cluster', () => {
  it('leave no hypersio-slurm-* folders', async () => {
    const files = readdirSync(join(PROJECT_ROOT, 'test')).filter((f) => /^slurm-(?!temp-dirs).*\.test\.ts$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(6);
    const env = { ...process.env, TMPDIR: tmp, HYPERSIO_REQUIRE_SLURM: '', HYPERSIO_SLURM_DIR: '' };
    const run = await execa('npx', ['vitest', 'run', ...files.map((f) => `test/${f}`)], { cwd: PROJECT_ROOT, env, reject: false });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(readdirSync(tmp).filter((name) => name.startsWith('hypersio-slurm-'))).toEqual([]);
  }, 120_000);
});
