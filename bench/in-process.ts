/**
 * What the benchmarks share: the deterministic bench traces (built once in build/bench/)
 * and the simulation's own cost, measured in this process on a trace held in memory
 * (best of N after a warm-up run, so neither compilation nor the page cache counts).
 * The cost is the process's CPU time, which other processes on a busy machine disturb
 * far less than wall time (the simulation is single-threaded; wall time is kept too).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { projectPath } from '../core/paths.js';
import { TRACE_RECORD_BYTES } from '../core/trace-format.js';
import type { ModelConfig } from '../orchestrator/config.js';
import { bufferSource, simulate, type RunResult, type SimulateOptions } from '../orchestrator/model-core.js';
import { synthesizeTrace } from '../tracegen/synth.js';

export const benchDir = projectPath('build', 'bench');

/**
 * The bench workload: `tenants` tenants round-robin, 500 packets (1500 translations) each,
 * with the reference's sid layout (24 devices per log: 688 distinct sids for 1024
 * tenants). The name says so, so a trace cached by an older build (one sid per tenant) is
 * not reused.
 */
export async function benchTrace(tenants: number): Promise<{ path: string; translations: number }> {
  const path = resolve(benchDir, `bench-sid24_tnt_${tenants}_rr3_iotlb_trace.bin`);
  if (!existsSync(path)) {
    const made = await synthesizeTrace({ tenants, packets: 500, order: 'rr', seed: 1, devicesPerLog: 24, name: 'bench-sid24', outDir: benchDir });
    if (made.path !== path) throw new Error(`unexpected trace name ${made.path}`);
  }
  return { path, translations: tenants * 1500 };
}

export function readTrace(path: string): Uint8Array {
  const bytes = readFileSync(path);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength - (bytes.byteLength % TRACE_RECORD_BYTES));
}

export function compileModel(wasmFile: string): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(wasmFile));
}

export interface Timed {
  /** CPU seconds of this process. */
  seconds: number;
  wallSeconds: number;
  result: RunResult;
}

/** One simulation of `bytes` in this process, timed. */
export async function timeSimulation(module: WebAssembly.Module, config: ModelConfig, bytes: Uint8Array, options: SimulateOptions = {}): Promise<Timed> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await simulate(module, config, bufferSource(bytes), options);
  const used = process.cpuUsage(cpu);
  return { seconds: (used.user + used.system) / 1e6, wallSeconds: (performance.now() - started) / 1000, result };
}

/** The best of `repeats` timed simulations after one untimed warm-up. */
export async function bestSimulation(module: WebAssembly.Module, config: ModelConfig, bytes: Uint8Array, repeats: number): Promise<Timed> {
  await timeSimulation(module, config, bytes);
  let best: Timed | undefined;
  for (let i = 0; i < repeats; i++) {
    const t = await timeSimulation(module, config, bytes);
    if (!best || t.seconds < best.seconds) best = t;
  }
  return best!;
}

export const nsPerTranslation = (t: Timed): number => (t.seconds * 1e9) / t.result.translations;
