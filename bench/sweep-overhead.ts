/**
 * `npm run bench:sweep-overhead`: what a sweep costs per configuration beyond the
 * simulation itself (worker start, instance creation, trace sharing, result writing), on
 * the 1024-tenant bench trace. A one-worker sweep of 8 configurations is timed whole
 * and set against the same 8 configurations simulated in this process on the trace in
 * memory; rounds alternate the two and the best of each counts (SWEEP_OVERHEAD_ROUNDS,
 * default 3). Both CPU time (this process and its worker threads: what the sweep costs,
 * little disturbed by other processes) and wall time are compared. Goal (issue 15):
 * under 5 %.
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
const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

const trace = await benchTrace(1024);
const spec: SweepSpec = { traces: [trace.path], axes: { tq: [1, 32], iotlbSize: [64, 256, 1024, 4096] } };
const scratch = mkdtempSync(join(tmpdir(), 'hypersio-sweep-overhead-'));
try {
  const bytes = readTrace(trace.path);
  const module = compileModel(WASM_PATH);
  const best = { sweepCpu: Infinity, sweepWall: Infinity, inProcessCpu: Infinity, inProcessWall: Infinity };
  let configs: ModelConfig[] = [];
  for (let round = -1; round < ROUNDS; round++) {
    const cpu = process.cpuUsage();
    const summary = await runSweep(spec, { out: join(scratch, `r${round}`), workers: 1, progress: 'none', charts: false });
    const sweepCpu = cpuSeconds(process.cpuUsage(cpu));
    if (summary.failed > 0 || summary.ran !== 8) throw new Error(`sweep: ${summary.failed} failed, ${summary.ran} ran`);
    configs = summary.records.map((r) => r.config);
    let inProcessCpu = 0;
    let inProcessWall = 0;
    for (const config of configs) {
      const t = await timeSimulation(module, config, bytes);
      inProcessCpu += t.seconds;
      inProcessWall += t.wallSeconds;
    }
    if (round < 0) continue; // warm-up
    best.sweepCpu = Math.min(best.sweepCpu, sweepCpu);
    best.sweepWall = Math.min(best.sweepWall, summary.elapsedMs / 1000);
    best.inProcessCpu = Math.min(best.inProcessCpu, inProcessCpu);
    best.inProcessWall = Math.min(best.inProcessWall, inProcessWall);
  }
  const overhead = best.sweepCpu / best.inProcessCpu - 1;
  const wallOverhead = best.sweepWall / best.inProcessWall - 1;
  const perConfigMs = ((best.sweepCpu - best.inProcessCpu) * 1000) / configs.length;
  console.log(`trace: 1024 tenants, ${trace.translations.toLocaleString('en-US')} translations; ${configs.length} configurations (tq 1, 32 x IOTLB 64-4096), 1 worker; best of ${ROUNDS}, alternated`);
  console.log(`CPU time: in-process ${best.inProcessCpu.toFixed(3)} s, sweep ${best.sweepCpu.toFixed(3)} s; wall time: in-process ${best.inProcessWall.toFixed(3)} s, sweep ${best.sweepWall.toFixed(3)} s`);
  console.log(
    `overhead: ${perConfigMs.toFixed(1)} CPU ms per configuration = ${(overhead * 100).toFixed(1)} % (goal < ${GOAL * 100} %): ${overhead < GOAL ? 'ok' : 'ABOVE GOAL'}; ` +
      `wall time ${(wallOverhead * 100).toFixed(1)} %`,
  );
  console.log(JSON.stringify({ bench: 'sweep-overhead', ...best, overhead, wallOverhead, perConfigMs }));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
