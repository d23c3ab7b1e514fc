/**
 * advise's quality bar on a grid small enough for CI (issue 21; `npm run bench:advise`
 * measures it on 1,080 configurations): tq × context-cache entries × IOTLB entries,
 * 6 × 6 × 4 = 144 configurations of a 64-tenant trace, swept exhaustively; advise with the
 * same limits must cost at most 110 % of the exhaustive optimum. Its evaluations are
 * bounded at 25 % of this grid, not the bench's 15 %: a round's neighbourhood is about
 * two configurations per parameter whatever the grid, so the fraction falls as the grid
 * grows (the bench's 1,080: 4-5 %).
 */
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { hypersio, PROJECT_ROOT, sweepApi, tempDir } from './sweep-helpers.js';

const adviseApi = (await import(resolve(PROJECT_ROOT, 'dist/orchestrator/advise/index.js'))) as typeof import('../orchestrator/advise/index.js');

const dir = tempDir('advise-quality');
afterAll(() => dir.cleanup());

const GRID = { tq: [1, 2, 4, 8, 16, 32], ccSize: [16, 32, 64, 128, 256, 512], iotlbSize: [32, 64, 128, 256] };
const limits = {
  vary: Object.keys(GRID),
  min: Object.fromEntries(Object.entries(GRID).map(([key, values]) => [key, String(values[0])])),
  max: Object.fromEntries(Object.entries(GRID).map(([key, values]) => [key, String(values.at(-1))])),
};

it.each([60, 70, 80])('target %i percent: at most 110 percent of the exhaustive optimum, evaluating at most a quarter of the grid', async (target) => {
  const trace = join(dir.path, 'q_tnt_64_rr3_iotlb_trace.bin');
  const synth = await hypersio(['synth', '--tenants', '64', '--packets', '60', '--pool-min', '2', '--pool-max', '6', '--name', 'q', '--out-dir', dir.path]);
  expect(synth.exitCode, synth.stderr).toBe(0);
  // The exhaustive sweep is shared by the three targets (resumed after the first).
  const sweep = await sweepApi.runSweep({ traces: [trace], axes: GRID }, { out: join(dir.path, 'grid'), progress: 'none', charts: false });
  expect(sweep.total).toBe(144);
  const feasible = sweep.records.filter((r) => (r.linkUtilization ?? 0) >= target / 100);
  expect(feasible.length).toBeGreaterThan(0);
  const optimum = Math.min(...feasible.map((r) => r.costBytes ?? Number.POSITIVE_INFINITY));

  const result = await adviseApi.advise({ traces: [trace], targetPercent: target, limits, out: join(dir.path, `advise-${target}`), progress: 'none', charts: false });
  expect(result.reached).toBe(true);
  expect(result.best.worstLinkUtilization).toBeGreaterThanOrEqual(target / 100);
  expect(result.best.costBytes).toBeLessThanOrEqual(optimum * 1.1);
  expect(result.evaluated).toBeLessThanOrEqual(144 * 0.25);
});
