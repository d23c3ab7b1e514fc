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
import { analyzeTrace, StackDistances } from '../tracegen/trace-info.js';
import { synthesizeTraceBuffers } from '../tracegen/synth.js';
import { hypersio, stable, sweepApi, tempDir, TRACE_8 } from './sweep-helpers.js';

const dir = tempDir('big-traces');
afterAll(() => dir.cleanup());

/** LRU stack distances, independently: page keys by string, a Fenwick tree over every position (memory per translation). */
function stackDistances(bytes: Buffer): Map<number, number> {
  const n = bytes.length / 48;
  const tree = new Int32Array(n + 1);
  const add = (i: number, d: number) => {
    for (let k = i + 1; k <= n; k += k & -k) tree[k]! += d;
  };
  const prefix = (i: number) => {
    let s = 0;
    for (let k = i; k > 0; k -= k & -k) s += tree[k]!;
    return s;
  };
  const lastUse = new Map<string, number>();
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const o = i * 48;
    const key = `${bytes.readBigUInt64LE(o + 8) & bytes.readBigUInt64LE(o + 16)}:${bytes.readUInt16LE(o + 6)}`;
    const last = lastUse.get(key);
    if (last !== undefined) {
      const d = prefix(i) - prefix(last + 1);
      counts.set(d, (counts.get(d) ?? 0) + 1);
      add(last, -1);
    }
    add(i, 1);
    lastUse.set(key, i);
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

  it('streamed trace-info keeps exact reuse distances across its renumbering (300,000 translations, 60,000 pages)', () => {
    // About 58 pages per tenant: the time line is renumbered every 3 × 60,000 uses or so.
    const { trace } = synthesizeTraceBuffers({ tenants: 1000, packets: 100, order: 'rand', outDir: dir.path });
    const path = join(dir.path, 'many_iotlb_trace.bin');
    writeFileSync(path, trace);
    const info = analyzeTrace(path);
    expect(info.translations).toBe(300_000);
    const exact = stackDistances(readFileSync(path));
    const bucketOf = (d: number) => (d === 0 ? 0 : 32 - Math.clz32(d));
    const expected: number[] = [];
    for (const [d, count] of exact) expected[bucketOf(d)] = (expected[bucketOf(d)] ?? 0) + count;
    expect(info.reuseDistance.buckets.map((b) => b.count)).toEqual([...expected].map((c) => c ?? 0));
    const sorted = [...exact].sort((a, b) => a[0] - b[0]);
    const reuses = sorted.reduce((n, [, c]) => n + c, 0);
    const cumulative = sorted.map(([d], k) => [d, sorted.slice(0, k + 1).reduce((n, [, c]) => n + c, 0)] as const);
    const median = cumulative.find(([, upTo]) => upTo > reuses >> 1)![0];
    expect(info.reuseDistance.median).toBe(median);
    expect(info.reuseDistance.cold + [...exact.values()].reduce((a, b) => a + b, 0)).toBe(300_000);
  });

  it('the stack distances are exact however often the time line is renumbered', () => {
    const { trace } = synthesizeTraceBuffers({ tenants: 30, packets: 40, order: 'rand', poolMin: 2, poolMax: 6, outDir: dir.path });
    const exact = stackDistances(trace);
    for (const capacity of [16, 100, 1 << 16]) {
      const distances = new StackDistances(capacity);
      const pageOf = new Map<string, number>();
      const counts = new Map<number, number>();
      for (let o = 0; o < trace.length; o += 48) {
        const key = `${trace.readBigUInt64LE(o + 8) & trace.readBigUInt64LE(o + 16)}:${trace.readUInt16LE(o + 6)}`;
        const page = pageOf.get(key);
        if (page === undefined) pageOf.set(key, distances.first());
        else {
          const d = distances.reuse(page);
          counts.set(d, (counts.get(d) ?? 0) + 1);
        }
      }
      expect(new Map([...counts].sort((a, b) => a[0] - b[0])), `capacity ${capacity}`).toEqual(new Map([...exact].sort((a, b) => a[0] - b[0])));
    }
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
