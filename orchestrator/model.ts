/**
 * The model from Node: compiles the WebAssembly module once per process and simulates
 * trace files, streamed from disk in fixed-size chunks (memory does not grow with the
 * trace).
 */
import { closeSync, readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { projectPath } from '../core/paths.js';
import { validateConfig, type ModelConfig } from './config.js';
import { BadRecordError, bufferSource, simulate, TRACE_RECORD_BYTES, type RecordSource, type RunResult, type SimulateOptions } from './model-core.js';
import { openTrace, readFully } from '../core/trace-file.js';
import { compileVariant } from './plugins/compile.js';
import { configPlugins } from './plugins/plugin-file.js';

export type { RunResult } from './model-core.js';
export { openTrace, readFully } from '../core/trace-file.js';

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

/** Plugin variants compiled in this process, by file. */
const variants = new Map<string, WebAssembly.Module>();

/**
 * The model module a configuration needs: the default build, or the plugin variant
 * linking its plugin files (compiled once, cached in build/models/).
 */
export async function loadModelFor(config: ModelConfig, log?: (line: string) => void): Promise<WebAssembly.Module> {
  const plugins = configPlugins(config);
  if (Object.keys(plugins).length === 0) return loadModelModule();
  return loadVariantModule(await compileVariant(plugins, log));
}

/** A compiled plugin variant from its file (build/models/<key>.wasm). */
export function loadVariantModule(path: string): WebAssembly.Module {
  let module = variants.get(path);
  if (!module) {
    module = new WebAssembly.Module(new Uint8Array(readFileSync(path)));
    variants.set(path, module);
  }
  return module;
}

export interface RunTraceOptions extends SimulateOptions {
  /** The compiled model (a worker receives it once); default: loadModelFor(config). */
  module?: WebAssembly.Module;
}

/** Chunks (4096 records each) between two turns of the event loop: about 50 ms of simulation. */
const YIELD_EVERY_CHUNKS = 64;

/** Simulates `config` on the trace file at `path`, streamed from disk. */
export async function runTraceFile(path: string, config: ModelConfig, options: RunTraceOptions = {}): Promise<RunResult> {
  const { fd, records, path: file } = openTrace(path);
  let position = 0;
  // Exactly the records the file had when opened: a trace rewritten meanwhile is an error, not a mix.
  const end = records * TRACE_RECORD_BYTES;
  let chunks = 0;
  const source: RecordSource = (target, maxRecords) => {
    const want = Math.min(maxRecords * TRACE_RECORD_BYTES, end - position);
    const got = readFully(fd, target.subarray(0, want), position);
    if (got < want) throw new InputError(`${file}: the trace got shorter while it was read (changed by another program?)`);
    position += got;
    const records = got / TRACE_RECORD_BYTES;
    // Now and then let the event loop run, so Ctrl-C and SIGTERM are seen during a long run.
    return ++chunks % YIELD_EVERY_CHUNKS === 0 ? new Promise((resolve) => setImmediate(() => resolve(records))) : records;
  };
  try {
    return await runTrace(file, config, source, { totalRecords: records, ...options });
  } finally {
    closeSync(fd);
  }
}

/** Simulates `config` on a trace already in memory (read from the file `path`). */
export function runTraceBytes(path: string, bytes: Uint8Array, config: ModelConfig, options: RunTraceOptions = {}): Promise<RunResult> {
  return runTrace(path, config, bufferSource(bytes), { totalRecords: bytes.byteLength / TRACE_RECORD_BYTES, ...options });
}

async function runTrace(path: string, config: ModelConfig, source: RecordSource, options: RunTraceOptions): Promise<RunResult> {
  validateConfig(config);
  try {
    return await simulate(options.module ?? (await loadModelFor(config)), config, source, options);
  } catch (err) {
    if (err instanceof BadRecordError) throw new InputError(`${path}: ${err.message}`);
    throw err;
  }
}
