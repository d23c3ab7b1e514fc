/**
 * A sweep's output folder is locked while a sweep (or merge) writes it: a second sweep
 * into the same folder says who holds it and exits 2 without touching results.jsonl; a
 * lock whose heartbeat stopped (its process is gone) is taken over.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireFolderLock } from '../orchestrator/folder-lock.js';
import { hypersio, tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('lock');
afterAll(() => dir.cleanup());

const LOCK = '.hypersio.lock';
const HOLDER = '.hypersio.lock.json';

/** A lock as a live command on this host holds it: the lock directory (just refreshed) and its holder note. */
function holdLock(out: string, holder: Record<string, unknown>): void {
  mkdirSync(join(out, LOCK), { recursive: true });
  writeFileSync(join(out, HOLDER), JSON.stringify(holder));
}
const sweepArgs = (out: string) => ['sweep', '--trace', TRACE_3, '--iotlb-size', '8', '16', '32', '64', '--tq', '1', '8', '--workers', '1', '--out-dir', out, '--no-charts'];
const resultLines = (out: string) => readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n');

describe('sweep output folder lock', () => {
  it('a folder held by a live process: exit 2, one line naming the holder, nothing written', async () => {
    const out = join(dir.path, 'held');
    const first = await hypersio(sweepArgs(out));
    expect(first.exitCode, first.stderr).toBe(0);
    const before = readFileSync(join(out, 'results.jsonl'));
    // This test's own process holds it (alive, on this host).
    holdLock(out, { pid: process.pid, host: hostname(), command: 'sweep', started: '2026-01-01T00:00:00.000Z' });
    const second = await hypersio([...sweepArgs(out), '--retry-failed']);
    expect(second.exitCode).toBe(2);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toMatch(new RegExp(`^hypersio: --out-dir ${out}: in use by sweep \\(pid ${process.pid} on ${hostname()}, since 2026-01-01T00:00:00.000Z\\)`));
    expect(readFileSync(join(out, 'results.jsonl'))).toEqual(before);
    expect(existsSync(join(out, LOCK))).toBe(true); // not ours to remove
  });

  it('a stale lock (no heartbeat for longer than the stale time) is taken over, and released at the end', async () => {
    const out = join(dir.path, 'stale');
    mkdirSync(out, { recursive: true });
    holdLock(out, { pid: 1, host: hostname(), command: 'sweep', started: 'then' });
    const anHourAgo = Date.now() / 1000 - 3600;
    utimesSync(join(out, LOCK), anHourAgo, anHourAgo);
    const run = await hypersio(sweepArgs(out));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(resultLines(out)).toHaveLength(8);
    expect(existsSync(join(out, LOCK))).toBe(false);
    expect(existsSync(join(out, HOLDER))).toBe(false);
  });

  it('two identical sweeps started together: one runs, the other exits 2; no configuration twice', async () => {
    const out = join(dir.path, 'race');
    const [a, b] = await Promise.all([hypersio(sweepArgs(out)), hypersio(sweepArgs(out))]);
    const codes = [a.exitCode, b.exitCode].sort();
    // Either one was refused, or the second started after the first had finished (all skipped).
    if (codes[1] === 2) {
      expect(codes).toEqual([0, 2]);
      expect([a, b].find((r) => r.exitCode === 2)!.stderr).toMatch(/in use by sweep \(pid \d+/);
    } else {
      expect(codes).toEqual([0, 0]);
    }
    const ids = resultLines(out).map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
    expect(existsSync(join(out, LOCK))).toBe(false);
  });

  it('a holder whose note comes a moment after its lock (a lost race) is still named', () => {
    const out = join(dir.path, 'late-note');
    mkdirSync(join(out, LOCK), { recursive: true });
    const holder = JSON.stringify({ pid: process.pid, host: hostname(), command: 'sweep', started: 'now' });
    // Another process writes the note 100 ms after the lock, while this one is already refused.
    const writer = spawn('sh', ['-c', 'sleep 0.1; printf "%s" "$1" > "$2"', 'sh', holder, join(out, HOLDER)]);
    expect(() => acquireFolderLock(out, 'sweep', '--out-dir')).toThrow(/in use by sweep \(pid \d+/);
    writer.kill();
  });

  it('merge locks its output folder too', async () => {
    const out = join(dir.path, 'held');
    const target = join(dir.path, 'merged');
    mkdirSync(target, { recursive: true });
    holdLock(target, { pid: process.pid, host: hostname(), command: 'sweep', started: 'now' });
    const run = await hypersio(['merge', out, '--out-dir', target, '--no-charts']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^hypersio: --out-dir .*merged: in use by sweep/);
    expect(existsSync(join(target, 'results.jsonl'))).toBe(false);
  });
});
