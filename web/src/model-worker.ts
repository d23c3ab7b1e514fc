/**
 * Runs the model off the page's main thread. It uses the same WebAssembly builds
 * (dist/hypersio.wasm, and dist/hypersio-attribution.wasm for a run that attributes its
 * latencies) and the same driver (orchestrator/model-core.ts) as the CLI, and streams
 * each trace through it in chunks of 4096 records as the CLI does.
 */
import wasmUrl from '../../dist/hypersio.wasm?url';
import attributionWasmUrl from '../../dist/hypersio-attribution.wasm?url';
import { validateConfig } from '../../orchestrator/config.js';
import { BadRecordError, bufferSource, simulate, TRACE_RECORD_BYTES, type RecordSource } from '../../orchestrator/model-core.js';
import type { TraceRef, WorkerReply, WorkerRequest } from './protocol.js';
import { traceSizeProblem } from '../../core/trace-format.js';

const CHUNK_RECORDS = 4096;
/** Progress messages at most this often, so that posting does not slow the run. */
const PROGRESS_INTERVAL_MS = 40;
/** A running model lets the worker read its messages this often, so that a cancel is seen. */
const YIELD_INTERVAL_MS = 25;

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
}
const scope = self as unknown as WorkerScope;

const compiledModels = new Map<string, Promise<WebAssembly.Module>>();
/** Each build compiled once per worker (on first use); every run instantiates it afresh (model-core.ts). */
function modelModule(url = wasmUrl): Promise<WebAssembly.Module> {
  let compiled = compiledModels.get(url);
  // fetch + compile (not compileStreaming): works even where a host serves .wasm with a generic type.
  compiled ??= fetch(url)
    .then((response) => {
      if (!response.ok) throw new Error(`cannot load the model (${response.status} ${response.statusText})`);
      return response.arrayBuffer();
    })
    .then((bytes) => WebAssembly.compile(bytes));
  compiledModels.set(url, compiled);
  return compiled;
}

/** Bundled samples by URL, fetched once. */
const samples = new Map<string, Promise<Uint8Array>>();
/** Files handed over by the page, by key, until it removes them. */
const files = new Map<string, Uint8Array>();

function reportFiles(): void {
  let bytes = 0;
  for (const file of files.values()) bytes += file.byteLength;
  scope.postMessage({ type: 'files', count: files.size, bytes });
}

async function fetchSample(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load sample ${url} (${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // A host may already have inflated it (Content-Encoding: gzip); gzip starts with 1f 8b.
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

async function traceBytes(trace: TraceRef): Promise<Uint8Array> {
  if (trace.kind === 'file') {
    const bytes = files.get(trace.key);
    if (!bytes) throw new Error(`${trace.name}: the file is no longer loaded`);
    return bytes;
  }
  let bytes = samples.get(trace.url);
  if (!bytes) {
    bytes = fetchSample(trace.url);
    bytes.catch(() => samples.delete(trace.url));
    samples.set(trace.url, bytes);
  }
  return bytes;
}

/** Requests the page has cancelled; each is seen at the run's next yield (or before it starts). */
const cancelled = new Set<number>();
class Cancelled extends Error {}

/** A fresh task (not a microtask, and not a clamped setTimeout): lets queued messages in. */
const yieldChannel = new MessageChannel();
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    yieldChannel.port1.onmessage = () => resolve();
    yieldChannel.port2.postMessage(null);
  });
}

/** `source`, pausing every YIELD_INTERVAL_MS to read messages, stopping once request `requestId` is cancelled. */
function cancellable(source: RecordSource, requestId: number): RecordSource {
  let lastYield = performance.now();
  return async (target, maxRecords) => {
    if (performance.now() - lastYield >= YIELD_INTERVAL_MS) {
      await nextTask();
      lastYield = performance.now();
    }
    if (cancelled.has(requestId)) throw new Cancelled();
    return source(target, maxRecords);
  };
}

async function run(request: Extract<WorkerRequest, { type: 'run' }>): Promise<void> {
  const { requestId, config, trace, attribution } = request;
  try {
    if (cancelled.has(requestId)) return;
    validateConfig(config);
    const [module, bytes] = await Promise.all([modelModule(attribution ? attributionWasmUrl : wasmUrl), traceBytes(trace)]);
    const problem = traceSizeProblem(trace.name, bytes.byteLength);
    if (problem) throw new Error(problem);
    const totalRecords = bytes.byteLength / TRACE_RECORD_BYTES;
    const started = performance.now();
    let lastProgress = started;
    const result = await simulate(module, config, cancellable(bufferSource(bytes), requestId), {
      chunkRecords: CHUNK_RECORDS,
      // Next-access indices checked as the CLI checks them (core/trace-check.ts).
      totalRecords,
      attribution: attribution === true,
      onProgress: (recordsDone) => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
        lastProgress = now;
        scope.postMessage({ type: 'progress', requestId, recordsDone, totalRecords });
      },
    });
    scope.postMessage({ type: 'result', requestId, result, elapsedMs: performance.now() - started });
  } catch (err) {
    if (err instanceof Cancelled) return; // the page stopped waiting when it cancelled
    const message = err instanceof Error ? err.message : String(err);
    // The CLI names the file before a record problem; so does the page.
    const named = err instanceof BadRecordError ? `${trace.name}: ${message}` : message;
    scope.postMessage({ type: 'error', requestId, message: named });
  } finally {
    cancelled.delete(requestId);
  }
}

// One request at a time, in order: a run must not interleave with the next at its awaits.
// File and cancel messages act at once (a run in progress sees a cancel at its next yield).
let queue = Promise.resolve();
scope.addEventListener('message', (event) => {
  const request = event.data;
  switch (request.type) {
    case 'add-file':
      files.set(request.key, new Uint8Array(request.bytes));
      reportFiles();
      return;
    case 'remove-file':
      files.delete(request.key);
      reportFiles();
      return;
    case 'cancel':
      cancelled.add(request.requestId);
      return;
    case 'warm-up': {
      const { requestId } = request;
      queue = queue.then(() =>
        modelModule().then(
          () => scope.postMessage({ type: 'ready', requestId }),
          (err: unknown) => scope.postMessage({ type: 'error', requestId, message: err instanceof Error ? err.message : String(err) }),
        ),
      );
      return;
    }
    case 'run':
      queue = queue.then(() => run(request));
  }
});
