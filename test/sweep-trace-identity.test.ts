/**
 * A sweep's trace identity is the trace's real path, not its spelling: the same trace
 * given relative, absolute, through a symlink or by its prefix is one trace, so resume
 * skips it and merge shows one column.
 */
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio, tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('identity');
afterAll(() => dir.cleanup());

describe('trace identity', () => {
  it('relative, absolute, symlinked and prefix spellings of one trace are one trace', async () => {
    const out = join(dir.path, 'sweep');
    const args = (trace: string, cwd: string) => hypersio(['sweep', '--trace', trace, '--iotlb-size', '8', '16', '--out-dir', out, '--no-charts'], { cwd });
    const first = await args(relative(dir.path, TRACE_3), dir.path);
    expect(first.exitCode, first.stderr).toBe(0);
    const links = join(dir.path, 'links');
    mkdirSync(links);
    symlinkSync(TRACE_3, join(links, 'renamed_iotlb_trace.bin'));
    for (const [trace, cwd] of [[TRACE_3, '/'], [join(links, 'renamed_iotlb_trace.bin'), '/'], [TRACE_3.replace(/_iotlb_trace\.bin$/, ''), '/']] as const) {
      const again = await args(trace, cwd);
      expect(again.exitCode, again.stderr).toBe(0);
      expect(again.stderr, trace).toContain('sweep: 2 of 2 configurations already in');
    }
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('merge of two sweeps that spelled the trace differently: one column, no duplicates', async () => {
    const a = join(dir.path, 'a');
    const b = join(dir.path, 'b');
    expect((await hypersio(['sweep', '--trace', relative(dir.path, TRACE_3), '--iotlb-size', '8', '--out-dir', a, '--no-charts'], { cwd: dir.path })).exitCode).toBe(0);
    expect((await hypersio(['sweep', '--trace', TRACE_3, '--iotlb-size', '8', '--out-dir', b, '--no-charts'])).exitCode).toBe(0);
    const merged = await hypersio(['merge', a, b, '--out-dir', join(dir.path, 'merged'), '--no-charts']);
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(readFileSync(join(dir.path, 'merged', 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(merged.stdout).toMatch(/^1 configurations: 1 ok, 0 failed$/m);
  });
});
