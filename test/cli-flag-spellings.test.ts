/**
 * One parameter, one flag: the same parameter given under two of its names (its flag, the
 * reference's spelling, a switch for one of its values, or an axis that sets it too) is an
 * error naming both, in `run` and `sweep`, never the last one silently winning. And the
 * labels of a sweep name every value that is not the base's, even when it does not vary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError, runCli } from './helpers.js';
import { sweepApi, tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('flag-spellings');
afterAll(() => dir.cleanup());

describe('the same parameter under two names', () => {
  it('run: --link-gbps and --linkbwgbps, in either order', () => {
    for (const args of [['--link-gbps', '100', '--linkbwgbps', '400'], ['--linkbwgbps', '400', '--link-gbps', '100']]) {
      expectOneLineInputError(runCli(['run', '--trace', TRACE_3, ...args]), /--link-gbps and --linkbwgbps: both set the link rate; give only one$/);
    }
  });

  it('run: --in-order with --queue ooo', () => {
    expectOneLineInputError(runCli(['run', '--trace', TRACE_3, '--in-order', '--queue', 'ooo']), /--queue and --in-order: both set the queue order; give only one$/);
  });

  it('run: even the same value twice under two names', () => {
    expectOneLineInputError(runCli(['run', '--trace', TRACE_3, '--tq', '4', '--tqueue', '4']), /--tq and --tqueue: both set the translations in flight \(tq\); give only one$/);
  });

  it('sweep: --tq 8 16 with --tqueue 4', () => {
    expectOneLineInputError(runCli(['sweep', '--trace', TRACE_3, '--tq', '8', '16', '--tqueue', '4', '--out-dir', join(dir.path, 'a')]), /--tq and --tqueue: both set tq; give only one$/);
  });

  it('sweep: --walk-groups with --l2page-groups', () => {
    expectOneLineInputError(
      runCli(['sweep', '--trace', TRACE_3, '--walk-groups', '2', '--l2page-groups', '4', '--out-dir', join(dir.path, 'b')]),
      /--walk-groups and --l2page-groups: both set the L2PAGE walk cache's groups; give only one$/,
    );
  });

  it('sweep: --out-dir and --out', () => {
    expectOneLineInputError(runCli(['sweep', '--trace', TRACE_3, '--out-dir', join(dir.path, 'c'), '--out', join(dir.path, 'd')]), /--out-dir and --out: both set out; give only one$/);
  });
});

describe('labels name every value that is not the base', () => {
  for (const [args, label] of [
    [['--l3page-size', '4096'], 'L3 4096'],
    [['--prefetch-buffer', '64'], 'prefetch 64'],
  ] as const) {
    it(`a sweep over ${args.join(' ')} alone`, () => {
      const out = join(dir.path, args[0].replace(/^--/, ''));
      const r = runCli(['sweep', '--trace', TRACE_3, ...args, '--out-dir', out, '--no-charts']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(label);
      expect(r.stdout).not.toMatch(/IOTLB 64, lru, tq 1\s/);
      const records = sweepApi.latestRecords(sweepApi.readResultsFile(join(out, 'results.jsonl')));
      const layout = sweepApi.chartLayout(records.map((rec) => ({ ...rec, tenants: 3 })));
      expect(layout?.seriesKeys).toEqual([args[0] === '--l3page-size' ? 'l3pageSize' : 'prefetchBuffer']);
      expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBeTruthy();
    });
  }
});
