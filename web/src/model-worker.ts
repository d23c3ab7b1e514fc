/**
 * Runs the model off the page's main thread. It uses the same WebAssembly build
 * (dist/hypersio.wasm) and the same driver (orchestrator/model-core.ts) as the CLI, and
 * streams each trace through it in chunks of 4096 records as the CLI does.
 */
import wasmUrl from '../../dist/hypersio.wasm?url';
import { validateConfig } from '../../orchestrator/config.js';
import { BadRecordError, bufferSource, simulate, TRACE_RECORD_BYTES } from '../../orchestrator/model-core.js';
import type { TraceRef, WorkerReply, WorkerRequest } from './protocol.js';
import { traceSizeProblem } from '../../core/trace-format.js';

const CHUNK_RECORDS = 4096;
/** Progress messages at most this often, so that posting does not slow the run. */
const PROGRESS_INTERVAL_MS = 40;

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
}
const scope = self as unknown as WorkerScope;

let compiledModel: Promise<WebAssembly.Module> | undefined;
/** Compiled once per worker; every run instantiates it afresh (model-core.ts). */
function modelModule(): Promise<WebAssembly.Module> {
  // fetch + compile (not compileStreaming): works even where a host serves .wasm with a generic type.
  compiledModel ??= fetch(wasmUrl)
    .then((response) => {
      if (!response.ok) throw new Error(`cannot load the model (${response.status} ${response.statusText})`);
      return response.arrayBuffer();
    })
    .then((bytes) => WebAssembly.compile(bytes));
  return compiledModel;
}

const traces = new Map<string, Promise<Uint8Array>>();

async function fetchSample(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load sample ${url} (${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // A host may already have inflated it (Content-Encoding: gzip); gzip starts with 1f 8b.
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

function traceBytes(trace: TraceRef): Promise<Uint8Array> {
  if (trace.kind === 'file') {
    const bytes = traces.get(`file:${trace.key}`);
    if (!bytes) throw new Error(`${trace.name}: the file is no longer loaded`);
    return bytes;
  }
  const key = `sample:${trace.url}`;
  let bytes = traces.get(key);
  if (!bytes) {
    bytes = fetchSample(trace.url);
    bytes.catch(() => traces.delete(key));
    traces.set(key, bytes);
  }
  return bytes;
}

async function run(request: Extract<WorkerRequest, { type: 'run' }>): Promise<void> {
  const { requestId, config, trace } = request;
  try {
    validateConfig(config);
    const [module, bytes] = await Promise.all([modelModule(), traceBytes(trace)]);
    const problem = traceSizeProblem(trace.name, bytes.byteLength);
    if (problem) throw new Error(problem);
    const totalRecords = bytes.byteLength / TRACE_RECORD_BYTES;
    const started = performance.now();
    let lastProgress = started;
    const result = await simulate(module, config, bufferSource(bytes), {
      chunkRecords: CHUNK_RECORDS,
      onProgress: (recordsDone) => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
        lastProgress = now;
        scope.postMessage({ type: 'progress', requestId, recordsDone, totalRecords });
      },
    });
    scope.postMessage({ type: 'result', requestId, result, elapsedMs: performance.now() - started });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // The CLI names the file before a record problem; so does the page.
    const named = err instanceof BadRecordError ? `${trace.name}: ${message}` : message;
    scope.postMessage({ type: 'error', requestId, message: named });
  }
}

// One request at a time, in order: a run must not interleave with the next at its awaits.
let queue = Promise.resolve();
scope.addEventListener('message', (event) => {
  const request = event.data;
  if (request.type === 'add-file') {
    traces.set(`file:${request.key}`, Promise.resolve(new Uint8Array(request.bytes)));
    return;
  }
  if (request.type === 'warm-up') {
    const { requestId } = request;
    queue = queue.then(() =>
      modelModule().then(
        () => scope.postMessage({ type: 'ready', requestId }),
        (err: unknown) => scope.postMessage({ type: 'error', requestId, message: err instanceof Error ? err.message : String(err) }),
      ),
    );
    return;
  }
  queue = queue.then(() => run(request));
});
