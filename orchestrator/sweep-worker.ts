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
import { runTraceBytes, runTraceFile } from './model.js';

export interface SweepWorkerData {
  module: WebAssembly.Module;
  /** One BigInt64 every worker adds its simulated records to as it goes (the progress line's live rate). */
  recordsDone: SharedArrayBuffer;
}

export interface SweepTask {
  trace: string;
  config: ModelConfig;
  /** The whole trace, shared by all workers; absent: stream the file. */
  shared?: SharedArrayBuffer;
  /** Test hook: make this task's worker die ('exit') or throw, as a crash would. */
  crash?: 'exit' | 'throw';
}

export interface SweepTaskResult {
  result: RunResult;
  elapsedMs: number;
}

const { module, recordsDone } = workerData as SweepWorkerData;
const recordsCounter = new BigInt64Array(recordsDone);

export default async function runSweepTask(task: SweepTask): Promise<SweepTaskResult> {
  if (task.crash === 'exit') process.exit(70); // ends this worker thread only
  if (task.crash === 'throw') throw new Error('injected worker failure');
  const started = performance.now();
  let counted = 0;
  const onProgress = (records: number) => {
    Atomics.add(recordsCounter, 0, BigInt(records - counted));
    counted = records;
  };
  const result = task.shared
    ? await runTraceBytes(task.trace, new Uint8Array(task.shared), task.config, { module, onProgress })
    : await runTraceFile(task.trace, task.config, { module, onProgress });
  return { result, elapsedMs: performance.now() - started };
}
