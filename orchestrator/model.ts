/**
 * The model from Node: compiles the WebAssembly module once per process and simulates
 * trace files, streamed from disk in fixed-size chunks (memory does not grow with the
 * trace).
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { projectPath } from '../core/paths.js';
import { validateConfig, type ModelConfig } from './config.js';
import { BadRecordError, bufferSource, simulate, TRACE_RECORD_BYTES, type RecordSource, type RunResult, type SimulateOptions } from './model-core.js';
import { traceSizeProblem } from '../core/trace-format.js';

export type { RunResult } from './model-core.js';

/** Where `npm run build:wasm` puts a WASM build: dist/<name>. */
export function wasmPath(name: string): string {
  return projectPath('dist', name);
}

export const WASM_PATH = wasmPath('hypersio.wasm');

let compiled: WebAssembly.Module | undefined;

export function loadModelModule(): WebAssembly.Module {
  if (!compiled) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(WASM_PATH);
    } catch {
      throw new Error(`${WASM_PATH} is missing: run 'npm run build'`);
    }
    compiled = new WebAssembly.Module(new Uint8Array(bytes));
  }
  return compiled;
}

/** Opens a translation trace, checking what can be checked before simulating. */
export function openTrace(path: string): { fd: number; records: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'no such trace file' : `cannot read trace (${code ?? 'error'})`}`);
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new InputError(`${path}: not a regular file`);
  }
  const problem = traceSizeProblem(path, stat.size);
  if (problem) {
    closeSync(fd);
    throw new InputError(problem);
  }
  return { fd, records: stat.size / TRACE_RECORD_BYTES };
}

export interface RunTraceOptions extends SimulateOptions {
  /** The compiled model (a worker receives it once); default: loadModelModule(). */
  module?: WebAssembly.Module;
}

/** Fills `target` from `fd` at `position` (readSync until full or end of file); returns the bytes read. */
export function readFully(fd: number, target: Uint8Array, position: number): number {
  let got = 0;
  while (got < target.length) {
    const n = readSync(fd, target, got, target.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** Simulates `config` on the trace file at `path`, streamed from disk. */
export async function runTraceFile(path: string, config: ModelConfig, options: RunTraceOptions = {}): Promise<RunResult> {
  const { fd } = openTrace(path);
  let position = 0;
  const source: RecordSource = (target, maxRecords) => {
    const got = readFully(fd, target.subarray(0, maxRecords * TRACE_RECORD_BYTES), position);
    position += got;
    return Math.floor(got / TRACE_RECORD_BYTES);
  };
  try {
    return await runTrace(path, config, source, options);
  } finally {
    closeSync(fd);
  }
}

/** Simulates `config` on a trace already in memory (read from the file `path`). */
export function runTraceBytes(path: string, bytes: Uint8Array, config: ModelConfig, options: RunTraceOptions = {}): Promise<RunResult> {
  return runTrace(path, config, bufferSource(bytes), options);
}

async function runTrace(path: string, config: ModelConfig, source: RecordSource, options: RunTraceOptions): Promise<RunResult> {
  validateConfig(config);
  try {
    return await simulate(options.module ?? loadModelModule(), config, source, options);
  } catch (err) {
    if (err instanceof BadRecordError) throw new InputError(`${path}: ${err.message}`);
    throw err;
  }
}
