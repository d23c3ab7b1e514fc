/** Messages between the page and the model worker (model-worker.ts). */
import type { ModelConfig } from '../../orchestrator/config.js';
import type { RunResult } from '../../orchestrator/model-core.js';

/** Where the worker gets a trace: a bundled sample (by URL) or a file handed over earlier. */
export type TraceRef = { kind: 'sample'; url: string; name: string } | { kind: 'file'; key: string; name: string };

export type WorkerRequest =
  | { type: 'warm-up'; requestId: number }
  | { type: 'add-file'; key: string; name: string; bytes: ArrayBuffer }
  | { type: 'remove-file'; key: string }
  /** `attribution`: with the attribution build, the result carries where each translation's time went. */
  | { type: 'run'; requestId: number; config: ModelConfig; trace: TraceRef; attribution?: boolean }
  /** Stops run `requestId` at its next chunk (or before it starts); the worker sends no reply for it. */
  | { type: 'cancel'; requestId: number };

export type WorkerReply =
  | { type: 'progress'; requestId: number; recordsDone: number; totalRecords: number }
  | { type: 'result'; requestId: number; result: RunResult; elapsedMs: number }
  | { type: 'ready'; requestId: number }
  | { type: 'error'; requestId: number; message: string }
  /** After each add-file and remove-file: what the worker holds now. */
  | { type: 'files'; count: number; bytes: number };
