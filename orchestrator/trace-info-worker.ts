/**
 * `trace-info`'s analysis, in a worker thread: it streams and walks the whole trace
 * synchronously, so on the main thread Ctrl-C and SIGTERM would wait for the end. Here the
 * main thread stays free to see them and exit at once (trace-info writes nothing).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { traceFileAddressSpread } from '../core/address-spread.js';
import { InputError } from '../core/errors.js';
import { analyzeTrace } from '../tracegen/index.js';
import { baseConfig } from './config.js';

export type TraceInfoReply =
  | { ok: true; info: ReturnType<typeof analyzeTrace>; addressSpread: ReturnType<typeof traceFileAddressSpread> }
  | { ok: false; message: string; input: boolean };

function reply(): TraceInfoReply {
  try {
    const info = analyzeTrace((workerData as { trace: string }).trace);
    // How the translations fall into the default IOTLB and walk-cache sets.
    const addressSpread = traceFileAddressSpread(info.path, baseConfig());
    return { ok: true, info, addressSpread };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err), input: err instanceof InputError };
  }
}

parentPort?.postMessage(reply());
