/**
 * Issue 22 item 4: traces with the same file name in different folders get different
 * labels (the shortest end of their folder paths that tells them apart) in tables, and
 * are different series in charts.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio, sweepApi, tempDir, TRACE_3, TRACE_8 } from './sweep-helpers.js';

const dir = tempDir('trace-labels');
afterAll(() => dir.cleanup());

describe('traces that share a file name', () => {
  it('the shortest distinguishing folder path', () => {
    const labels = sweepApi.distinguishingFolders(['/d/a/x/T', '/d/b/x/T', '/e/c/U', '/f/x/V', '/g/x/V']);
    expect([...labels]).toEqual([
      ['/d/a/x/T', 'a/x'],
      ['/d/b/x/T', 'b/x'],
      ['/e/c/U', ''],
      ['/f/x/V', 'f/x'],
      ['/g/x/V', 'g/x'],
    ]);
  });

  it('differ in the summary table and make two series in the charts', async () => {
    const name = 'w_tnt_64_rr3_iotlb_trace.bin';
    const traces = ['run1', 'run2'].map((folder, i) => {
      mkdirSync(join(dir.path, folder));
      copyFileSync(i === 0 ? TRACE_3 : TRACE_8, join(dir.path, folder, name));
      return join(dir.path, folder, name);
    });
    const out = join(dir.path, 'out');
    const swept = await hypersio(['sweep', '--trace', ...traces, '--iotlb-size', '8', '16', '--out-dir', out]);
    expect(swept.exitCode, swept.stderr).toBe(0);
    expect(swept.stdout).toMatch(/^run1\/64 tnt +IOTLB 8/m);
    expect(swept.stdout).toMatch(/^configuration +run1\/64 tnt +run2\/64 tnt$/m);
    const records = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as import('../orchestrator/sweep/results.js').SweepRecord);
    const layout = sweepApi.chartLayout(records)!;
    expect(layout.x.key).toBe('iotlbSize');
    expect(layout.seriesKeys).toEqual(['workload']);
    expect(new Set(layout.records.map((r) => r.workload))).toEqual(new Set(['run1/w_rr3', 'run2/w_rr3']));
  });
});
