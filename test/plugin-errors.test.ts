/**
 * Errors a plugin's author can act on: a compile error is the compiler's file:line:col
 * message, one per line, exit 2, nothing written; a missing hook or a wrong signature is
 * named; a plugin that traps, or returns a way or set out of range, fails its
 * configuration with the plugin's name and the reason, and a sweep records it as failed
 * and goes on.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import { tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('plugin-errors');
afterAll(() => dir.cleanup());

const POLICY_HOOKS = {
  init: 'export function init(sets: i32, ways: i32): void {}',
  hit: 'export function hit(set: i32, way: i32): void {}',
  fill: 'export function fill(set: i32, way: i32, replaced: bool): void {}',
  victim: 'export function victim(set: i32): i32 { return 0; }',
};

/** A policy file from POLICY_HOOKS with some hooks replaced (undefined: left out). */
function policyFile(name: string, hooks: Partial<Record<keyof typeof POLICY_HOOKS, string | undefined>>): string {
  const path = join(dir.path, name);
  const all = { ...POLICY_HOOKS, ...hooks };
  writeFileSync(path, `${Object.values(all).filter((h) => h !== undefined).join('\n')}\n`);
  return path;
}

/** `run` with the flags; its stderr without the line saying it compiles a variant (the first time). */
function run(...flags: string[]) {
  const r = runCli(['run', '--trace', TRACE_3, ...flags]);
  return { ...r, stderr: r.stderr.replace(/^run: compiling a model variant .*\n/m, '') };
}

it('a plugin file that does not exist: one line naming the flag and the file', () => {
  const r = run('--iotlb-policy', join(dir.path, 'nowhere.ts'));
  expect(r.status).toBe(2);
  expect(r.stderr.trim()).toBe(`hypersio: --iotlb-policy: ${join(dir.path, 'nowhere.ts')}: no such plugin file`);
});

describe('a plugin that does not compile', () => {
  const bad = policyFile('syntax.ts', { init: 'export function init(sets: i32, ways: i32): void {\n  let x: i32 = undefinedThing;\n}', fill: 'export function fill(set: i32, way: i32, replaced: bool): void { foo(); }' });

  it('run: exit 2, one compiler message per line at file:line:col', () => {
    const r = run('--iotlb-policy', bad);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      `hypersio: ${bad}: does not compile (2 errors)`,
      `${bad}:2:16: error TS2304: Cannot find name 'undefinedThing'.`,
      `${bad}:5:66: error TS2304: Cannot find name 'foo'.`,
    ]);
  });

  it('sweep: exit 2 before anything is written', () => {
    const out = join(dir.path, 'sweep-out');
    const r = runCli(['sweep', '--trace', TRACE_3, '--iotlb-policy', 'lru', bad, '--out-dir', out]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${bad}:2:16: error TS2304`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('a plugin that does not implement the interface', () => {
  it('names the missing hook', () => {
    const r = run('--iotlb-policy', policyFile('missing.ts', { victim: undefined }));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("hook 'victim' is missing: expected export function victim(set: i32): i32");
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
  });

  it('names the hook with the wrong signature', () => {
    const r = run('--iotlb-policy', policyFile('signature.ts', { fill: 'export function fill(set: i32, way: i32): void {}' }));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("hook 'fill' has the wrong signature: expected export function fill(set: i32, way: i32, replaced: bool): void");
  });

  it('checks a set-index plugin too', () => {
    const path = join(dir.path, 'index-signature.ts');
    writeFileSync(path, 'export function setIndex(cache: i32, did: u32): i32 { return 0; }\n');
    const r = run('--set-index', path);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("hook 'setIndex' has the wrong signature");
  });
});

describe('a plugin that fails at run time', () => {
  it('a trap (unreachable) fails the run with the plugin and the trap', () => {
    const path = policyFile('unreachable.ts', { hit: 'export function hit(set: i32, way: i32): void { unreachable(); }' });
    const r = run('--iotlb-policy', path);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`hypersio: plugin ${path} (IOTLB replacement policy): trapped: unreachable`);
  });

  it('an out-of-bounds memory access fails the run with the plugin and the trap', () => {
    const path = policyFile('bounds.ts', { hit: 'export function hit(set: i32, way: i32): void { store<u64>(0xfffffff0, 1); }' });
    const r = run('--iotlb-policy', path);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`hypersio: plugin ${path} (IOTLB replacement policy): trapped: memory access out of bounds`);
  });

  it('a victim way out of range is caught where it is used', () => {
    const path = policyFile('victim-range.ts', { victim: 'export function victim(set: i32): i32 { return 8; }' });
    const r = run('--iotlb-policy', path);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(new RegExp(`^hypersio: plugin ${path} \\(IOTLB replacement policy\\): victim\\(\\d+\\) returned way 8, outside 0\\.\\.7$`));
  });

  it('a set out of range is caught where it is used', () => {
    const path = join(dir.path, 'set-range.ts');
    writeFileSync(path, 'export function setIndex(cache: i32, sets: i32, did: u32, sid: u32, iova: u64): i32 { return sets; }\n');
    const r = run('--set-index', path);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(new RegExp(`^hypersio: plugin ${path} \\(set index\\): setIndex\\(cache \\d\\) returned set (\\d+), outside 0\\.\\.\\d+$`));
  });

  it('a sweep records the failing configurations and runs the others', () => {
    // (The same content as the run's: the same cached variant.)
    const path = policyFile('unreachable-sweep.ts', { hit: 'export function hit(set: i32, way: i32): void { unreachable(); }' });
    const out = join(dir.path, 'trap-sweep');
    const r = runCli(['sweep', '--trace', TRACE_3, '--iotlb-policy', 'lru', path, '--iotlb-size', '16', '64', '--out-dir', out, '--workers', '1']);
    expect(r.stdout).toContain('4 configurations: 2 ok, 2 failed');
    const records = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string; error?: string; iotlbPolicy: string });
    expect(records.filter((x) => x.status === 'ok').map((x) => x.iotlbPolicy)).toEqual(['lru', 'lru']);
    for (const failed of records.filter((x) => x.status === 'failed')) expect(failed.error).toBe(`plugin ${path} (IOTLB replacement policy): trapped: unreachable`);
  });
});
