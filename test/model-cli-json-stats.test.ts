/**
 * `run --json`'s derived statistics: `linkUtilization` is mbps over the nominal link rate
 * (and can exceed 100 %: packets arrive every floor(12336 / Gb/s) ns, a little faster
 * than the nominal rate), and `latencyHistogram` counts every completed translation once.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import { TRACE_3, TRACE_8 } from './sweep-helpers.js';

interface Json {
  mbps: number;
  linkGbps: number;
  linkUtilization: number;
  translations: number;
  latencyHistogram: Record<string, number>;
  config: { linkGbps: number };
}

const run = (args: string[]): Json => {
  const r = runCli(['run', '--json', ...args]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Json;
};

describe('run --json statistics', () => {
  it('linkUtilization = mbps / (link Gb/s × 1000)', () => {
    for (const link of ['200', '400', '25']) {
      const r = run(['--trace', TRACE_8, '--link-gbps', link]);
      expect(r.config.linkGbps).toBe(Number(link));
      expect(r.linkUtilization).toBeCloseTo(r.mbps / (Number(link) * 1000), 12);
    }
  });

  it('utilization above 100 %: a translation-light run at 50 Gb/s offers 50.14 Gb/s and carries it', () => {
    const r = run(['--trace', TRACE_3, '--tq', '32', '--link-gbps', '50']);
    expect(r.linkUtilization).toBeGreaterThan(1);
    // floor(12336 / 50) = 246 ns per 1542-byte packet: 50.15 Gb/s offered at most.
    expect(r.mbps).toBeLessThanOrEqual(Math.floor((1542 * 8 * 1000) / 246));
    expect(runCli(['run', '--trace', TRACE_3, '--tq', '32', '--link-gbps', '50']).stdout).toMatch(/link utilization {2}100\.\d\d % of 50 Gb\/s/);
  });

  it('latencyHistogram: every translation once, under numeric ns keys (and one ">=N" bucket at most)', () => {
    for (const tq of ['1', '32']) {
      const r = run(['--trace', TRACE_8, '--tq', tq]);
      const entries = Object.entries(r.latencyHistogram);
      expect(entries.length).toBeGreaterThan(1);
      expect(entries.reduce((sum, [, count]) => sum + count, 0)).toBe(r.translations);
      for (const [key, count] of entries) {
        expect(key).toMatch(/^(\d+|>=\d+)$/);
        expect(Number.isInteger(count) && count > 0).toBe(true);
      }
      expect(entries.filter(([key]) => key.startsWith('>=')).length).toBeLessThanOrEqual(1);
    }
  });
});
