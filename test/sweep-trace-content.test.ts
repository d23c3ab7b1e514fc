/**
 * Issue 22 item 2: a configuration's identity includes its trace's content. A trace
 * regenerated at the same path runs again, with a line saying so, even when its size and
 * modification time are those of the old one; an unchanged trace still resumes; plot says
 * when the trace on disk is not the one its results came from.
 */
import { copyFileSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TRACE_FIELD } from '../core/trace-format.js';
import { hypersio, tempDir, TRACE_3, TRACE_8 } from './sweep-helpers.js';

const dir = tempDir('trace-content');
afterAll(() => dir.cleanup());

const records = (out: string) =>
  readFileSync(join(out, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string; translations: number; traceFingerprint: string });

describe('a trace that changed in place', () => {
  const trace = join(dir.path, 'w_tnt_8_rr3_iotlb_trace.bin');
  const out = join(dir.path, 'sweep');
  const sweep = () => hypersio(['sweep', '--trace', trace, '--iotlb-size', '8', '16', '--out-dir', out, '--no-charts']);

  it('runs again with a line saying so, and its results are the new trace\'s', async () => {
    copyFileSync(TRACE_3, trace);
    const first = await sweep();
    expect(first.exitCode, first.stderr).toBe(0);
    const old = records(out);
    expect(old.every((r) => r.translations === statSync(TRACE_3).size / 48)).toBe(true);

    const unchanged = await sweep();
    expect(unchanged.stderr).toContain('sweep: 2 of 2 configurations already in');

    copyFileSync(TRACE_8, trace); // "regenerated" with more packets
    const again = await sweep();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain(`sweep: ${trace} changed since 2 result(s) of it were saved (its content differs); its configurations run again`);
    expect(again.stderr).not.toContain('already in');
    const latest = records(out).slice(2);
    expect(latest.map((r) => r.translations)).toEqual([statSync(TRACE_8).size / 48, statSync(TRACE_8).size / 48]);
    expect(latest.map((r) => r.id)).not.toEqual(old.map((r) => r.id));
    // The table and the charts show the new trace's results only.
    expect(again.stdout).toMatch(/^2 configurations: 2 ok, 0 failed$/m);
  });

  it('is detected by content: same size, same modification time, one byte differs', async () => {
    const before = statSync(trace);
    const bytes = readFileSync(trace);
    bytes[TRACE_FIELD.slpte + 4] = bytes[TRACE_FIELD.slpte + 4]! ^ 0x10;
    writeFileSync(trace, bytes);
    utimesSync(trace, before.atimeMs / 1000, before.mtimeMs / 1000);
    expect(statSync(trace).size).toBe(before.size);
    expect(Math.abs(statSync(trace).mtimeMs - before.mtimeMs)).toBeLessThan(1); // utimes keeps microseconds
    const again = await sweep();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain('changed since 4 result(s) of it were saved'); // those of both earlier contents
  });

  it('plot draws the current content\'s results and says when the trace changed since', async () => {
    const charts = await hypersio(['plot', out]);
    expect(charts.exitCode, charts.stderr).toBe(0);
    expect(charts.stderr).toBe('');
    copyFileSync(TRACE_3, trace);
    const stale = await hypersio(['plot', out]);
    expect(stale.exitCode, stale.stderr).toBe(0);
    expect(stale.stderr).toContain(`plot: ${trace} changed since these results were computed (its content differs)`);
  });
});
