/** The page's side of the model worker: one promise per request, replies matched by id. */
import type { ModelConfig } from '../../orchestrator/config.js';
import type { RunResult } from '../../orchestrator/model-core.js';
import type { TraceRef, WorkerReply, WorkerRequest } from './protocol.js';

export interface RunOutcome {
  result: RunResult;
  elapsedMs: number;
}

export interface RunOptions {
  onProgress?: (recordsDone: number, totalRecords: number) => void;
  /** Aborting cancels the run in the worker and rejects with RunCancelled at once. */
  signal?: AbortSignal;
  /** Attribute the latencies (result.attribution), with the attribution build. */
  attribution?: boolean;
}

/** A run stopped by its AbortSignal. */
export class RunCancelled extends Error {
  constructor() {
    super('the run was cancelled');
  }
}

interface Pending {
  resolve(reply: WorkerReply): void;
  reject(error: Error): void;
  onProgress?: RunOptions['onProgress'];
}

export class ModelClient {
  private nextRequestId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Called with what the worker holds after each file is added or removed. */
  onFilesHeld?: (count: number, bytes: number) => void;

  constructor(private readonly worker: Worker) {
    worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => this.receive(event.data));
    worker.addEventListener('error', (event) => {
      // A worker that fails to load fails every request still waiting.
      const error = new Error(event.message || 'the model worker failed to start');
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
  }

  /** Resolves once the worker has compiled the model. */
  async ready(): Promise<void> {
    await this.request((requestId) => ({ type: 'warm-up', requestId }));
  }

  /** Hands a loaded trace file to the worker (transferred: `bytes` is unusable afterwards). */
  addFile(key: string, name: string, bytes: ArrayBuffer): void {
    this.post({ type: 'add-file', key, name, bytes }, [bytes]);
  }

  /** Lets the worker drop a file handed over earlier. */
  removeFile(key: string): void {
    this.post({ type: 'remove-file', key });
  }

  async run(config: ModelConfig, trace: TraceRef, options: RunOptions = {}): Promise<RunOutcome> {
    const { signal } = options;
    if (signal?.aborted) throw new RunCancelled();
    let requestId = 0;
    const onAbort = () => {
      const pending = this.pending.get(requestId);
      if (!pending) return;
      this.pending.delete(requestId);
      this.post({ type: 'cancel', requestId });
      pending.reject(new RunCancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reply = await this.request((id) => {
        requestId = id;
        return { type: 'run', requestId, config, trace, ...(options.attribution ? { attribution: true } : {}) };
      }, options.onProgress);
      if (reply.type !== 'result') throw new Error(`unexpected reply '${reply.type}' from the model worker`);
      return { result: reply.result, elapsedMs: reply.elapsedMs };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private post(message: WorkerRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private request(make: (requestId: number) => WorkerRequest, onProgress?: Pending['onProgress']): Promise<WorkerReply> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject, onProgress });
      this.post(make(requestId));
    });
  }

  private receive(reply: WorkerReply): void {
    if (reply.type === 'files') {
      this.onFilesHeld?.(reply.count, reply.bytes);
      return;
    }
    const pending = this.pending.get(reply.requestId);
    if (!pending) return;
    if (reply.type === 'progress') {
      pending.onProgress?.(reply.recordsDone, reply.totalRecords);
      return;
    }
    this.pending.delete(reply.requestId);
    if (reply.type === 'error') pending.reject(new Error(reply.message));
    else pending.resolve(reply);
  }
}
