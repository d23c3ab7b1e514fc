/**
 * Issue 22 item 10: traces of 2 GiB or more. `trace-info` streams (flat memory: it keeps
 * per-page state, never per-translation state), and its exact reuse distances survive the
 * renumbering that keeps them flat; `sweep` streams such traces from each worker instead
 * of sharing them (the 2 GiB limit is a parameter, so no test writes gigabytes).
 * Memory against trace size up to 8 GB: `npm run bench:big-traces`.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../tracegen/trace-info.js';
import { synthesizeTraceBuffers } from '../tracegen/synth.js';
import { hypersio, stable, sweepApi, tempDir, TRACE_8 } from './sweep-helpers.js';

const dir = tempDir('big-traces');
afterAll(() => dir.cleanup());

/** LRU stack distances the slow, obvious way: a recency list of page keys. */
function stackDistances(bytes: Buffer): Map<number, number> {
  const recency: string[] = [];
  const counts = new Map<number, number>();
  for (let o = 0; o < bytes.length; o += 48) {
    const key = `${bytes.readBigUInt64LE(o + 8) & bytes.readBigUInt64LE(o + 16)}:${bytes.readUInt16LE(o + 6)}`;
    const at = recency.lastIndexOf(key);
    if (at >= 0) {
      const d = recency.length - 1 - at;
      counts.set(d, (counts.get(d) ?? 0) + 1);
      recency.splice(at, 1);
    }
    recency.push(key);
  }
  return counts;
}

describe('traces of 2 GiB or more', () => {
  it('trace-info reads a 2 GiB trace in chunks (a sparse file: it reaches the record check, no buffer of its size)', async () => {
    const path = join(dir.path, 'sparse_iotlb_trace.bin');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 48 * Math.ceil(2 ** 31 / 48));
    closeSync(fd);
    const info = await hypersio(['trace-info', path]);
    expect(info.exitCode, info.stderr).toBe(2);
    expect(info.stderr).toMatch(new RegExp(`^hypersio: ${path}: record 0 has `));
  });

  it('streamed trace-info keeps exact reuse distances across its renumbering (300,000 translations, 64 Ki-use time line)', () => {
    const { trace } = synthesizeTraceBuffers({ tenants: 40, packets: 2500, order: 'rand', poolMin: 4, poolMax: 12, outDir: dir.path });
    const path = join(dir.path, 'many_iotlb_trace.bin');
    writeFileSync(path, trace);
    const info = analyzeTrace(path);
    expect(info.translations).toBe(300_000);
    const exact = stackDistances(readFileSync(path));
    const bucketOf = (d: number) => (d === 0 ? 0 : 32 - Math.clz32(d));
    const expected: number[] = [];
    for (const [d, count] of exact) expected[bucketOf(d)] = (expected[bucketOf(d)] ?? 0) + count;
    expect(info.reuseDistance.buckets.map((b) => b.count)).toEqual([...expected].map((c) => c ?? 0));
    expect(info.reuseDistance.cold + [...exact.values()].reduce((a, b) => a + b, 0)).toBe(300_000);
  });

  it('sweep streams a trace over the shared-memory limit from each worker, with the same results', async () => {
    const spec = { traces: [TRACE_8], axes: { iotlbSize: [8, 64] } };
    const shared = await sweepApi.runSweep(spec, { out: join(dir.path, 'shared'), progress: 'none', charts: false, workers: 1 });
    const notes: string[] = [];
    const streamed = await sweepApi.runSweep(spec, { out: join(dir.path, 'streamed'), progress: 'none', notes: (line) => notes.push(line), charts: false, workers: 1, maxSharedTraceBytes: 1000 });
    expect(notes).toEqual([`${TRACE_8}: ${(readFileSync(TRACE_8).length / 1e9).toFixed(2)} GB, streamed from disk by each worker (traces of 2 GiB or more are not held in shared memory)`]);
    expect(streamed.records.map(stable)).toEqual(shared.records.map(stable));
  });
});
