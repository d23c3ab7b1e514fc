/**
 * `pipeline` interrupted (no QEMU needed: the bundled logs stand in for the collect
 * stage): Ctrl-C while it builds traces or sweeps exits 130 with one line, leaves no
 * temporaries and no lock, and running it again finishes the job.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HYPERSIO_BIN, PROJECT_ROOT, runCli } from './helpers.js';
import { tempDir } from './sweep-helpers.js';

const dir = tempDir('pipeline-interrupted');
afterAll(() => dir.cleanup());

const LOG = 'hypersio_http_vm_8_log_0.txt.gz'; // the bundled sample: nested mode, 8 NICs, 1 MiB each
const args = (out: string) => ['pipeline', '--nics', '8', '--mode', 'nested', '--runs', '1', '--workload', 'http', '--mb', '1', '--tenants', '1', '2', '3', '4', '--tq', '1', '2', '4', '8', '16', '--workers', '1', '--out-dir', out];

function withLogs(name: string): string {
  const out = join(dir.path, name);
  mkdirSync(join(out, 'logs'), { recursive: true });
  for (const file of [LOG, `${LOG}.json`]) copyFileSync(join(PROJECT_ROOT, 'samples/qemu', file), join(out, 'logs', file));
  return out;
}

function interruptWhen(out: string, ready: () => boolean): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HYPERSIO_BIN, ...args(out)], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const poll = setInterval(() => {
      if (ready()) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 5);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stderr });
    });
  });
}

const leftovers = (out: string) => readdirSync(out, { recursive: true }).map(String).filter((f) => f.endsWith('.tmp') || f.endsWith('.hypersio.lock'));

describe('pipeline interrupted', () => {
  for (const [stage, ready] of [
    ['while it builds traces', (out: string) => existsSync(join(out, 'traces')) && readdirSync(join(out, 'traces')).length > 0],
    ['while it sweeps', (out: string) => existsSync(join(out, 'results', 'results.jsonl'))],
  ] as const) {
    it(`Ctrl-C ${stage}: exit 130, one line, nothing temporary; a re-run finishes`, async () => {
      const out = withLogs(stage.replace(/\W+/g, '-'));
      const ended = await interruptWhen(out, () => ready(out));
      expect(ended.code, ended.stderr).toBe(130);
      expect(ended.stderr.trim().split('\n').at(-1)).toMatch(/^hypersio: (pipeline: )?interrupted by SIGINT; /);
      expect(leftovers(out)).toEqual([]);
      const again = runCli(args(out));
      expect(again.status, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/^pipeline: collect: skipped/m);
      expect(existsSync(join(out, 'results', 'link-utilization-vs-tq.png'))).toBe(true);
    });
  }
});
