/**
 * Drives the WebAssembly model (sim-as/) from any JavaScript host: Node, a Piscina
 * worker, or a browser Web Worker. It needs only a compiled WebAssembly.Module and a
 * source of trace records; no Node APIs, so the browser demo imports it unchanged.
 *
 * Each simulation gets a fresh instance (cheap: the module is compiled once), so no state
 * leaks between configurations.
 */
import type { ModelConfig } from './config.js';
import { interArrivalNs } from './config.js';
import { TRACE_RECORD_BYTES } from '../core/trace-format.js';

export { TRACE_RECORD_BYTES };

/** The module's exports (sim-as/api.ts). */
interface ModelExports {
  memory: WebAssembly.Memory;
  setCacheGeometry(cache: number, size: number, assoc: number, groups: number): void;
  setModelOptions(tq: number, outOfOrder: number, selectiveAlloc: number, policy: number, interArrivalNs: bigint): void;
  setPrefetcherOptions(historyLength: number, distance: number): void;
  setSeed(seed: number): void;
  setStepEveryCycle(on: number): void;
  start(): void;
  inputBufferPointer(): number;
  inputCapacity(): number;
  feed(records: number): number;
  finish(): number;
  recordsConsumed(): number;
  simTimeNs(): number;
  translations(): number;
  packetsDropped(): number;
  throughputMbps(): number;
  nextFlowDid(from: number): number;
  flowCount(did: number): number;
  flowTimeNs(did: number): number;
  flowMbps(did: number): number;
  nextLatency(from: number): number;
  latencyCount(ns: number): number;
  latencyHistogramLimit(): number;
  cacheStat(cache: number, stat: number): number;
  cacheSetAccesses(cache: number, set: number): number;
  prefetchStat(stat: number): number;
  nextHistorySid(from: number): number;
  sidHistoryHits(sid: number): number;
  sidHistoryMisses(sid: number): number;
}

// Mirrors of sim-as/constants.ts and sim-as/api.ts.
const CACHE_IDS = { CC: 0, IOTLB: 1, L2PAGE: 2, L3PAGE: 3, PREFETCH: 4 } as const;
const POLICY_IDS = { lru: 0, lfu: 1, oracle: 2 } as const;
const STATUS_NEED_INPUT = 0;
const STATUS_DONE = 1;
const STATUS_BAD_RECORD_TYPE = -1;
const STATUS_BAD_PAGE_LEVEL = -2;

export type CacheName = keyof typeof CACHE_IDS & ('CC' | 'IOTLB' | 'L2PAGE' | 'L3PAGE');
export const CACHE_NAMES: readonly CacheName[] = ['CC', 'IOTLB', 'L2PAGE', 'L3PAGE'];

export interface CacheStats {
  hit: number;
  miss: number;
  conflict: number;
  domains: number;
  setAccesses: number[];
}

export interface FlowStats {
  timeNs: number;
  translations: number;
  mbps: number;
}

export interface PrefetcherStats {
  accesses: number;
  correctSidPredictions: number;
  incorrectSidPredictions: number;
  predictionsMade: number;
  newSidMappings: number;
  transToSameSid: number;
  transToDiffSid: number;
  bufferFill: number;
  bufferHit: number;
  bufferMiss: number;
  fillTheSame: number;
  /** Per sid: hits and misses of the page history. */
  history: Record<string, { hit: number; miss: number }>;
}

/** Everything the reference printed (same names as ../shared/golden/expected.json), plus utilization. */
export interface RunResult {
  simTimeNs: number;
  translations: number;
  packetsDropped: number;
  mbps: number;
  /** mbps / (linkGbps * 1000). */
  linkUtilization: number;
  linkGbps: number;
  flows: Record<string, FlowStats>;
  /**
   * Completed translations by modelled latency in ns (end - start: the latencies the
   * model adds up, without queueing), sparse; the key `>=N` counts the longer ones.
   */
  latencyHistogram: Record<string, number>;
  caches: Record<CacheName, CacheStats>;
  prefetcher: PrefetcherStats;
}

/**
 * A source of trace records: copies up to `maxRecords` whole records into `target`
 * (a view of the model's input buffer) and returns how many it copied; 0 = end of trace.
 */
export type RecordSource = (target: Uint8Array, maxRecords: number) => number | Promise<number>;

/** Thrown for a record the model cannot simulate; `recordIndex` is 0-based in the trace. */
export class BadRecordError extends Error {
  constructor(
    message: string,
    readonly recordIndex: number,
  ) {
    super(message);
  }
}

export interface SimulateOptions {
  /** Records per feed (at most the module's input capacity, 4096). */
  chunkRecords?: number;
  /** Called after each chunk with the number of records consumed so far. */
  onProgress?: (recordsDone: number) => void;
  /** Step every nanosecond like the reference instead of skipping idle time (verification). */
  stepEveryCycle?: boolean;
}

/** A record source over records already in memory (a file read whole, a SharedArrayBuffer). */
export function bufferSource(bytes: Uint8Array): RecordSource {
  let offset = 0;
  return (target, maxRecords) => {
    const n = Math.min(maxRecords, Math.floor((bytes.byteLength - offset) / TRACE_RECORD_BYTES));
    target.set(bytes.subarray(offset, offset + n * TRACE_RECORD_BYTES));
    offset += n * TRACE_RECORD_BYTES;
    return n;
  };
}

export async function simulate(
  module: WebAssembly.Module,
  config: ModelConfig,
  source: RecordSource,
  options: SimulateOptions = {},
): Promise<RunResult> {
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort: () => {
        throw new Error('the model aborted (internal error)');
      },
    },
  });
  const m = instance.exports as unknown as ModelExports;
  configure(m, config);
  m.setStepEveryCycle(options.stepEveryCycle ? 1 : 0);
  const chunk = Math.max(1, Math.min(options.chunkRecords ?? m.inputCapacity(), m.inputCapacity()));
  const pointer = m.inputBufferPointer();
  let status = STATUS_NEED_INPUT;
  for (;;) {
    // The view is made anew each time: the model may have grown (and so detached) memory.
    const target = new Uint8Array(m.memory.buffer, pointer, chunk * TRACE_RECORD_BYTES);
    const n = await source(target, chunk);
    status = n > 0 ? m.feed(n) : m.finish();
    checkStatus(m, status);
    options.onProgress?.(m.recordsConsumed());
    if (n === 0) break;
  }
  if (status !== STATUS_DONE) throw new Error(`the model did not finish (status ${status})`);
  return readResults(m, config);
}

function configure(m: ModelExports, config: ModelConfig): void {
  const geometry = { CC: config.cc, IOTLB: config.iotlb, L2PAGE: config.l2page, L3PAGE: config.l3page };
  for (const name of CACHE_NAMES) {
    const g = geometry[name];
    m.setCacheGeometry(CACHE_IDS[name], g.size, g.assoc, g.groups);
  }
  m.setCacheGeometry(CACHE_IDS.PREFETCH, config.prefetch.bufferSize, config.prefetch.bufferSize, 1);
  m.setModelOptions(
    config.tq,
    config.outOfOrder ? 1 : 0,
    config.selectiveAlloc ? 1 : 0,
    POLICY_IDS[config.iotlbPolicy],
    BigInt(interArrivalNs(config.linkGbps)),
  );
  m.setPrefetcherOptions(config.prefetch.historyLength, config.prefetch.distance);
  m.setSeed(config.seed);
  m.start();
}

function checkStatus(m: ModelExports, status: number): void {
  if (status >= 0) return;
  const index = m.recordsConsumed();
  if (status === STATUS_BAD_RECORD_TYPE) throw new BadRecordError(`record ${index} has a record type other than 1`, index);
  if (status === STATUS_BAD_PAGE_LEVEL) throw new BadRecordError(`record ${index} has a page level the model cannot time (not 1, 2 or 3)`, index);
  throw new Error(`the model failed with status ${status}`);
}

function readResults(m: ModelExports, config: ModelConfig): RunResult {
  const flows: Record<string, FlowStats> = {};
  for (let did = m.nextFlowDid(0); did >= 0; did = m.nextFlowDid(did + 1)) {
    flows[did] = { timeNs: m.flowTimeNs(did), translations: m.flowCount(did), mbps: m.flowMbps(did) };
  }
  const latencyHistogram: Record<string, number> = {};
  const limit = m.latencyHistogramLimit();
  for (let ns = m.nextLatency(0); ns >= 0; ns = m.nextLatency(ns + 1)) {
    latencyHistogram[ns < limit ? String(ns) : `>=${limit}`] = m.latencyCount(ns);
  }
  const caches = {} as Record<CacheName, CacheStats>;
  for (const name of CACHE_NAMES) {
    const id = CACHE_IDS[name];
    const sets = m.cacheStat(id, 4);
    const setAccesses: number[] = [];
    for (let s = 0; s < sets; s++) setAccesses.push(m.cacheSetAccesses(id, s));
    caches[name] = { hit: m.cacheStat(id, 0), miss: m.cacheStat(id, 1), conflict: m.cacheStat(id, 2), domains: m.cacheStat(id, 3), setAccesses };
  }
  const history: PrefetcherStats['history'] = {};
  for (let sid = m.nextHistorySid(0); sid >= 0; sid = m.nextHistorySid(sid + 1)) {
    history[sid] = { hit: m.sidHistoryHits(sid), miss: m.sidHistoryMisses(sid) };
  }
  const stat = (i: number) => m.prefetchStat(i);
  const mbps = m.throughputMbps();
  return {
    simTimeNs: m.simTimeNs(),
    translations: m.translations(),
    packetsDropped: m.packetsDropped(),
    mbps,
    linkUtilization: mbps / (config.linkGbps * 1000),
    linkGbps: config.linkGbps,
    flows,
    latencyHistogram,
    caches,
    prefetcher: {
      accesses: stat(0),
      correctSidPredictions: stat(1),
      incorrectSidPredictions: stat(2),
      predictionsMade: stat(3),
      newSidMappings: stat(4),
      transToSameSid: stat(5),
      transToDiffSid: stat(6),
      bufferFill: stat(7),
      bufferHit: stat(8),
      bufferMiss: stat(9),
      fillTheSame: stat(10),
      history,
    },
  };
}
