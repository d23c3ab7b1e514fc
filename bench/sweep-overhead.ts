/**
 * `npm run bench:sweep-overhead`: what a sweep costs per configuration beyond the
 * simulation itself (worker start, instance creation, trace sharing, result writing), on
 * the 1024-tenant bench trace. A one-worker sweep of 8 configurations is timed whole
 * and set against the same 8 configurations simulated in this process on the trace in
 * memory; rounds alternate the two and the best of each counts (SWEEP_OVERHEAD_ROUNDS,
 * default 3). Goal (issue 15): under 5 %.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASM_PATH } from '../orchestrator/model.js';
import { runSweep } from '../orchestrator/sweep/runner.js';
import type { SweepSpec } from '../orchestrator/sweep/spec.js';
import type { ModelConfig } from '../orchestrator/config.js';
import { benchTrace, compileModel, readTrace, timeSimulation } from './in-process.js';

const ROUNDS = Number(process.env['SWEEP_OVERHEAD_ROUNDS'] ?? 3);
const GOAL = 0.05;

const trace = await benchTrace(1024);
const spec: SweepSpec = { traces: [trace.path], axes: { tq: [1, 32], iotlbSize: [64, 256, 1024, 4096] } };
const scratch = mkdtempSync(join(tmpdir(), 'hypersio-sweep-overhead-'));
try {
  const bytes = readTrace(trace.path);
  const module = compileModel(WASM_PATH);
  let sweepBest = Infinity;
  let workerBest = Infinity;
  let inProcessBest = Infinity;
  let configs: ModelConfig[] = [];
  for (let round = -1; round < ROUNDS; round++) {
    const summary = await runSweep(spec, { out: join(scratch, `r${round}`), workers: 1, progress: 'none', charts: false });
    if (summary.failed > 0 || summary.ran !== 8) throw new Error(`sweep: ${summary.failed} failed, ${summary.ran} ran`);
    configs = summary.records.map((r) => r.config);
    let inProcess = 0;
    for (const config of configs) inProcess += (await timeSimulation(module, config, bytes)).seconds;
    if (round < 0) continue; // warm-up
    sweepBest = Math.min(sweepBest, summary.elapsedMs / 1000);
    workerBest = Math.min(workerBest, summary.records.reduce((sum, r) => sum + r.elapsedMs, 0) / 1000);
    inProcessBest = Math.min(inProcessBest, inProcess);
  }
  const overhead = sweepBest / inProcessBest - 1;
  const perConfigMs = ((sweepBest - inProcessBest) * 1000) / configs.length;
  console.log(`trace: 1024 tenants, ${trace.translations.toLocaleString('en-US')} translations; ${configs.length} configurations (tq 1, 32 x IOTLB 64-4096), 1 worker`);
  console.log(`in-process simulations: ${inProcessBest.toFixed(3)} s; sweep: ${sweepBest.toFixed(3)} s whole (${workerBest.toFixed(3)} s inside the worker) (best of ${ROUNDS}, alternated)`);
  console.log(`overhead: ${perConfigMs.toFixed(1)} ms per configuration = ${(overhead * 100).toFixed(1)} % (goal < ${GOAL * 100} %): ${overhead < GOAL ? 'ok' : 'ABOVE GOAL'}`);
  console.log(JSON.stringify({ bench: 'sweep-overhead', inProcessSeconds: inProcessBest, sweepSeconds: sweepBest, workerSeconds: workerBest, overhead, perConfigMs }));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
