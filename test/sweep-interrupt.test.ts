/**
 * Ctrl-C (SIGINT) or SIGTERM of a sweep: exit 130 / 143 with one line saying how many
 * configurations are saved and that running the same command again resumes; every line
 * of results.jsonl is whole, the folder lock is released, and the re-run finishes the rest.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hypersio, HYPERSIO_BIN, PROJECT_ROOT, tempDir } from './sweep-helpers.js';

const dir = tempDir('interrupt');
afterAll(() => dir.cleanup());
const trace = join(dir.path, 'traces', 'synth_tnt_256_rr3_iotlb_trace.bin');

beforeAll(async () => {
  const made = await hypersio(['synth', '--tenants', '256', '--packets', '200', '--out-dir', join(dir.path, 'traces')]);
  expect(made.exitCode, made.stderr).toBe(0);
});

const lines = (out: string) => (existsSync(join(out, 'results.jsonl')) ? readFileSync(join(out, 'results.jsonl'), 'utf8') : '');

function sweepUntil(args: string[], out: string, signal: 'SIGINT' | 'SIGTERM'): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HYPERSIO_BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const poll = setInterval(() => {
      if (lines(out).split('\n').length > 2) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 10);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stderr });
    });
  });
}

describe('interrupting a sweep', () => {
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: exit ${status}, says re-running resumes, keeps whole lines; the re-run finishes`, async () => {
      const out = join(dir.path, signal);
      const args = ['sweep', '--trace', trace, '--iotlb-size', '8', '16', '32', '64', '128', '256', '--tq', '1', '2', '4', '8', '--workers', '1', '--out-dir', out, '--no-charts'];
      const ended = await sweepUntil(args, out, signal);
      expect(ended.code, ended.stderr).toBe(status);
      const last = ended.stderr.trim().split('\n').at(-1);
      expect(last).toMatch(new RegExp(`^hypersio: interrupted by ${signal}; (\\d+) of 24 configurations are saved in .*results\\.jsonl; run the same command again to resume$`));
      const saved = Number(/; (\d+) of 24/.exec(last!)![1]);
      const text = lines(out);
      expect(text.endsWith('\n')).toBe(true);
      const records = text.trim().split('\n').map((line) => JSON.parse(line) as { status: string });
      expect(records).toHaveLength(saved);
      expect(saved).toBeLessThan(24);
      expect(records.every((r) => r.status === 'ok')).toBe(true); // cancelled ones are not failures
      expect(existsSync(join(out, '.hypersio.lock'))).toBe(false);

      const again = await hypersio(args);
      expect(again.exitCode, again.stderr).toBe(0);
      expect(again.stderr).toContain(`sweep: ${saved} of 24 configurations already in`);
      expect(lines(out).trim().split('\n')).toHaveLength(24);
    });
  }
});
