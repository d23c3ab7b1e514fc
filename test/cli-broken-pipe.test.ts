/**
 * A reader that goes away (`hypersio merge A | head -1`, `sweep … | head`): the CLI ends
 * quietly (nothing on stderr) with 141, the status of a process ended by SIGPIPE, and a
 * sweep's results are complete and its folder unlocked.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hypersio, HYPERSIO_BIN, PROJECT_ROOT, tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('epipe');
afterAll(() => dir.cleanup());
const sweepOut = join(dir.path, 'sweep');
const sweepArgs = ['sweep', '--trace', TRACE_3, '--iotlb-size', '8', '16', '--tq', '1', '8', '--workers', '1', '--out-dir', sweepOut, '--no-charts'];

beforeAll(async () => {
  const run = await hypersio(sweepArgs);
  expect(run.exitCode, run.stderr).toBe(0);
});

/** Runs the CLI with its stdout read by nobody (the read end closed at once). */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HYPERSIO_BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('broken pipes', () => {
  it('merge into a closed pipe: exit 141, nothing on stderr', async () => {
    const r = await withClosedStdout(['merge', sweepOut, '--out-dir', join(dir.path, 'merged'), '--no-charts']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(141);
  });

  it('sweep into a closed pipe: exit 141, results kept, lock released', async () => {
    const r = await withClosedStdout([...sweepArgs, '--retry-failed']);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.code).toBe(141);
    expect(readFileSync(join(sweepOut, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
    expect(existsSync(join(sweepOut, '.hypersio.lock'))).toBe(false);
  });

  it('trace-info --json | head -1 in a shell: quiet, the pipeline succeeds', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${HYPERSIO_BIN}" trace-info --all --json "${TRACE_3}" | head -1; echo "status \${PIPESTATUS[0]}" >&2`], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(r.stdout).toBe('{\n');
    expect(r.stderr).toMatch(/^status (0|141)\n$/);
  });
});
