/** Every what-if's figures are those of `hypersio run` with the flags explain gives for it. */
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio } from './sweep-helpers.js';
import { explainJson, tempDir, TRACE_8 } from './explain-helpers.js';

describe('explain: what-ifs equal hypersio run', () => {
  const dir = tempDir('explain-equals-run');
  afterAll(() => dir.cleanup());

  it('each change, run with its flags, gives the same utilization, Mb/s and drops; the base too', async () => {
    const { json } = await explainJson(['--trace', TRACE_8, '--out-dir', dir.path, '--tq', '2', '--iotlb-size', '32', '--no-charts']);
    expect(json.whatIf.length).toBeGreaterThan(20);
    for (const entry of [{ flags: json.base.flags, linkUtilization: json.base.linkUtilization, mbps: json.base.mbps, packetsDropped: json.base.packetsDropped }, ...json.whatIf]) {
      const run = await hypersio(['run', '--trace', TRACE_8, ...entry.flags, '--json']);
      expect(run.exitCode, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as { linkUtilization: number; mbps: number; packetsDropped: number };
      expect({ flags: entry.flags, linkUtilization: result.linkUtilization, mbps: result.mbps, packetsDropped: result.packetsDropped }).toEqual({
        flags: entry.flags,
        linkUtilization: entry.linkUtilization,
        mbps: entry.mbps,
        packetsDropped: entry.packetsDropped,
      });
    }
  });
});
