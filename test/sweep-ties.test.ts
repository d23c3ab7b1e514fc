/**
 * Issue 22 item 7: the sweep summary's "best configuration" shows results within 0.1
 * percentage point of link utilization as ties, and breaks a tie by the lower hardware
 * cost, then the first in the grid.
 */
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { baseConfig } from '../orchestrator/config.js';
import { configCostBytes } from '../orchestrator/cost-model.js';
import { bestWithTies } from '../orchestrator/sweep/summary.js';
import type { SweepRecord } from '../orchestrator/sweep/results.js';
import { hypersio, tempDir } from './sweep-helpers.js';

const dir = tempDir('ties');
afterAll(() => dir.cleanup());

it('every IOTLB way count at the same utilization: the ways are shown as ties, not the 1-way IOTLB alone', async () => {
  // 256 tenants thrash a 64-entry IOTLB whatever its ways: the same link utilization.
  const synth = await hypersio(['synth', '--tenants', '256', '--packets', '20', '--out-dir', dir.path, '--name', 'tie']);
  expect(synth.exitCode, synth.stderr).toBe(0);
  const trace = join(dir.path, 'tie_tnt_256_rr3_iotlb_trace.bin');
  const r = await hypersio(['sweep', '--trace', trace, '--iotlb-ways', '8', '4', '2', '1', '--out-dir', join(dir.path, 'sweep'), '--no-charts', '--workers', '1']);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/within 0\.1 percentage point is a tie, won by the lower hardware cost, then the first in the grid/);
  // The cheapest of the tied (fewest comparators, no LRU bits) leads; the other three are named as ties.
  expect(r.stdout).toMatch(/256 tnt\s+IOTLB 1-way\s+6\.0 %.*3 tied/);
  expect(r.stdout).toMatch(/tied with IOTLB 1-way: IOTLB 2-way \(6\.0 %, [\d,]+ B\); IOTLB 4-way \(6\.0 %, [\d,]+ B\); IOTLB 8-way/);
});

it('a tie goes to the lower cost, then to the first in the grid; 0.1 point apart is still a tie, more is not', () => {
  const record = (gridIndex: number, linkUtilization: number, iotlbSize: number): SweepRecord => {
    const config = baseConfig();
    config.iotlb.size = iotlbSize;
    return { id: String(gridIndex), gridIndex, trace: 't', workload: 'w', tenants: 1, status: 'ok', elapsedMs: 0, config, linkUtilization, costBytes: configCostBytes(config) };
  };
  const big = record(0, 0.5, 256);
  const small = record(1, 0.499, 64);
  const same = record(2, 0.4995, 64);
  expect(bestWithTies([big, small, same]).map((r) => r.gridIndex)).toEqual([1, 2, 0]);
  expect(bestWithTies([big, record(3, 0.4989, 64)]).map((r) => r.gridIndex)).toEqual([0]);
});
