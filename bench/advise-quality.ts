/**
 * `npm run bench:advise`: how close `advise` gets to the true optimum, and at what price.
 *
 * A grid small enough to sweep exhaustively — tq × IOTLB entries × IOTLB ways × context-
 * cache entries, 6 × 6 × 5 × 6 = 1,080 configurations — is swept on a 256-tenant synthetic
 * trace; the exhaustive optimum is the cheapest configuration (cost model) reaching the
 * target on it. advise then runs with the same limits (--vary the four, --min/--max their
 * ranges) from the base architecture, in a fresh folder. Required (issue 21): advise's
 * answer costs at most 110 % of the optimum, and it evaluates at most 15 % of the grid;
 * exits 1 otherwise. Then the same advise run on a 1024-tenant trace, reported.
 *
 * The trace: 256 tenants, 300 packets each, 2–6 buffer pages per tenant (so the IOTLB's
 * size and ways matter at all), the reference's sid layout. Target 75 %: with tq at most
 * 32, reaching it needs a context cache that holds every sid and a larger IOTLB than the
 * base's, so the optimum is neither the cheapest point nor the largest.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { synthesizeTrace } from '../tracegen/synth.js';
import { runSweep } from '../orchestrator/sweep/runner.js';
import { expandGrid } from '../orchestrator/sweep/spec.js';
import { advise, type AdviseResult } from '../orchestrator/advise/index.js';
import { projectPath } from '../core/paths.js';

const TARGET_PERCENT = 75;
const MAX_COST_RATIO = 1.1;
const MAX_EVALUATED_FRACTION = 0.15;
const GRID: Record<string, number[]> = {
  tq: [1, 2, 4, 8, 16, 32],
  iotlbSize: [128, 256, 512, 1024, 2048, 4096],
  iotlbWays: [1, 2, 4, 8, 16],
  ccSize: [32, 64, 128, 256, 512, 1024],
};
const DIR = projectPath('build', 'bench', 'advise');

const limits = {
  vary: Object.keys(GRID),
  min: Object.fromEntries(Object.entries(GRID).map(([key, values]) => [key, String(Math.min(...values))])),
  max: Object.fromEntries(Object.entries(GRID).map(([key, values]) => [key, String(Math.max(...values))])),
};

const pct = (u: number) => `${(u * 100).toFixed(1)} %`;
const bytes = (n: number) => n.toLocaleString('en-US');

async function trace(tenants: number): Promise<string> {
  const result = await synthesizeTrace({ tenants, packets: 300, poolMin: 2, poolMax: 6, name: 'advq', outDir: DIR });
  return result.path;
}

async function runAdvise(traces: string[], name: string): Promise<{ result: AdviseResult; seconds: number }> {
  const out = join(DIR, name);
  rmSync(out, { recursive: true, force: true }); // a fresh folder: every evaluation is counted and timed
  const started = performance.now();
  const result = await advise({ traces, targetPercent: TARGET_PERCENT, limits, out, progress: 'none', charts: false });
  return { result, seconds: (performance.now() - started) / 1000 };
}

const trace256 = await trace(256);
const trace1024 = await trace(1024);

const spec = { traces: [trace256], axes: GRID };
const gridSize = expandGrid(spec).length;
process.stderr.write(`bench:advise: sweeping the ${gridSize}-configuration grid on ${trace256} (resumes from ${join(DIR, 'grid')})\n`);
const gridStarted = performance.now();
const sweep = await runSweep(spec, { out: join(DIR, 'grid'), charts: false });
const gridSeconds = (performance.now() - gridStarted) / 1000;
const feasible = sweep.records.filter((r) => r.status === 'ok' && (r.linkUtilization ?? 0) >= TARGET_PERCENT / 100);
if (feasible.length === 0) throw new Error(`target ${TARGET_PERCENT} % is reached by no configuration of the grid`);
const optimum = feasible.reduce((a, b) => ((b.costBytes ?? 0) < (a.costBytes ?? 0) ? b : a));

const { result: r256, seconds: s256 } = await runAdvise([trace256], 'advise-256');
const gridIds = new Set(expandGrid(spec).map((job) => JSON.stringify(job.config)));
const outside = r256.frontier.filter((c) => !gridIds.has(JSON.stringify(c.config)));
if (outside.length > 0) throw new Error(`advise left the grid's limits: ${outside[0]?.changes.join(' ')}`);

const ratio = r256.best.costBytes / (optimum.costBytes ?? 1);
const fraction = r256.evaluated / gridSize;
const label = (r: Record<string, unknown>) => `tq ${String(r.tq)}, IOTLB ${String(r.iotlbSize)} × ${String(r.iotlbWays)}-way, CC ${String(r.ccSize)}`;
const cfg = r256.best.config;
const { result: r1024, seconds: s1024 } = await runAdvise([trace1024], 'advise-1024');
const cfg1024 = r1024.best.config;

const ok = r256.reached && ratio <= MAX_COST_RATIO && fraction <= MAX_EVALUATED_FRACTION;
process.stdout.write(
  [
    `advise quality, target ${TARGET_PERCENT} % link utilization (grid: ${Object.entries(GRID).map(([k, v]) => `${k} ${v.join('/')}`).join('; ')})`,
    '',
    `256 tenants, exhaustive: ${gridSize} configurations in ${gridSeconds.toFixed(1)} s (0 s when resumed); ${feasible.length} reach the target`,
    `  optimum: ${label(optimum)}: ${bytes(optimum.costBytes ?? 0)} B, ${pct(optimum.linkUtilization ?? 0)}`,
    `256 tenants, advise: ${label({ tq: cfg.tq, iotlbSize: cfg.iotlb.size, iotlbWays: cfg.iotlb.assoc, ccSize: cfg.cc.size })}: ${bytes(r256.best.costBytes)} B, ${pct(r256.best.worstLinkUtilization)}; ${r256.evaluated} configurations evaluated in ${s256.toFixed(1)} s`,
    `  cost ${(ratio * 100).toFixed(1)} % of the optimum (at most ${Math.round(MAX_COST_RATIO * 100)} %), evaluated ${(fraction * 100).toFixed(1)} % of the grid (at most ${Math.round(MAX_EVALUATED_FRACTION * 100)} %): ${ok ? 'PASS' : 'FAIL'}`,
    `1024 tenants, advise (same limits): ${r1024.reached ? 'reached' : 'NOT reached, best found'}: ${label({ tq: cfg1024.tq, iotlbSize: cfg1024.iotlb.size, iotlbWays: cfg1024.iotlb.assoc, ccSize: cfg1024.cc.size })}: ${bytes(r1024.best.costBytes)} B, ${pct(r1024.best.worstLinkUtilization)}; ${r1024.evaluated} configurations evaluated in ${s1024.toFixed(1)} s`,
    '',
  ].join('\n'),
);
if (!ok) process.exitCode = 1;
