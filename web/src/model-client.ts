/** The page's side of the model worker: one promise per request, replies matched by id. */
import type { ModelConfig } from '../../orchestrator/config.js';
import type { RunResult } from '../../orchestrator/model-core.js';
import type { TraceRef, WorkerReply, WorkerRequest } from './protocol.js';

export interface RunOutcome {
  result: RunResult;
  elapsedMs: number;
}

interface Pending {
  resolve(reply: WorkerReply): void;
  reject(error: Error): void;
  onProgress?: (recordsDone: number, totalRecords: number) => void;
}

export class ModelClient {
  private nextRequestId = 1;
  private readonly pending = new Map<number, Pending>();

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
    const message: WorkerRequest = { type: 'add-file', key, name, bytes };
    this.worker.postMessage(message, [bytes]);
  }

  async run(config: ModelConfig, trace: TraceRef, onProgress?: Pending['onProgress']): Promise<RunOutcome> {
    const reply = await this.request((requestId) => ({ type: 'run', requestId, config, trace }), onProgress);
    if (reply.type !== 'result') throw new Error(`unexpected reply '${reply.type}' from the model worker`);
    return { result: reply.result, elapsedMs: reply.elapsedMs };
  }

  private request(make: (requestId: number) => WorkerRequest, onProgress?: Pending['onProgress']): Promise<WorkerReply> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject, onProgress });
      this.worker.postMessage(make(requestId));
    });
  }

  private receive(reply: WorkerReply): void {
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
