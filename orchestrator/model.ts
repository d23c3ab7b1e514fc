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
/** The attribution build: the same model with latency attribution's bookkeeping (docs/attribution.md). */
export const ATTRIBUTION_WASM_PATH = wasmPath('hypersio-attribution.wasm');

const compiled = new Map<string, WebAssembly.Module>();

function compileOnce(path: string): WebAssembly.Module {
  let module = compiled.get(path);
  if (!module) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new Error(`${path} is missing: run 'npm run build'`);
    }
    module = new WebAssembly.Module(new Uint8Array(bytes));
    compiled.set(path, module);
  }
  return module;
}

export function loadModelModule(): WebAssembly.Module {
  return compileOnce(WASM_PATH);
}

/** The attribution build, compiled once per process (on first use). */
export function loadAttributionModule(): WebAssembly.Module {
  return compileOnce(ATTRIBUTION_WASM_PATH);
}

/** Plugin variants compiled in this process, by file. */
const variants = new Map<string, WebAssembly.Module>();

/**
 * The model module a configuration needs: the default build (or the attribution build),
 * or the plugin variant of that build linking its plugin files (compiled once, cached in
 * build/models/). `log` hears when a variant is compiled.
 */
export async function loadModelFor(config: ModelConfig, options: { attribution?: boolean; log?: (line: string) => void } = {}): Promise<WebAssembly.Module> {
  const plugins = configPlugins(config);
  if (Object.keys(plugins).length === 0) return options.attribution ? loadAttributionModule() : loadModelModule();
  return loadVariantModule(await compileVariant(plugins, options.log, options.attribution ? 'attribution' : 'model'));
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
  /** The compiled model (a worker receives it once); default: loadModelFor(config, attribution). */
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
    return await simulate(options.module ?? (await loadModelFor(config, { attribution: options.attribution === true })), config, source, options);
  } catch (err) {
    if (err instanceof BadRecordError) throw new InputError(`${path}: ${err.message}`);
    throw err;
  }
}
