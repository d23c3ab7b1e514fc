/**
 * A Piscina worker of the sweep. It gets the compiled WebAssembly.Module once, through
 * workerData (structured clone: no recompilation), and per task a configuration and the
 * trace as a SharedArrayBuffer that every worker reads in place. Each simulate() makes a
 * fresh instance with its own memory. A trace that did not fit the sweep's memory budget
 * comes without a buffer and is streamed from disk by this worker.
 */
import { workerData } from 'node:worker_threads';
import type { ModelConfig } from './config.js';
import type { RunResult } from './model-core.js';
import { loadAttributionModule, runTraceBytes, runTraceFile } from './model.js';

export interface SweepWorkerData {
  module: WebAssembly.Module;
  /** Plugin variants of the model (plugins/compile.ts), by file. */
  variants: Record<string, WebAssembly.Module>;
  /** One BigInt64 every worker adds its simulated records to as it goes (the progress line's live rate). */
  recordsDone: SharedArrayBuffer;
}

export interface SweepTask {
  trace: string;
  config: ModelConfig;
  /** The plugin variant the configuration needs (a key of workerData.variants); absent: the default build. */
  variant?: string;
  /** The whole trace, shared by all workers; absent: stream the file. */
  shared?: SharedArrayBuffer;
  /** Attribute latencies (result.attribution), with the attribution build, compiled in the worker on first use. */
  attribution?: boolean;
  /** Test hook: make this task's worker die ('exit') or throw, as a crash would. */
  crash?: 'exit' | 'throw';
}

export interface SweepTaskResult {
  result: RunResult;
  elapsedMs: number;
}

const { module: defaultModule, variants, recordsDone } = workerData as SweepWorkerData;
const recordsCounter = new BigInt64Array(recordsDone);

export default async function runSweepTask(task: SweepTask): Promise<SweepTaskResult> {
  if (task.crash === 'exit') process.exit(70); // ends this worker thread only
  if (task.crash === 'throw') throw new Error('injected worker failure');
  // A plugin variant is of the build the task needs (the runner compiled the attribution build's with `attribution`).
  const module = task.variant !== undefined ? variants[task.variant] : task.attribution ? loadAttributionModule() : defaultModule;
  if (!module) throw new Error(`the sweep worker has no model variant ${task.variant}`);
  const started = performance.now();
  let counted = 0;
  const onProgress = (records: number) => {
    Atomics.add(recordsCounter, 0, BigInt(records - counted));
    counted = records;
  };
  const options = task.attribution ? { module, attribution: true, onProgress } : { module, onProgress };
  const result = task.shared
    ? await runTraceBytes(task.trace, new Uint8Array(task.shared), task.config, options)
    : await runTraceFile(task.trace, task.config, options);
  return { result, elapsedMs: performance.now() - started };
}
