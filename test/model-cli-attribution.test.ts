/**
 * `run --attribution`: the attribution build through the CLI. The table names the
 * components and the worst tenants; with --json the raw attribution and its summary come
 * with statistics identical to a run without it.
 */
import { describe, expect, it } from 'vitest';
import type { AttributionSummary, LatencyAttribution } from '../orchestrator/attribution.js';
import { runCli } from './helpers.js';
import { TRACE_8 } from './sweep-helpers.js';

describe('run --attribution', () => {
  it('adds the attribution and its summary to --json, changing nothing else', () => {
    const plain = runCli(['run', '--json', '--trace', TRACE_8, '--tq', '4']);
    const attributed = runCli(['run', '--json', '--attribution', '--trace', TRACE_8, '--tq', '4']);
    expect(attributed.status, attributed.stderr).toBe(0);
    const { attribution, attributionSummary, ...rest } = JSON.parse(attributed.stdout) as { attribution: LatencyAttribution; attributionSummary: AttributionSummary };
    expect(rest).toEqual(JSON.parse(plain.stdout));
    expect(attribution.mismatches).toBe(0);
    expect(attributionSummary.latency.meanNs).toBe(attribution.latencySumNs / attribution.translations);
    expect(attributionSummary.tenants).toHaveLength(8);
  });

  it('prints the breakdown and the worst tenants after the report', () => {
    const r = runCli(['run', '--attribution', '--trace', TRACE_8]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Where a translation's time goes \(mean [\d.]+ ns including queueing/);
    expect(r.stdout).toMatch(/context miss \(PCIe round trip \+ context-entry read\)/);
    expect(r.stdout).toMatch(/Worst tenants/);
  });
});
