/**
 * `npm start` (hypersio demo-job): the default job, run for real into a temporary folder;
 * run again, it resumes (what its interrupt message promises), and --fresh starts over.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HYPERSIO_BIN, PROJECT_ROOT, runCli } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'hypersio-demo-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the default job', () => {
  it('sweeps synthetic and bundled-QEMU-log traces and ends with tables and charts', () => {
    const out = join(scratch, 'demo');
    const r = runCli(['demo-job', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Synthetic tenants/);
    expect(r.stdout).toMatch(/Real QEMU logs/);
    expect(r.stdout).toMatch(/demo-job: 80 configurations/);
    const synthetic = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n');
    const real = readFileSync(join(out, 'qemu-samples/results.jsonl'), 'utf8').trim().split('\n');
    expect(synthetic).toHaveLength(56);
    expect(real).toHaveLength(24);
    for (const line of [...synthetic, ...real]) expect(JSON.parse(line)).toMatchObject({ status: 'ok' });
    // Charts follow each sweep: 7 tenant counts on x; the samples (4 tenants each) have IOTLB sizes on x.
    for (const chart of ['link-utilization-vs-tenants.png', 'iotlb-hit-rate-vs-tenants.svg']) expect(existsSync(join(out, chart))).toBe(true);
    for (const chart of ['link-utilization-vs-iotlb-size.png', 'iotlb-hit-rate-vs-iotlb-size.svg']) expect(existsSync(join(out, 'qemu-samples', chart))).toBe(true);
  });

  it('run again, it resumes: nothing done runs again', () => {
    const out = join(scratch, 'demo');
    const r = runCli(['demo-job', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('demo-job: 80 of 80 configurations already done by an earlier run (resumed; --fresh starts over)');
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(56);
  });

  it('interrupted, it says to run the same command again, and that resumes', async () => {
    const out = join(scratch, 'interrupted');
    const results = join(out, 'results.jsonl');
    const interrupted = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [HYPERSIO_BIN, 'demo-job', '--out-dir', out, '--workers', '1'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // Once the first configuration is saved.
      const poll = setInterval(() => {
        if (existsSync(results) && readFileSync(results, 'utf8').length > 0) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 20);
      child.on('exit', (code) => {
        clearInterval(poll);
        resolve({ code, stderr });
      });
    });
    expect(interrupted.code, interrupted.stderr).toBe(130);
    const saved = Number(/(\d+) of 56 configurations are saved in .*; run the same command again to resume/.exec(interrupted.stderr)?.[1]);
    expect(saved).toBeGreaterThan(0);
    const again = runCli(['demo-job', '--out-dir', out]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain(`demo-job: ${saved} of 80 configurations already done by an earlier run (resumed`);
    const fresh = runCli(['demo-job', '--out-dir', out, '--fresh']);
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.stderr).not.toContain('already done');
  });
});
