/**
 * `run`'s text report (issue 22, items 8, 19, 25): the configuration lines say everything
 * simulated; the cache table stays aligned past 10^8; the prefetcher's figures add up, with
 * a note; counts read well in the singular; and whenever the offered link rate (a packet
 * every floor(12336/G) ns) is more than 1 % off the nominal one, run (text and JSON), the
 * sweep summary and results.csv say so.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseConfig } from '../orchestrator/config.js';
import type { RunResult } from '../orchestrator/model-core.js';
import { parameterByKey } from '../orchestrator/parameters.js';
import { formatReport } from '../orchestrator/report.js';
import { runCli } from './helpers.js';
import { sweepApi, tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('run-report');
afterAll(() => dir.cleanup());

const cache = (hit: number) => ({ hit, miss: 7, conflict: 3, domains: 2, setAccesses: [] });
const result: RunResult = {
  simTimeNs: 10,
  translations: 3,
  packetsDropped: 0,
  mbps: 1,
  linkUtilization: 0.5,
  linkGbps: 200,
  offeredGbps: 202.2,
  offeredRateDiffers: true,
  flows: { '0': { timeNs: 10, translations: 1, mbps: 1 } },
  latencyHistogram: {},
  caches: { CC: cache(123_456_789_012), IOTLB: cache(5), L2PAGE: cache(1), L3PAGE: cache(0) },
  prefetcher: {
    accesses: 10,
    correctSidPredictions: 4,
    incorrectSidPredictions: 5,
    predictionsMade: 10,
    newSidMappings: 0,
    transToSameSid: 0,
    transToDiffSid: 0,
    bufferFill: 0,
    bufferHit: 0,
    bufferMiss: 0,
    fillTheSame: 0,
    history: {},
  },
};

describe('the text report', () => {
  const config = baseConfig();
  config.l2page.groups = 2;
  config.prefetch.distance = 8;
  const report = formatReport('t', config, result, 1);

  it('names CC, L2 and L3 geometry and the prefetcher history and distance', () => {
    expect(report).toContain('CC 1,536 entries fully associative');
    expect(report).toContain('L2PAGE 512 entries 16-way, 2 groups; L3PAGE 1,024 entries 16-way');
    expect(report).toContain('prefetcher: buffer 0 entries, history 2 pages per sid, distance 8 requests');
    expect(report).toContain('flags: --l2page-groups 2 --prefetch-distance 8');
  });

  it('keeps the cache columns apart above 10^8', () => {
    const lines = report.split('\n');
    const header = lines.find((l) => l.startsWith('cache '))!;
    const cc = lines.find((l) => l.startsWith('CC '))!;
    expect(cc).toContain(' 123,456,789,012 ');
    // Every column ends where its header ends.
    for (const title of ['hits', 'misses', 'conflicts', 'domains']) {
      const end = header.indexOf(title) + title.length;
      expect(cc[end - 1], title).toMatch(/\d/);
      expect(cc[end] ?? ' ', title).toBe(' ');
    }
  });

  it('shows the prediction left unscored, with a note', () => {
    expect(report).toContain('10 predictions (4 correct, 5 incorrect, 1 not scored)');
    expect(report).toMatch(/note: a prediction is scored by the request after it; the last one/);
  });

  it('reads well in the singular', () => {
    expect(report).toContain('(1 translation)');
    expect(report).not.toContain('1 translations');
    expect(parameterByKey('iotlbGroups').short(1)).toBe('IOTLB 1 group');
    expect(parameterByKey('iotlbGroups').short(4)).toBe('IOTLB 4 groups');
  });
});

describe('the offered link rate', () => {
  it('run: a note and JSON fields at 1029 Gb/s (109 %), none at 100 Gb/s', () => {
    const off = runCli(['run', '--trace', TRACE_3, '--link-gbps', '1029']);
    expect(off.stdout).toContain('note: at 1029 Gb/s packets arrive every 11 ns (floor(12336 / 1029), the reference\'s arithmetic): 1121.5 Gb/s offered, 9.0 % above');
    expect(runCli(['run', '--trace', TRACE_3, '--link-gbps', '100']).stdout).not.toContain('packets arrive every');
    const json = JSON.parse(runCli(['run', '--trace', TRACE_3, '--link-gbps', '1029', '--json']).stdout) as Record<string, unknown>;
    expect(json['offeredGbps']).toBeCloseTo(1121.45, 1);
    expect(json['offeredRateDiffers']).toBe(true);
    const nominal = JSON.parse(runCli(['run', '--trace', TRACE_3, '--link-gbps', '100', '--json']).stdout) as Record<string, unknown>;
    expect(nominal['offeredRateDiffers']).toBe(false);
  });

  it('sweep: a note in the summary, and columns in results.csv', () => {
    const out = join(dir.path, 'sweep');
    const r = runCli(['sweep', '--trace', TRACE_3, '--link-gbps', '100', '1029', '--out-dir', out, '--no-charts']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('note: at 1029 Gb/s packets arrive every 11 ns');
    expect(r.stdout).not.toContain('note: at 100 Gb/s');
    const rows = sweepApi.parseCsv(readFileSync(join(out, 'results.csv'), 'utf8'));
    const column = (name: string) => rows[0]!.indexOf(name);
    const byRate = new Map(rows.slice(1).map((row) => [row[column('linkGbps')], row]));
    expect(byRate.get('1029')?.[column('offeredRateDiffers')]).toBe('true');
    expect(byRate.get('100')?.[column('offeredRateDiffers')]).toBe('false');
    expect(Number(byRate.get('1029')?.[column('offeredGbps')])).toBeCloseTo(1121.45, 1);
  });
});
