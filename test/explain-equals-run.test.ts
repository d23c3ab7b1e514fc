/** Every what-if's figures are those of `hypersio run` with the flags explain gives for it. */
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio } from './sweep-helpers.js';
import { explainJson, tempDir, TRACE_8 } from './explain-helpers.js';

describe('explain: what-ifs equal hypersio run', () => {
  const dir = tempDir('explain-equals-run');
  afterAll(() => dir.cleanup());

  it('each change, run with its flags, gives the same utilization, Mb/s, drops and cost; the base too', async () => {
    const { json } = await explainJson(['--trace', TRACE_8, '--out-dir', dir.path, '--tq', '2', '--iotlb-size', '32', '--no-charts']);
    expect(json.whatIf.length).toBeGreaterThan(20);
    for (const entry of [{ ...json.base, limitStudy: false }, ...json.whatIf]) {
      const run = await hypersio(['run', '--trace', TRACE_8, ...entry.flags, '--json']);
      expect(run.exitCode, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as { linkUtilization: number; mbps: number; packetsDropped: number; costBytes: number };
      const shown = (r: typeof result) => ({ flags: entry.flags, linkUtilization: r.linkUtilization, mbps: r.mbps, packetsDropped: r.packetsDropped, costBytes: r.costBytes });
      expect(shown(result)).toEqual(shown(entry as typeof result));
    }
  });

  it("the breakdown and tenants are those of `run --attribution` (latency including queueing, components, worst tenants)", async () => {
    const { json } = await explainJson(['--trace', TRACE_8, '--out-dir', dir.path, '--tq', '2', '--iotlb-size', '32', '--no-charts']);
    const run = await hypersio(['run', '--trace', TRACE_8, ...json.base.flags, '--attribution', '--json']);
    const { attributionSummary } = JSON.parse(run.stdout) as { attributionSummary: { latency: unknown; tenants: { did: number }[] } };
    expect(json.latency).toEqual(attributionSummary.latency);
    expect(json.limiter.meanLatencyNs).toBe(json.latency.meanNs);
    expect(json.tenants.map(({ why: _why, ...t }) => t)).toEqual(attributionSummary.tenants);
  });
});
