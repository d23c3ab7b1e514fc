/**
 * `--memory-budget <MiB>`: traces beyond it are streamed by each worker instead of shared;
 * the results are the same either way, and a bad value is a flag error.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError } from './helpers.js';
import { hypersio, sweepApi, tempDir, TRACE_3, TRACE_8 } from './sweep-helpers.js';

const dir = tempDir('budget');
afterAll(() => dir.cleanup());

const args = (out: string, budget: string[]) => ['sweep', '--trace', TRACE_3, TRACE_8, '--iotlb-size', '16', '64', '--tq', '1', '8', '--workers', '2', '--out-dir', out, '--no-charts', ...budget];

describe('--memory-budget', () => {
  it('0 MiB (every trace streamed) and the default (shared) give the same results', async () => {
    const streamed = join(dir.path, 'streamed');
    const shared = join(dir.path, 'shared');
    expect((await hypersio(args(streamed, ['--memory-budget', '0']))).exitCode).toBe(0);
    expect((await hypersio(args(shared, []))).exitCode).toBe(0);
    const load = (out: string) => sweepApi.readResultsFile(join(out, 'results.jsonl')).map(({ elapsedMs: _e, ...r }) => r).sort((a, b) => a.gridIndex - b.gridIndex);
    expect(load(streamed)).toEqual(load(shared));
    expect(load(streamed)).toHaveLength(8);
  });

  it('a bad value is one line, exit 2', async () => {
    for (const value of ['-1', 'lots']) {
      const run = await hypersio(args(join(dir.path, 'bad'), ['--memory-budget', value]));
      expectOneLineInputError({ status: run.exitCode, stderr: run.stderr }, /--memory-budget: expected a number of MiB >= 0/);
    }
  });
});
