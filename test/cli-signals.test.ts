/**
 * SIGINT / SIGTERM of `run`, `trace-info`, `plot` and `merge` (on inputs long enough to be
 * caught mid-work): one line, exit 130 / 143, nothing on stdout, no output left (plot
 * writes no chart, merge leaves no folder). (sweep, synth, trace-gen and pipeline have
 * their own tests.)
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hypersio, HYPERSIO_BIN, PROJECT_ROOT, tempDir, TRACE_3, TRACE_8 } from './sweep-helpers.js';

const dir = tempDir('signals');
afterAll(() => dir.cleanup());
const trace = join(dir.path, 'synth_tnt_1024_rr3');
const sweepDir = join(dir.path, 'sweep');

beforeAll(async () => {
  expect((await hypersio(['synth', '--tenants', '1024', '--packets', '1500', '--out-dir', dir.path])).exitCode).toBe(0);
  // 48 configurations: four charts of 12 series, about a second to draw.
  const sweep = await hypersio(['sweep', '--trace', TRACE_3, TRACE_8, '--iotlb-size', '8', '16', '32', '64', '128', '256', '--tq', '1', '2', '4', '8', '--out-dir', sweepDir, '--no-charts']);
  expect(sweep.exitCode, sweep.stderr).toBe(0);
});

/** Whether process `pid` is well into its work: `ready` reads its /proc entries (false once it is gone). */
type Ready = (pid: number) => boolean;

const afterMs =
  (ms: number, started = Date.now()): Ready =>
  () =>
    Date.now() - started >= ms;

/** Has the file open (a trace being read), or holds more than `mib` MiB (a trace read whole). */
const readingOrHolding =
  (path: string, mib: number): Ready =>
  (pid) => {
    try {
      if (readdirSync(`/proc/${pid}/fd`).some((fd) => safeReadlink(`/proc/${pid}/fd/${fd}`) === path)) return true;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return Number(rss?.[1] ?? 0) > mib * 1024;
    } catch {
      return false;
    }
  };

/** Has loaded the PNG renderer (plot.js): drawing charts. */
const drawing: Ready = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/maps`, 'utf8').includes('resvg');
  } catch {
    return false;
  }
};

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

function signalAfterStart(args: string[], signal: 'SIGINT' | 'SIGTERM', ready: Ready = afterMs(700)): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HYPERSIO_BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Signalled once it is well into its work (not while Node is still starting).
    const poll = setInterval(() => {
      if (child.pid !== undefined && ready(child.pid)) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 10);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
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

describe('signals during trace-info, plot and merge', () => {
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`trace-info, ${signal}: exit ${status}, one line, no report`, async () => {
      const ended = await signalAfterStart(['trace-info', trace], signal, readingOrHolding(`${trace}_iotlb_trace.bin`, 150));
      expect(ended.code, ended.stderr).toBe(status);
      expect(ended.stderr).toBe(`hypersio: interrupted by ${signal}\n`);
      expect(ended.stdout).toBe('');
    });

    it(`plot, ${signal}: exit ${status}, no chart written`, async () => {
      const out = join(dir.path, `plot-${signal}`);
      const ended = await signalAfterStart(['plot', sweepDir, '--out-dir', out], signal, drawing);
      expect(ended.code, ended.stderr).toBe(status);
      expect(ended.stderr).toMatch(new RegExp(`^hypersio: interrupted by ${signal}(; no chart was written)?\n$`));
      expect(ended.stdout).toBe('');
      expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    });

    it(`merge, ${signal}: exit ${status}, no output folder left`, async () => {
      const out = join(dir.path, `merge-${signal}`);
      const ended = await signalAfterStart(['merge', sweepDir, '--out-dir', out], signal, drawing);
      expect(ended.code, ended.stderr).toBe(status);
      expect(ended.stderr).toMatch(new RegExp(`^hypersio: interrupted by ${signal}(; .*merge-${signal} was removed)?\n$`));
      expect(existsSync(out)).toBe(false);
    });
  }
});
