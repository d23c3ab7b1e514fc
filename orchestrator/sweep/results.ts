/**
 * results.jsonl: one JSON line per finished configuration, appended the moment it
 * finishes. Each line is one write() on an O_APPEND descriptor, so a killed sweep leaves
 * at most one torn last line, which a resumed sweep cuts off before appending.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig } from '../config.js';
import type { RunResult } from '../model-core.js';
import { ensureOutputDir } from '../../core/atomic-write.js';
import type { AxisValue } from './axes.js';
import type { SweepJob } from './spec.js';

export const RESULTS_FILE = 'results.jsonl';
export const CSV_FILE = 'results.csv';
/** The charts (each .svg and .png; named here, not in plot.ts, so naming them loads no vega). */
export const UTILIZATION_CHART = 'link-utilization-vs-tenants';
export const HIT_RATE_CHART = 'iotlb-hit-rate-vs-size'; // drawn when the results have IOTLB hit rates

export type SweepStatus = 'ok' | 'failed';

/**
 * One line of results.jsonl: identity, `trace`, every parameter (top level, by axis key),
 * `status` (+ `error`), then exactly what `run --json` prints (`config` and the RunResult).
 */
export interface SweepRecord extends Partial<RunResult> {
  id: string;
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
  [parameter: string]: unknown;
}

export function okRecord(job: SweepJob, result: RunResult, elapsedMs: number): SweepRecord {
  // Tenants from the trace name when it follows the reference's naming, else the flows seen.
  const tenants = job.tenants ?? Object.keys(result.flows).length;
  return { ...recordHead(job, 'ok'), tenants, elapsedMs, trace: job.trace, config: job.config, ...result };
}

export function failedRecord(job: SweepJob, error: string, elapsedMs = 0): SweepRecord {
  return { ...recordHead(job, 'failed'), error: oneLine(error), elapsedMs, config: job.config };
}

function recordHead(job: SweepJob, status: SweepStatus) {
  const parameters: Record<string, AxisValue | null> = job.parameters;
  return { id: job.id, gridIndex: job.index, trace: job.trace, workload: job.workload, tenants: job.tenants, ...parameters, status };
}

function oneLine(text: string): string {
  return text.split('\n')[0]?.trim() || 'unknown error';
}

/** Complete lines of a results file (a torn last line is skipped); missing file = none. */
export function readResultsFile(path: string): SweepRecord[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n');
  const records: SweepRecord[] = [];
  for (const line of text.slice(0, end + 1).split('\n')) {
    if (line.trim() === '') continue;
    try {
      const record = JSON.parse(line) as SweepRecord;
      if (typeof record.id === 'string' && (record.status === 'ok' || record.status === 'failed')) records.push(record);
    } catch {
      // A line torn by a crash in the middle of the file cannot happen with O_APPEND
      // single writes, but a hand-edited file might have one: skip it.
    }
  }
  return records;
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

/** The append-only results log of one output folder. */
export class ResultsLog {
  readonly path: string;
  /** Records already in the file when it was opened. */
  readonly existing: SweepRecord[];
  private fd: number;

  constructor(outDir: string) {
    ensureOutputDir(outDir, '--out');
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

  append(record: SweepRecord): void {
    const line = Buffer.from(JSON.stringify(record) + '\n');
    // One write call: with O_APPEND the line lands whole at the end. A short write (disk
    // full) is finished by further writes rather than lost.
    let written = writeSync(this.fd, line);
    while (written < line.length) written += writeSync(this.fd, line, written);
  }

  close(): void {
    closeSync(this.fd);
  }
}
