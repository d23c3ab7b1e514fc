import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCacheConfig } from '../orchestrator/config.js';
import { hypersio, modelApi, sweepApi, tempDir, TRACE_3, TRACE_6 } from './sweep-helpers.js';

describe('sweep results equal single runs', () => {
  const dir = tempDir('sweep-equals');
  afterAll(() => dir.cleanup());
  const spec = { traces: [TRACE_3, TRACE_6], axes: { iotlbSize: [16, 64], tq: [1, 8], queue: ['ooo', 'in-order'] } };

  it('every configuration matches runTraceFile (shared-memory and streamed traces)', async () => {
    const shared = await sweepApi.runSweep(spec, { out: join(dir.path, 'shared'), workers: 2, progress: 'none', charts: false });
    const streamed = await sweepApi.runSweep(spec, { out: join(dir.path, 'streamed'), workers: 2, progress: 'none', charts: false, memoryBudgetBytes: 0 });
    expect(shared.total).toBe(16);
    expect(shared.failed).toBe(0);
    expect(streamed.records.map((r) => r.id)).toEqual(shared.records.map((r) => r.id));
    for (const [i, record] of shared.records.entries()) {
      const expected = await modelApi.runTraceFile(record.trace, structuredClone(record.config));
      expect(sweepApi.withDetail(join(dir.path, 'shared'), record)).toMatchObject({ ...expected, status: 'ok' });
      expect(sweepApi.withDetail(join(dir.path, 'streamed'), streamed.records[i]!)).toMatchObject({ ...expected, status: 'ok' });
    }
  });

  it('a line of results.jsonl with its details/<id>.json holds exactly the statistics of `run --json`', async () => {
    const result = await sweepApi.runSweep(spec, { out: join(dir.path, 'shared'), workers: 1, progress: 'none', charts: false });
    expect(result.skipped).toBe(16); // resumed: nothing run again
    for (const compact of [result.records[3], result.records[13]]) {
      if (!compact) throw new Error('missing record');
      const record = sweepApi.withDetail(join(dir.path, 'shared'), compact) as Record<string, unknown> & typeof compact;
      const cfg = join(dir.path, `${record.id}.cfg`);
      writeFileSync(cfg, formatCacheConfig(record.config));
      const queue = record.config.outOfOrder ? [] : ['--in-order'];
      const run = await hypersio(['run', '--trace', record.trace, '--config', cfg, '--tq', String(record.config.tq), ...queue, '--json']);
      expect(run.exitCode).toBe(0);
      const fromRun = JSON.parse(run.stdout) as Record<string, unknown>;
      for (const [key, value] of Object.entries(fromRun)) expect(record[key], key).toEqual(value);
      expect(record).toMatchObject({ iotlbSize: record.config.iotlb.size, tq: record.config.tq, queue: record.config.outOfOrder ? 'ooo' : 'in-order', status: 'ok' });
    }
  });
});
