/**
 * Issue 22 item 12: a million-configuration grid is enumerated lazily (a shard is computed
 * from its own indices, so it costs its share), and a grid of more than 100,000
 * configurations needs confirmation: off a terminal, --yes.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio, sweepApi, tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('large-grid');
afterAll(() => dir.cleanup());

const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
const spec = { traces: [TRACE_3], axes: { tq: hundred, linkGbps: hundred, seed: hundred } };

describe('a million-configuration grid', () => {
  it('is a lazy product: any shard and the first jobs come without enumerating the rest', () => {
    const grid = new sweepApi.SweepGrid(spec, [TRACE_3]);
    expect(grid.size).toBe(1_000_000);
    const last = [...grid.jobs({ index: 999_999, count: 1_000_000 })];
    expect(last).toHaveLength(1);
    expect(last[0]!.index).toBe(999_999);
    expect([last[0]!.config.tq, last[0]!.config.linkGbps, last[0]!.config.seed]).toEqual([100, 100, 100]);
    const first = grid.jobs().next();
    expect(first.done).toBe(false);
    expect(first.value!.index).toBe(0);
    // Shard 3 of 250,000: indices 3, 250,003, 500,003, 750,003 (the last axis varies fastest).
    const shard = sweepApi.expandGrid(spec, [TRACE_3], { index: 3, count: 250_000 });
    expect(shard.map((j) => j.index)).toEqual([3, 250_003, 500_003, 750_003]);
    expect(shard.map((j) => j.config.seed)).toEqual([4, 4, 4, 4]);
  });

  it('needs --yes off a terminal; a small shard of it runs at once', async () => {
    const flags = ['--tq', ...hundred.map(String), '--link-gbps', ...hundred.map(String), '--seed', ...hundred.map(String)];
    const out = join(dir.path, 'out');
    const refused = await hypersio(['sweep', '--trace', TRACE_3, ...flags, '--out-dir', out, '--no-charts']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe('hypersio: --yes: the grid has 1,000,000 configurations (more than 100,000); add --yes to run it, or sweep fewer values (or use --shard)');
    const shard = await hypersio(['sweep', '--trace', TRACE_3, ...flags, '--shard', '999999/1000000', '--out-dir', out, '--no-charts']);
    expect(shard.exitCode, shard.stderr).toBe(0);
    expect(shard.stdout).toMatch(/^1 configurations: 1 ok, 0 failed$/m);
  });
});
