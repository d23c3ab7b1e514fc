/**
 * Issue 22 item 1: Ctrl-C of `synth` or `trace-gen` over an existing trace stops at the
 * next block (it does not run to the end first) and leaves the earlier files exactly as
 * they were: the new files are written to temporaries and renamed only once complete.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HYPERSIO_BIN, PROJECT_ROOT, runCli } from './helpers.js';
import { goldenLogs, removeDir, tempDir } from './tracegen-helpers.js';

const dir = tempDir('keep-earlier');
afterAll(() => removeDir(dir));

const snapshot = (folder: string) => new Map(readdirSync(folder).map((f) => [f, readFileSync(join(folder, f))]));
const temporaries = (folder: string) => readdirSync(folder).filter((f) => f.endsWith('.tmp'));

/** Runs the CLI and sends SIGINT once a temporary of the trace holds at least `bytes` bytes; resolves with the exit code and how big it had got. */
function interruptMidWrite(args: string[], folder: string, bytes: number): Promise<{ code: number | null; stderr: string; tempBytes: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HYPERSIO_BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let tempBytes = 0;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const poll = setInterval(() => {
      const temp = readdirSync(folder).find((f) => f.includes('_iotlb_trace.bin.') && f.endsWith('.tmp'));
      const size = temp === undefined ? 0 : (() => { try { return statSync(join(folder, temp)).size; } catch { return 0; } })();
      if (size >= bytes) {
        clearInterval(poll);
        tempBytes = size;
        child.kill('SIGINT');
      }
    }, 2);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stderr, tempBytes });
    });
  });
}

describe('interrupting a trace writer keeps the earlier trace', () => {
  it('synth: SIGINT mid-write stops at once and the earlier files are unchanged, byte for byte', async () => {
    const out = join(dir, 'synth');
    expect(runCli(['synth', '--tenants', '64', '--packets', '100', '--out-dir', out]).status).toBe(0);
    const before = snapshot(out);
    // 64 × 40000 × 3 records of 48 bytes: 369 MB when complete; interrupted after 3 MB.
    const ended = await interruptMidWrite(['synth', '--tenants', '64', '--packets', '40000', '--out-dir', out], out, 3 << 20);
    expect(ended.code, ended.stderr).toBe(130);
    expect(ended.stderr).toBe(`hypersio: interrupted by SIGINT; nothing was written; the files already in ${out} are as they were\n`);
    expect(temporaries(out)).toEqual([]);
    expect(snapshot(out)).toEqual(before);
  });

  it('trace-gen: SIGINT while it writes leaves the earlier files unchanged, byte for byte', async () => {
    const out = join(dir, 'trace-gen');
    const args = ['trace-gen', '--log-dir', goldenLogs, '--log-prefix', 'hypersio_col_vm_24_log', '--tenants', '40', '--order', 'rand', '--burst', '1', '--test', 'col', '--out-dir', out];
    expect(runCli(args).status).toBe(0);
    const before = snapshot(out);
    // The same command again, interrupted as soon as its trace temporary exists.
    const ended = await interruptMidWrite(args, out, 1);
    expect([0, 130], ended.stderr).toContain(ended.code);
    expect(temporaries(out)).toEqual([]);
    // Interrupted or finished, the folder holds the same three files, identical (the build is deterministic).
    expect(snapshot(out)).toEqual(before);
    if (ended.code === 130) expect(ended.stderr).toMatch(/^hypersio: interrupted by SIGINT; (nothing was written; the files already in .* are as they were|the new output was complete and is kept)\n$/);
    expect(existsSync(out)).toBe(true);
  });
});
