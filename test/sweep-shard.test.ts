import { describe, expect, it } from 'vitest';
import { sweepApi, TRACE_3, TRACE_6, TRACE_8 } from './sweep-helpers.js';

describe('--shard i/n', () => {
  const spec = { traces: [TRACE_3, TRACE_6, TRACE_8], axes: { iotlbSize: [8, 16, 64, 256], tq: [1, 4, 32], iotlbPolicy: ['lru', 'lfu'] } };
  const grid = sweepApi.expandGrid(spec);

  it('expands the full cartesian grid once per configuration', () => {
    expect(grid).toHaveLength(3 * 4 * 3 * 2);
    expect(new Set(grid.map((job) => job.id)).size).toBe(grid.length);
    expect(grid.map((job) => job.index)).toEqual(grid.map((_, i) => i));
  });

  it('shards partition the grid exactly, for every n', () => {
    for (let count = 1; count <= 7; count++) {
      const seen = new Map<string, number>();
      for (let index = 0; index < count; index++) {
        const shard = sweepApi.shardJobs(sweepApi.expandGrid(spec), sweepApi.parseShard(`${index}/${count}`));
        // Balanced: sizes differ by at most one.
        expect(Math.abs(shard.length - grid.length / count)).toBeLessThan(1);
        for (const job of shard) seen.set(job.id, (seen.get(job.id) ?? 0) + 1);
      }
      expect(seen.size).toBe(grid.length);
      expect([...seen.values()].every((times) => times === 1)).toBe(true);
    }
  });

  it('is deterministic', () => {
    const a = sweepApi.shardJobs(sweepApi.expandGrid(spec), { index: 1, count: 3 }).map((j) => j.id);
    const b = sweepApi.shardJobs(sweepApi.expandGrid(spec), { index: 1, count: 3 }).map((j) => j.id);
    expect(a).toEqual(b);
  });

  it('rejects malformed shards', () => {
    for (const bad of ['3/3', '1', 'a/b', '-1/2', '0/0', '1/2/3']) expect(() => sweepApi.parseShard(bad), bad).toThrow(/--shard/);
    expect(sweepApi.parseShard(' 2 / 5 ')).toEqual({ index: 2, count: 5 });
  });
});
