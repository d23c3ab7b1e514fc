/**
 * results.jsonl: one compact JSON line per finished configuration (its detail in
 * details/<id>.json), appended the moment it finishes. Each line is one write() on an O_APPEND descriptor, so a killed sweep leaves
 * at most one torn last line, which a resumed sweep cuts off before appending.
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFilesAtomically } from '../../core/atomic-write.js';
import { InputError } from '../../core/errors.js';
import { TRANSLATIONS_PER_PACKET } from '../../core/trace-format.js';
import { PACKET_BYTES, type ModelConfig } from '../parameters.js';
import type { CacheName, CacheStats, PrefetcherStats, RunResult } from '../model-core.js';
import { configCostBytes, type CostModel } from '../cost-model-core.js';
import { SWEEP_AXES, type AxisValue } from './axes.js';
import { jobId, type SweepJob } from './spec.js';

export const RESULTS_FILE = 'results.jsonl';
export const CSV_FILE = 'results.csv';

export type SweepStatus = 'ok' | 'failed';

/**
 * One line of results.jsonl, compact whatever the tenant count: identity, `trace`, every
 * parameter (top level, by axis key), `status` (+ `error`), `config`, the RunResult's
 * scalar statistics, and a per-tenant summary (`flowCount`, slowest and fastest flow,
 * `fairness`). The per-flow, per-set, per-sid and latency detail goes to a side file,
 * `details/<id>.json` (`detail` names it); withDetail() puts a record back together into
 * exactly what `run --json` prints.
 */
export interface SweepRecord extends Partial<Omit<RunResult, DetailKey>> {
  /** Totals per cache; per-set accesses are in the detail. */
  caches?: Record<CacheName, Omit<CacheStats, 'setAccesses'>>;
  /** The prefetcher's counters; per-sid history is in the detail. */
  prefetcher?: Omit<PrefetcherStats, 'history'>;
  id: string;
  /** The trace's content fingerprint (part of the id; absent in records of older versions). */
  traceFingerprint?: string;
  /** Position in the full grid of the sweep that wrote it (orders merged shards). */
  gridIndex: number;
  trace: string;
  workload: string;
  tenants: number | null;
  status: SweepStatus;
  error?: string;
  /** Wall time of the simulation in the worker. */
  elapsedMs: number;
  config: ModelConfig;
  /** Bytes of storage of the configuration's hardware (the cost model, docs/cost-model.md). */
  costBytes?: number;
  /** The side file with the detail, relative to the output folder (ok records). */
  detail?: string;
  flowCount?: number;
  /** Mb/s of the slowest and the fastest flow (unrounded). */
  slowestFlowMbps?: number;
  fastestFlowMbps?: number;
  /** Jain's fairness index of the flows' Mb/s: 1 = all equal, 1/n = one flow has it all. */
  fairness?: number;
  [parameter: string]: unknown;
}

/** What a record leaves to its side file. */
type DetailKey = 'flows' | 'latencyHistogram' | 'caches' | 'prefetcher' | 'attribution';
export const DETAIL_DIR = 'details';

/** A configuration's detail: the parts of `run --json` that grow with tenants, sets or sids. */
export type RecordDetail = Pick<RunResult, DetailKey>;

export function detailPath(id: string): string {
  return `${DETAIL_DIR}/${id}.json`;
}

/** Per-flow Mb/s, unrounded (the model's own figures are the reference's integers). */
function flowSummary(flows: RunResult['flows']) {
  const rates = Object.values(flows).map((f) => (f.timeNs > 0 ? (Math.floor(f.translations / TRANSLATIONS_PER_PACKET) * PACKET_BYTES * 8 * 1000) / f.timeNs : 0));
  if (rates.length === 0) return { flowCount: 0 };
  const sum = rates.reduce((a, b) => a + b, 0);
  const squares = rates.reduce((a, b) => a + b * b, 0);
  return { flowCount: rates.length, slowestFlowMbps: Math.min(...rates), fastestFlowMbps: Math.max(...rates), fairness: squares > 0 ? (sum * sum) / (rates.length * squares) : 1 };
}

/** The compact line and the side file's content of a finished configuration. */
export function okRecord(job: SweepJob, result: RunResult, elapsedMs: number, costModel?: CostModel): { record: SweepRecord; detail: RecordDetail } {
  // Tenants from the trace name when it follows the reference's naming, else the flows seen.
  const tenants = job.tenants ?? Object.keys(result.flows).length;
  const { flows, latencyHistogram, caches, prefetcher, attribution, ...scalars } = result;
  const { history: _perSid, ...prefetcherScalars } = prefetcher;
  const cacheTotals = Object.fromEntries(Object.entries(caches).map(([name, { setAccesses: _perSet, ...totals }]) => [name, totals])) as SweepRecord['caches'];
  const record: SweepRecord = {
    ...recordHead(job, 'ok'),
    tenants,
    elapsedMs,
    trace: job.trace,
    config: job.config,
    costBytes: configCostBytes(job.config, costModel),
    ...scalars,
    caches: cacheTotals,
    prefetcher: prefetcherScalars,
    ...flowSummary(flows),
    detail: detailPath(job.id),
  };
  return { record, detail: { flows, latencyHistogram, caches, prefetcher, ...(attribution ? { attribution } : {}) } };
}

/**
 * The side file of an ok record, checked against the record (an edited or swapped file
 * does not match its totals). An InputError names the file; a missing one also says which
 * command writes it again.
 */
export function readDetail(outDir: string, record: SweepRecord): RecordDetail {
  const path = join(outDir, record.detail ?? detailPath(record.id));
  let detail: RecordDetail;
  try {
    detail = JSON.parse(readFileSync(path, 'utf8')) as RecordDetail;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${path}: missing (the detail of configuration ${record.id}); \`hypersio sweep\` with the same flags and --out-dir ${outDir} runs that configuration again and rewrites it`);
    throw new InputError(`${path}: ${code ? `cannot read the detail of ${record.id} (${code})` : 'not valid JSON'}`);
  }
  const problem = detailProblem(record, detail);
  if (problem !== undefined) throw new InputError(`${path}: ${problem} (not the detail of configuration ${record.id}; remove it and run the sweep again to rewrite it)`);
  return detail;
}

function detailProblem(record: SweepRecord, detail: unknown): string | undefined {
  const d = detail as Partial<RecordDetail> | null;
  const isObject = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isObject(d) || !isObject(d!.flows) || !isObject(d!.caches) || !isObject(d!.prefetcher) || d!.latencyHistogram === undefined) return 'not a configuration detail (flows, caches, prefetcher, latencyHistogram)';
  if (record.flowCount !== undefined && Object.keys(d!.flows!).length !== record.flowCount) return `${Object.keys(d!.flows!).length} flows where the record has ${record.flowCount}`;
  for (const [name, totals] of Object.entries(record.caches ?? {})) {
    const cache = (d!.caches as Record<string, Partial<CacheStats>>)[name];
    if (cache?.hit !== totals.hit || cache.miss !== totals.miss) return `cache ${name}: hits and misses differ from the record's`;
  }
  return undefined;
}

/**
 * A record with its side file merged back: `config` and every statistic of `run --json`.
 * `outDir` is the folder holding the record's results.jsonl. A missing or mismatched side
 * file is an InputError naming it (readDetail).
 */
export function withDetail(outDir: string, record: SweepRecord): SweepRecord | (Omit<SweepRecord, DetailKey> & RecordDetail) {
  if (record.detail === undefined) return record;
  return { ...record, ...readDetail(outDir, record) };
}

export function failedRecord(job: SweepJob, error: string, elapsedMs = 0, costModel?: CostModel): SweepRecord {
  return { ...recordHead(job, 'failed'), error: oneLine(error), elapsedMs, config: job.config, costBytes: configCostBytes(job.config, costModel) };
}

function recordHead(job: SweepJob, status: SweepStatus) {
  const parameters: Record<string, AxisValue | null> = job.parameters;
  return { id: job.id, traceFingerprint: job.traceFingerprint, gridIndex: job.index, trace: job.trace, workload: job.workload, tenants: job.tenants, ...parameters, status };
}

function oneLine(text: string): string {
  return text.split('\n')[0]?.trim() || 'unknown error';
}

/**
 * Complete lines of a results file; missing file = none. A torn last line (no newline: a
 * killed sweep) is skipped; any other line that is not a record (a hand edit) is an
 * InputError naming file and line, never silently dropped.
 */
export function readResultsFile(path: string): SweepRecord[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isFile()) throw new InputError(`${path}: not a regular file`);
  // Line by line from the bytes: a file of old, detail-laden lines can exceed the longest
  // string V8 can hold, and one line never does.
  const bytes = readFileSync(path);
  const records: SweepRecord[] = [];
  // A last line without its newline (torn by a kill) is left out.
  for (let start = 0, end = bytes.indexOf(0x0a), lineNumber = 1; end >= 0; start = end + 1, end = bytes.indexOf(0x0a, start), lineNumber++) {
    const line = bytes.toString('utf8', start, end);
    if (line.trim() === '') continue;
    const record = parseRecord(line);
    if (typeof record === 'string') throw new InputError(`${path}:${lineNumber}: ${record} (not a line written by a sweep; fix or remove it)`);
    records.push(record);
  }
  return records;
}

/** A results line as a record, or what is wrong with it. */
function parseRecord(line: string): SweepRecord | string {
  let record: Partial<SweepRecord> | null;
  try {
    record = JSON.parse(line) as Partial<SweepRecord> | null;
  } catch {
    return 'not valid JSON';
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'not a JSON object';
  if (typeof record.id !== 'string') return "no 'id'";
  if (record.status !== 'ok' && record.status !== 'failed') return "'status' is neither ok nor failed";
  if (typeof record.gridIndex !== 'number' || typeof record.trace !== 'string') return "no 'gridIndex' or 'trace'";
  if (record.status === 'ok' && typeof record.linkUtilization !== 'number') return "an ok record without 'linkUtilization'";
  return recordContradiction(record as SweepRecord) ?? (record as SweepRecord);
}

/**
 * What in a record contradicts the rest of it (a hand edit): its id against its trace,
 * fingerprint and configuration; each parameter against the configuration; link
 * utilization against Mb/s and the link rate.
 */
function recordContradiction(record: SweepRecord): string | undefined {
  const config = record.config as ModelConfig | undefined;
  if (typeof config !== 'object' || config === null) return "no 'config'";
  if (typeof record.traceFingerprint === 'string' && jobId(record.trace, config, record.traceFingerprint) !== record.id) {
    return `its id ${record.id} is not that of its trace and configuration`;
  }
  for (const axis of SWEEP_AXES) {
    const effective = axis.read(config);
    if (effective !== null && record[axis.key] !== undefined && record[axis.key] !== effective) {
      return `'${axis.key}' ${JSON.stringify(record[axis.key])} contradicts its configuration (${JSON.stringify(effective)})`;
    }
  }
  if (record.status === 'ok') {
    const expected = (record.mbps ?? Number.NaN) / (config.linkGbps * 1000);
    if (!(Math.abs(record.linkUtilization! - expected) <= 1e-9 * Math.max(1, expected))) {
      return `'linkUtilization' ${record.linkUtilization} is not mbps / (linkGbps × 1000) = ${expected}`;
    }
  }
  return undefined;
}

/** One record per configuration: the last one written (a retried failure is superseded). */
export function latestRecords(records: readonly SweepRecord[]): SweepRecord[] {
  const byId = new Map<string, SweepRecord>();
  for (const record of records) {
    byId.delete(record.id); // keep first-seen order of the final record
    byId.set(record.id, record);
  }
  return [...byId.values()];
}

/**
 * The records that describe the traces as they are now: the latest record per
 * configuration, without those of a trace's earlier content (a record of a trace is
 * current when it has the fingerprint of that trace's last record written).
 */
export function currentRecords(records: readonly SweepRecord[]): SweepRecord[] {
  const lastFingerprint = new Map<string, string | undefined>();
  for (const record of records) lastFingerprint.set(record.trace, record.traceFingerprint);
  return latestRecords(records).filter((r) => r.traceFingerprint === lastFingerprint.get(r.trace));
}

/** The append-only results log of one output folder. */
export class ResultsLog {
  readonly path: string;
  /** Records already in the file when it was opened. */
  readonly existing: SweepRecord[];
  private fd: number;

  /** `outDir` must exist (and be locked by the caller). */
  constructor(private readonly outDir: string) {
    this.path = join(outDir, RESULTS_FILE);
    this.existing = readResultsFile(this.path);
    this.fd = openSync(this.path, 'a');
    this.cutTornTail();
  }

  /** Drops bytes after the last newline (a line a killed sweep did not finish). */
  private cutTornTail(): void {
    const bytes = readFileSync(this.path);
    const end = bytes.lastIndexOf(0x0a) + 1;
    if (end < bytes.length) ftruncateSync(this.fd, end);
  }

  /**
   * Appends one line. One write call: with O_APPEND the line lands whole at the end. A
   * short write is finished by further writes; a failed one (disk full) is cut back to
   * the last whole line, so the file never ends in half a record, and is an InputError
   * `cannot write (ENOSPC)`.
   */
  append(record: SweepRecord, detail?: RecordDetail): void {
    // The side file first: a line never names a detail that is not there.
    if (detail !== undefined && record.detail !== undefined) {
      const path = join(this.outDir, record.detail);
      mkdirSync(dirname(path), { recursive: true });
      writeFilesAtomically([{ path, data: Buffer.from(JSON.stringify(detail)) }]);
    }
    const line = Buffer.from(JSON.stringify(record) + '\n');
    const before = fstatSync(this.fd).size;
    try {
      let written = writeSync(this.fd, line);
      while (written < line.length) written += writeSync(this.fd, line, written);
    } catch (err) {
      try {
        ftruncateSync(this.fd, before);
      } catch {
        // nothing more can be done; a resumed sweep cuts the torn line
      }
      const code = (err as NodeJS.ErrnoException).code;
      if (code === undefined) throw err;
      throw new InputError(`${this.path}: cannot write (${code})`);
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}
