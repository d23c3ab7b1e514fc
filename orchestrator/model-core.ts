/**
 * Drives the WebAssembly model (sim-as/) from any JavaScript host: Node, a Piscina
 * worker, or a browser Web Worker. It needs only a compiled WebAssembly.Module and a
 * source of trace records; no Node APIs, so the browser demo imports it unchanged.
 *
 * Each simulation gets a fresh instance (cheap: the module is compiled once), so no state
 * leaks between configurations.
 */
import { hasAttribution, readAttribution, type LatencyAttribution } from './attribution.js';
import type { ModelConfig } from './config.js';
import { interArrivalNs, offeredLinkGbps, offeredRateDiffers } from './config.js';
import { TraceRecordCheck } from '../core/trace-check.js';
import { TRACE_RECORD_BYTES } from '../core/trace-format.js';
import { InputError } from '../core/errors.js';
import { configPlugins, describePlugins, isPluginFile, PLUGIN_KIND_KEYS, type PluginKind } from './plugins/plugin-file.js';

export { TRACE_RECORD_BYTES };

/**
 * The ids and status codes the module exports by name, as immutable globals
 * (sim-as/index.ts); read with contractValue(), never copied here as numbers.
 */
type ContractName = `${'CACHE' | 'POLICY' | 'STATUS' | 'CACHE_STAT' | 'PREFETCH_STAT' | 'ATTRIBUTION'}_${string}`;

/** The module's exports (sim-as/api.ts). */
interface ModelExports {
  [name: ContractName]: WebAssembly.Global | undefined;
  memory: WebAssembly.Memory;
  setCacheGeometry(cache: number, size: number, assoc: number, groups: number): void;
  setModelOptions(tq: number, outOfOrder: number, selectiveAlloc: number, policy: number, interArrivalNs: bigint): void;
  setPrefetcherOptions(historyLength: number, distance: number): void;
  setSeed(seed: number): void;
  linkedPlugins?(): number;
  setStepEveryCycle(on: number): void;
  setIdealModes(iotlb: number, cc: number, walkCaches: number): void;
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

/** The value of the module's export `name`; a name the module lacks is an error, never 0. */
export function contractValue(m: object, name: ContractName): number {
  const global = (m as Partial<Record<ContractName, unknown>>)[name];
  if (!(global instanceof WebAssembly.Global)) throw new Error(`the model module exports no ${name} (a stale build? run 'npm run build')`);
  return global.value as number;
}

export type CacheName = 'CC' | 'IOTLB' | 'L2PAGE' | 'L3PAGE';
export const CACHE_NAMES: readonly CacheName[] = ['CC', 'IOTLB', 'L2PAGE', 'L3PAGE'];

/** Result field → the module's statistic id, by name (sim-as/api.ts). */
const CACHE_STATS = { hit: 'CACHE_STAT_HITS', miss: 'CACHE_STAT_MISSES', conflict: 'CACHE_STAT_CONFLICTS', domains: 'CACHE_STAT_DOMAINS' } as const;
const PREFETCH_STATS = {
  accesses: 'PREFETCH_STAT_ACCESSES',
  correctSidPredictions: 'PREFETCH_STAT_CORRECT',
  incorrectSidPredictions: 'PREFETCH_STAT_INCORRECT',
  predictionsMade: 'PREFETCH_STAT_PREDICTIONS',
  newSidMappings: 'PREFETCH_STAT_NEW_MAPPINGS',
  transToSameSid: 'PREFETCH_STAT_SAME_SID',
  transToDiffSid: 'PREFETCH_STAT_DIFFERENT_SID',
  bufferFill: 'PREFETCH_STAT_BUFFER_FILLS',
  bufferHit: 'PREFETCH_STAT_BUFFER_HITS',
  bufferMiss: 'PREFETCH_STAT_BUFFER_MISSES',
  fillTheSame: 'PREFETCH_STAT_BUFFER_FILLS_PRESENT',
} as const satisfies Record<Exclude<keyof PrefetcherStats, 'history'>, ContractName>;

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
  /** The rate packets were offered at: a packet every floor(12336 / linkGbps) ns (the reference's arithmetic). */
  offeredGbps: number;
  /** The offered rate is more than 1 % from linkGbps (utilization, a share of linkGbps, can then pass 100 %). */
  offeredRateDiffers: boolean;
  flows: Record<string, FlowStats>;
  /**
   * Completed translations by modelled latency in ns (end - start: the latencies the
   * model adds up, without queueing), sparse; the key `>=N` counts the longer ones.
   */
  latencyHistogram: Record<string, number>;
  caches: Record<CacheName, CacheStats>;
  prefetcher: PrefetcherStats;
  /** Where each translation's time went (docs/attribution.md); only with `attribution: true`. */
  attribution?: LatencyAttribution;
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
  /** Records in the whole trace: when given, every record is checked (type, level, mask, next access: trace-check.ts). */
  totalRecords?: number;
  /**
   * Attribute each translation's latency to its components (RunResult.attribution). The
   * module must be the attribution build (dist/hypersio-attribution.wasm); the release
   * build has none of the bookkeeping.
   */
  attribution?: boolean;
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
  let memory: WebAssembly.Memory | undefined;
  const plugins = configPlugins(config);
  const pluginNames = describePlugins(plugins);
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort: (messagePointer: number) => {
        const message = memory === undefined ? '' : readModuleString(memory, messagePointer);
        // While the model runs with plugins, an abort is a plugin's own throw or the model's
        // check of what a plugin returned (the model itself aborts only on configuration).
        if (pluginNames !== '' && pluginCodeRunning) throw new PluginTrap(`${pluginNames}: ${message.replace(/^plugin: /, '')}`);
        throw new Error(`the model aborted${message === '' ? '' : `: ${message}`} (internal error)`);
      },
    },
  });
  const m = instance.exports as unknown as ModelExports;
  memory = m.memory;
  if (options.attribution && !hasAttribution(m)) throw new Error('attribution needs the attribution build of the model (dist/hypersio-attribution.wasm), not this module');
  checkLinkedPlugins(m, plugins);
  configure(m, config, pluginNames);
  m.setStepEveryCycle(options.stepEveryCycle ? 1 : 0);
  const chunk = Math.max(1, Math.min(options.chunkRecords ?? m.inputCapacity(), m.inputCapacity()));
  const pointer = m.inputBufferPointer();
  let status = contractValue(m, 'STATUS_NEED_INPUT');
  const recordCheck = options.totalRecords !== undefined ? new TraceRecordCheck(options.totalRecords) : undefined;
  for (;;) {
    // The view is made anew each time: the model may have grown (and so detached) memory.
    const target = new Uint8Array(m.memory.buffer, pointer, chunk * TRACE_RECORD_BYTES);
    const n = await source(target, chunk);
    const problem = recordCheck?.check(target, n);
    if (problem !== undefined) throw new BadRecordError(problem, m.recordsConsumed());
    status = runPluginCode(pluginNames, () => (n > 0 ? m.feed(n) : m.finish()));
    checkStatus(m, status);
    options.onProgress?.(m.recordsConsumed());
    if (n === 0) break;
  }
  if (status !== contractValue(m, 'STATUS_DONE')) throw new Error(`the model did not finish (status ${status})`);
  const result = readResults(m, config);
  if (options.attribution && hasAttribution(m)) result.attribution = readAttribution(m, (name) => contractValue(m, name as ContractName));
  return result;
}

/**
 * A plugin failed at run time: it trapped (out of bounds, `unreachable`), threw, or
 * returned a way or set out of range. The message names the plugin file(s).
 */
export class PluginTrap extends InputError {}

let pluginCodeRunning = false;

/** `run()`, with a WebAssembly trap or an abort reported as the plugins' failure (if there are plugins). */
function runPluginCode<T>(pluginNames: string, run: () => T): T {
  if (pluginNames === '') return run();
  pluginCodeRunning = true;
  try {
    return run();
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) throw new PluginTrap(`${pluginNames}: trapped: ${err.message}`);
    throw err;
  } finally {
    pluginCodeRunning = false;
  }
}

const LINK_BITS: Record<PluginKind, number> = { iotlbPolicy: 1, prefetchScheme: 2, setIndex: 4 };

/** The module must link exactly the configuration's plugins (plugins/compile.ts builds it). */
function checkLinkedPlugins(m: ModelExports, plugins: Partial<Record<PluginKind, unknown>>): void {
  const wanted = PLUGIN_KIND_KEYS.reduce((bits, kind) => bits | (plugins[kind] ? LINK_BITS[kind] : 0), 0);
  // (A build from before the extension points, as bench:compare may load, links none.)
  const linked = typeof m.linkedPlugins === 'function' ? m.linkedPlugins() : 0;
  if (linked !== wanted) throw new Error(`the model module links plugins ${linked}, the configuration needs ${wanted} (load it with loadModelFor(config))`);
}

function configure(m: ModelExports, config: ModelConfig, pluginNames: string): void {
  const geometry = { CC: config.cc, IOTLB: config.iotlb, L2PAGE: config.l2page, L3PAGE: config.l3page };
  for (const name of CACHE_NAMES) {
    const g = geometry[name];
    m.setCacheGeometry(contractValue(m, `CACHE_${name}`), g.size, g.assoc, g.groups);
  }
  m.setCacheGeometry(contractValue(m, 'CACHE_PREFETCH_BUFFER'), config.prefetch.bufferSize, config.prefetch.bufferSize, 1);
  m.setModelOptions(
    config.tq,
    config.outOfOrder ? 1 : 0,
    config.selectiveAlloc ? 1 : 0,
    contractValue(m, isPluginFile(config.iotlbPolicy) ? 'POLICY_PLUGIN' : `POLICY_${config.iotlbPolicy.toUpperCase()}`),
    BigInt(interArrivalNs(config.linkGbps)),
  );
  m.setPrefetcherOptions(config.prefetch.historyLength, config.prefetch.distance);
  // Only when one is on: a fresh instance has them off, and builds from before them
  // (bench:compare's OLD.wasm) still run every other configuration.
  if (config.idealIotlb || config.idealCc || config.idealWalkCaches) {
    if (typeof m.setIdealModes !== 'function') throw new Error("the model module has no ideal modes (a stale build? run 'npm run build')");
    m.setIdealModes(config.idealIotlb ? 1 : 0, config.idealCc ? 1 : 0, config.idealWalkCaches ? 1 : 0);
  }
  m.setSeed(config.seed);
  runPluginCode(pluginNames, () => m.start()); // a policy plugin's init() runs here
}

function checkStatus(m: ModelExports, status: number): void {
  if (status >= 0) return;
  const index = m.recordsConsumed();
  if (status === contractValue(m, 'STATUS_BAD_RECORD_TYPE')) throw new BadRecordError(`record ${index} has a record type other than 1`, index);
  if (status === contractValue(m, 'STATUS_BAD_PAGE_LEVEL')) throw new BadRecordError(`record ${index} has a page level the model cannot time (not 1, 2 or 3)`, index);
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
    const id = contractValue(m, `CACHE_${name}`);
    const stat = (statName: ContractName) => m.cacheStat(id, contractValue(m, statName));
    const sets = stat('CACHE_STAT_SETS');
    const setAccesses: number[] = [];
    for (let s = 0; s < sets; s++) setAccesses.push(m.cacheSetAccesses(id, s));
    caches[name] = {
      hit: stat(CACHE_STATS.hit),
      miss: stat(CACHE_STATS.miss),
      conflict: stat(CACHE_STATS.conflict),
      domains: stat(CACHE_STATS.domains),
      setAccesses,
    };
  }
  const history: PrefetcherStats['history'] = {};
  for (let sid = m.nextHistorySid(0); sid >= 0; sid = m.nextHistorySid(sid + 1)) {
    history[sid] = { hit: m.sidHistoryHits(sid), miss: m.sidHistoryMisses(sid) };
  }
  const mbps = m.throughputMbps();
  return {
    simTimeNs: m.simTimeNs(),
    translations: m.translations(),
    packetsDropped: m.packetsDropped(),
    mbps,
    linkUtilization: mbps / (config.linkGbps * 1000),
    linkGbps: config.linkGbps,
    offeredGbps: offeredLinkGbps(config.linkGbps),
    offeredRateDiffers: offeredRateDiffers(config.linkGbps),
    flows,
    latencyHistogram,
    caches,
    prefetcher: {
      ...(Object.fromEntries(
        Object.entries(PREFETCH_STATS).map(([field, name]) => [field, m.prefetchStat(contractValue(m, name))]),
      ) as Omit<PrefetcherStats, 'history'>),
      history,
    },
  };
}

/** An AssemblyScript string (UTF-16, its byte length in the 4 bytes before it) from the module's memory. */
function readModuleString(memory: WebAssembly.Memory, pointer: number): string {
  if (pointer < 4 || pointer > memory.buffer.byteLength) return '';
  const bytes = new DataView(memory.buffer).getUint32(pointer - 4, true);
  return new TextDecoder('utf-16le').decode(new Uint8Array(memory.buffer, pointer, Math.min(bytes, memory.buffer.byteLength - pointer)));
}
