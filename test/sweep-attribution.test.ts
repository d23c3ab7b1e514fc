/**
 * A sweep with `attribution: true`: each worker simulates with the attribution build
 * (compiled in the worker on first use), and each record's detail keeps `attribution`,
 * equal to a single run's; the statistics are those of a sweep without it.
 */
import { describe, expect, it } from 'vitest';
import type { LatencyAttribution } from '../orchestrator/attribution.js';
import { baseConfig } from '../orchestrator/config.js';
import { modelApi, sweepApi, TRACE_3, tempDir } from './sweep-helpers.js';

describe('sweep with attribution', () => {
  it('keeps each configuration attribution in its detail, as run gives it', async () => {
    const configs = [1, 4].map((tq) => ({ ...baseConfig(), tq }));
    const jobs = configs.map((config, i) => sweepApi.makeJob(TRACE_3, config, i));
    const on = tempDir('sweep-attribution-on');
    const off = tempDir('sweep-attribution-off');
    try {
      const options = { workers: 1, charts: false, progress: 'none', trapSignals: false } as const;
      const attributed = await sweepApi.runSweepJobs(jobs, { ...options, out: on.path, attribution: true });
      const plain = await sweepApi.runSweepJobs(jobs, { ...options, out: off.path });
      for (const [i, record] of attributed.records.entries()) {
        const detail = sweepApi.withDetail(on.path, record) as { attribution?: LatencyAttribution };
        const single = await modelApi.runTraceFile(TRACE_3, configs[i]!, { attribution: true });
        expect(detail.attribution).toEqual(single.attribution);
        expect(detail.attribution?.mismatches).toBe(0);
        const { elapsedMs: _a, ...withIt } = record;
        const { elapsedMs: _b, ...without } = plain.records[i]!;
        expect(withIt).toEqual(without);
        expect((sweepApi.withDetail(off.path, plain.records[i]!) as { attribution?: unknown }).attribution).toBeUndefined();
      }
    } finally {
      on.cleanup();
      off.cleanup();
    }
  });
});
