/**
 * SIGINT / SIGTERM of a command without a cleanup of its own (`run` here, on a trace
 * long enough to be caught mid-simulation): one line, exit 130 / 143, nothing on stdout.
 * (sweep, synth, trace-gen and pipeline have their own tests.)
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hypersio, HYPERSIO_BIN, PROJECT_ROOT, tempDir } from './sweep-helpers.js';

const dir = tempDir('signals');
afterAll(() => dir.cleanup());
const trace = join(dir.path, 'synth_tnt_1024_rr3');

beforeAll(async () => {
  expect((await hypersio(['synth', '--tenants', '1024', '--packets', '1500', '--out-dir', dir.path])).exitCode).toBe(0);
});

function signalAfterStart(args: string[], signal: 'SIGINT' | 'SIGTERM'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HYPERSIO_BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Started once it has loaded: give it the time to be well into the simulation.
    setTimeout(() => child.kill(signal), 700);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('signals during run', () => {
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: exit ${status}, one line`, async () => {
      const ended = await signalAfterStart(['run', '--trace', trace, '--tq', '32'], signal);
      expect(ended.code, ended.stderr).toBe(status);
      expect(ended.stderr).toBe(`hypersio: interrupted by ${signal}\n`);
      expect(ended.stdout).toBe('');
    });
  }
});
