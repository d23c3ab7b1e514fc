/**
 * Plugin variants are cached in build/models/ by a hash of their sources: a second run
 * compiles nothing, concurrent compiles of one new variant leave one valid file, and a
 * changed plugin file is a new configuration (a sweep resumed after the change runs it).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseConfig } from '../orchestrator/config.js';
import { compileVariant } from '../orchestrator/plugins/compile.js';
import { pluginFileValue } from '../orchestrator/plugins/resolve.js';
import { jobId } from '../orchestrator/sweep/spec.js';
import { PROJECT_ROOT } from './helpers.js';
import { hypersio, tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('plugin-cache');
afterAll(() => dir.cleanup());
const LRU_SOURCE = readFileSync(resolve(PROJECT_ROOT, 'examples/lru.ts'), 'utf8');

/** examples/lru.ts with a comment making it a new variant (never compiled before). */
function freshLru(name: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, `${LRU_SOURCE}// ${name} ${process.pid} ${Date.now()} ${Math.random()}\n`);
  return path;
}

describe('plugin variants', () => {
  it('are compiled once, then found in build/models/', async () => {
    const plugins = { iotlbPolicy: pluginFileValue(freshLru('once.ts'), 'test') };
    const logged: string[] = [];
    const first = await compileVariant(plugins, (line) => logged.push(line));
    expect(logged).toHaveLength(1);
    expect(first.startsWith(resolve(PROJECT_ROOT, 'build/models'))).toBe(true);
    const written = statSync(first).mtimeMs;
    const second = await compileVariant(plugins, (line) => logged.push(line));
    expect(second).toBe(first);
    expect(logged).toHaveLength(1);
    expect(statSync(second).mtimeMs).toBe(written);
  }, 120_000);

  it('compiled by two processes at once leave one valid file and no temporary', async () => {
    const path = freshLru('concurrent.ts');
    const runs = await Promise.all([1, 2].map(() => hypersio(['run', '--trace', TRACE_3, '--iotlb-policy', path, '--json'])));
    for (const r of runs) expect(r.exitCode, r.stderr).toBe(0);
    expect(runs[0]!.stdout).toBe(runs[1]!.stdout);
    const variant = await compileVariant({ iotlbPolicy: pluginFileValue(path, 'test') });
    expect(() => new WebAssembly.Module(readFileSync(variant))).not.toThrow();
    expect(readdirSync(resolve(PROJECT_ROOT, 'build/models')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 120_000);

  it('a changed plugin file is a new configuration, which a resumed sweep runs', async () => {
    const path = freshLru('changing.ts');
    const before = pluginFileValue(path, 'test');
    const out = join(dir.path, 'sweep');
    const sweep = () => hypersio(['sweep', '--trace', TRACE_3, '--iotlb-policy', path, '--out-dir', out, '--workers', '1']);
    expect((await sweep()).exitCode).toBe(0);
    const again = await sweep();
    expect(again.stderr).toContain('1 of 1 configurations already in');
    expect(again.stderr).not.toContain('compiling');
    writeFileSync(path, `${readFileSync(path, 'utf8')}// changed\n`);
    const after = pluginFileValue(path, 'test');
    expect(after).not.toBe(before);
    expect(jobId(TRACE_3, { ...baseConfig(), iotlbPolicy: after }, 'same trace')).not.toBe(jobId(TRACE_3, { ...baseConfig(), iotlbPolicy: before }, 'same trace'));
    const changed = await sweep();
    expect(changed.exitCode, changed.stderr).toBe(0);
    const records = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { iotlbPolicy: string });
    expect(records.map((r) => r.iotlbPolicy)).toEqual([before, after]);
  }, 180_000);
});
