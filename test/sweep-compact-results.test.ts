/**
 * results.jsonl keeps one compact line per configuration whatever the tenant count; the
 * per-flow, per-set and latency detail goes to details/<id>.json, which merge carries
 * along, and which with the line gives exactly `run --json`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hypersio, sweepApi, tempDir } from './sweep-helpers.js';

const dir = tempDir('compact');
afterAll(() => dir.cleanup());
const trace = join(dir.path, 'traces', 'synth_tnt_1024_rr3_iotlb_trace.bin');
const out = join(dir.path, 'sweep');

beforeAll(async () => {
  expect((await hypersio(['synth', '--tenants', '1024', '--packets', '16', '--out-dir', join(dir.path, 'traces')])).exitCode).toBe(0);
  const run = await hypersio(['sweep', '--trace', trace, '--iotlb-size', '64', '1024', '--out-dir', out, '--no-charts']);
  expect(run.exitCode, run.stderr).toBe(0);
});

describe('compact results.jsonl', () => {
  it('1024 tenants: each line is a few KB, with a per-tenant summary and the name of its detail file', () => {
    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.length).toBeLessThan(4096);
      const record = JSON.parse(line) as sweepApi_Record;
      expect(record).not.toHaveProperty('flows');
      expect(record).not.toHaveProperty('latencyHistogram');
      expect(record.flowCount).toBe(1024);
      expect(record.fairness).toBeGreaterThan(0);
      expect(record.fairness).toBeLessThanOrEqual(1);
      expect(record.slowestFlowMbps).toBeLessThanOrEqual(record.fastestFlowMbps!);
      const detail = JSON.parse(readFileSync(join(out, record.detail!), 'utf8')) as { flows: Record<string, unknown>; caches: { IOTLB: { setAccesses: number[] } } };
      expect(Object.keys(detail.flows)).toHaveLength(1024);
      expect(detail.caches.IOTLB.setAccesses.length).toBeGreaterThan(0);
    }
  });

  it('the line with its detail is exactly run --json', async () => {
    // IOTLB 64: the base configuration, what `run` simulates without flags.
    const record = sweepApi.readResultsFile(join(out, 'results.jsonl')).find((r) => r.config.iotlb.size === 64);
    const run = await hypersio(['run', '--trace', trace, '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const full = sweepApi.withDetail(out, record!) as Record<string, unknown>;
    for (const [key, value] of Object.entries(JSON.parse(run.stdout) as Record<string, unknown>)) expect(full[key], key).toEqual(value);
  });

  it('merge copies the detail files; plot and resume work from the compact lines', async () => {
    const merged = join(dir.path, 'merged');
    const run = await hypersio(['merge', out, '--out-dir', merged, '--no-charts']);
    expect(run.exitCode, run.stderr).toBe(0);
    for (const record of sweepApi.readResultsFile(join(merged, 'results.jsonl'))) expect(existsSync(join(merged, record.detail!))).toBe(true);
    expect((await hypersio(['plot', merged])).exitCode).toBe(0);
    const resumed = await hypersio(['sweep', '--trace', trace, '--iotlb-size', '64', '1024', '--out-dir', out, '--no-charts']);
    expect(resumed.stderr).toContain('sweep: 2 of 2 configurations already in');
  });
});

type sweepApi_Record = import('../orchestrator/sweep/index.js').SweepRecord;
