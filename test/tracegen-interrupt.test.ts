/**
 * Ctrl-C (SIGINT) or SIGTERM of `synth` and `trace-gen` leaves no temporaries, no partial
 * outputs and no output folder it created: exit 130 / 143 with one line saying so.
 * The write stops at the next block after the signal, so whatever the moment, the folder
 * holds the complete outputs (a run that finished first) or nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HYPERSIO_BIN, PROJECT_ROOT } from './helpers.js';
import { goldenLogs, removeDir, tempDir } from './tracegen-helpers.js';

const dir = tempDir('interrupt');
afterAll(() => removeDir(dir));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Starts the CLI; sends `signal` once `ready()` holds (polled), or after `delayMs`. */
function interrupt(args: string[], signal: 'SIGINT' | 'SIGTERM', when: { ready?: () => boolean; delayMs?: number }): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HYPERSIO_BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const started = Date.now();
    const poll = setInterval(() => {
      if (when.ready ? when.ready() : Date.now() - started >= (when.delayMs ?? 0)) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 5);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      resolve({ code, signal: sig, stderr });
    });
  });
}

const temporaries = (folder: string) => (existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.tmp')) : []);

describe('interrupting trace writers', () => {
  it('synth: Ctrl-C while it writes a large trace leaves nothing (exit 130)', async () => {
    const out = join(dir, 'synth');
    const ended = await interrupt(['synth', '--tenants', '12000', '--packets', '60', '--out-dir', out], 'SIGINT', { ready: () => existsSync(out) });
    expect(ended.code, ended.stderr).toBe(130);
    expect(ended.stderr).toMatch(/^hypersio: interrupted by SIGINT; nothing was written\n$/);
    expect(temporaries(out)).toEqual([]);
    expect(existsSync(out)).toBe(false); // the folder it created is gone too
  });

  it('synth: SIGTERM into an existing folder keeps the folder and what was there (exit 143)', async () => {
    const out = join(dir, 'synth-existing');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const ended = await interrupt(['synth', '--tenants', '12000', '--packets', '60', '--out-dir', out], 'SIGTERM', { ready: () => readdirSync(out).length > 1 });
    expect(ended.code, ended.stderr).toBe(143);
    expect(readdirSync(out)).toEqual(['keep.txt']);
  });

  it('trace-gen: Ctrl-C at any moment leaves the complete trace or nothing', async () => {
    const args = (out: string) => ['trace-gen', '--log-dir', goldenLogs, '--log-prefix', 'hypersio_col_vm_24_log', '--tenants', '40', '--order', 'rand', '--burst', '1', '--test', 'col', '--out-dir', out];
    // Moments spread over a whole run as long as this machine takes for one (fixed delays
    // all land after the end on a fast machine, or all before the start on a slow one).
    const baseline = Date.now();
    const full = await interrupt(args(join(dir, 'trace-gen-baseline')), 'SIGINT', { delayMs: 60_000 });
    expect(full.code, full.stderr).toBe(0);
    const runMs = Date.now() - baseline;
    let interrupted = 0;
    for (const delayMs of [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((f) => Math.round(f * runMs))) {
      const out = join(dir, `trace-gen-${delayMs}`);
      const ended = await interrupt(args(out), 'SIGINT', { delayMs });
      expect(temporaries(out), `at ${delayMs} ms`).toEqual([]);
      const kept = ended.stderr.includes('the new output was complete and is kept');
      if (ended.code === 130 && !kept) {
        interrupted++;
        // (Before trace-gen has begun, the CLI's own handler says only "interrupted".)
        expect(ended.stderr).toMatch(/^hypersio: interrupted by SIGINT(; nothing was written)?\n$/);
        // Nothing, or (a signal while the summary was printed, after the write) the complete trace.
        if (existsSync(out)) expect(readdirSync(out), `at ${delayMs} ms`).toHaveLength(3);
      } else if (ended.code === 0 || kept) {
        // Finished first, or the signal came once the new files were complete (exit 130, kept).
        if (kept) expect(ended.code).toBe(130);
        const files = readdirSync(out);
        expect(files).toHaveLength(3);
        for (const f of files) expect(f).toMatch(/^col_tnt_\d+_rand3_(cc_data|iotlb_trace|slpt_data)\.bin$/);
      } else {
        // Signalled before the CLI had started listening: nothing was begun.
        expect(ended.signal, ended.stderr).toBe('SIGINT');
        expect(existsSync(out)).toBe(false);
      }
    }
    expect(interrupted).toBeGreaterThan(0);
  });
});
