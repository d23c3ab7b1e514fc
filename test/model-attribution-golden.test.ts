/**
 * Latency attribution on every golden trace with each of its golden configurations: the
 * components add up exactly (integers) to every translation's latency including queueing
 * (the model counts translations where they do not: none), their sums and the tenants'
 * add up, the modelled part (latency − queueing) equals the release build's own latency
 * histogram, and the attribution build leaves every statistic identical to the release
 * build's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTION_COMPONENTS, type LatencyAttribution } from '../orchestrator/attribution.js';
import { baseConfig } from '../orchestrator/config.js';
import { readCacheConfigFile } from '../orchestrator/config-file.js';
import { runTraceFile } from '../orchestrator/model.js';
import { GOLDEN_DIR } from './helpers.js';

interface GoldenCase {
  trace: string;
  config: string;
  cacheConfigFile: string;
  options: Record<string, unknown>;
}
const { cases } = JSON.parse(readFileSync(resolve(GOLDEN_DIR, 'expected.json'), 'utf8')) as { cases: GoldenCase[] };

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('latency attribution on the golden cases', () => {
  it('covers every golden trace file', () => {
    const files = readdirSync(resolve(GOLDEN_DIR, 'traces')).filter((f) => f.endsWith('_iotlb_trace.bin'));
    expect([...new Set(cases.map((c) => `${c.trace}_iotlb_trace.bin`))].sort()).toEqual(files.sort());
  });

  for (const c of cases) {
    it(`${c.trace} / ${c.config}: the components add up exactly and nothing else changes`, async () => {
      const config = Object.assign(readCacheConfigFile(baseConfig(), resolve(GOLDEN_DIR, c.cacheConfigFile)), c.options);
      const trace = resolve(GOLDEN_DIR, 'traces', `${c.trace}_iotlb_trace.bin`);
      const release = await runTraceFile(trace, config);
      const { attribution, ...statistics } = await runTraceFile(trace, config, { attribution: true });
      expect(statistics).toEqual(release);
      const a = attribution as LatencyAttribution;
      expect(a.mismatches).toBe(0);
      expect(a.translations).toBe(release.translations);
      expect(sum(ATTRIBUTION_COMPONENTS.map((k) => a.componentSumsNs[k]))).toBe(a.latencySumNs);
      expect(sum(Object.values(a.queueingByStageNs))).toBe(a.componentSumsNs.queueing);
      // Latency − queueing is the modelled latency (end − start) the release build counts.
      expect(Object.keys(release.latencyHistogram).some((k) => k.startsWith('>='))).toBe(false);
      const modelled = sum(Object.entries(release.latencyHistogram).map(([ns, n]) => Number(ns) * n));
      expect(a.latencySumNs - a.componentSumsNs.queueing).toBe(modelled);
      // The histograms count every translation; the tenants add up to the whole.
      expect(sum(Object.values(a.latencyHistogram))).toBe(a.translations);
      for (const k of ATTRIBUTION_COMPONENTS) expect(sum(Object.values(a.componentHistograms[k]))).toBe(a.translations);
      const tenants = Object.entries(a.tenants);
      expect(tenants.map(([did]) => did)).toEqual(Object.keys(release.flows));
      for (const [did, t] of tenants) {
        expect(t.translations).toBe(release.flows[did]?.translations);
        expect(sum(ATTRIBUTION_COMPONENTS.map((k) => t.componentSumsNs[k]))).toBe(t.latencySumNs);
        expect(t.ccHits + t.ccMisses).toBe(t.translations);
        expect(t.iotlbHits + t.iotlbMisses).toBe(t.translations);
      }
      expect(sum(tenants.map(([, t]) => t.latencySumNs))).toBe(a.latencySumNs);
      for (const k of ATTRIBUTION_COMPONENTS) expect(sum(tenants.map(([, t]) => t.componentSumsNs[k]))).toBe(a.componentSumsNs[k]);
    });
  }
});
