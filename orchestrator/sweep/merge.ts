/**
 * Combines the output folders of a sharded sweep (or any sweeps) into one: results.jsonl
 * with one line per configuration, in grid order, plus results.csv and the charts.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { currentRecords, readDetail, readResultsFile, RESULTS_FILE, type SweepRecord } from './results.js';
import { hardwareLabel } from './summary.js';
import { writeCharts, writeCsv } from './runner.js';
import { ensureOutputDir, writeFilesAtomically } from '../../core/atomic-write.js';
import { acquireFolderLock } from '../folder-lock.js';

export interface MergeSummary {
  outDir: string;
  records: SweepRecord[];
  files: { results: string; csv: string; charts: string[] };
}

/** Which folder's record wins when two disagree on one configuration (default: neither, an error). */
export type MergePreference = 'first' | 'last';

interface Sourced {
  record: SweepRecord;
  folder: string;
}

/** What two runs of one configuration must agree on: everything but timing and grid position. */
function outcome(record: SweepRecord): string {
  const { elapsedMs: _e, gridIndex: _g, detail: _d, ...rest } = record;
  return JSON.stringify(rest);
}

/** A configuration regardless of the trace's content: where two folders hold different contents of one trace. */
function configurationKey(record: SweepRecord): string {
  return JSON.stringify({ trace: record.trace, config: record.config });
}

/**
 * Reads every folder's current results (currentRecords). For a configuration in several
 * folders, an ok record beats a failed one; two ok records that differ (other statistics,
 * or another content of the same trace) are a conflict: an InputError naming both folders
 * and the configuration, unless `prefer` picks the first or the last folder's.
 */
export function mergeRecords(folders: readonly string[], prefer?: MergePreference): SweepRecord[] {
  return mergeSourced(folders, prefer).map((s) => s.record);
}

function mergeSourced(folders: readonly string[], prefer?: MergePreference): Sourced[] {
  const byId = new Map<string, Sourced>();
  const byConfiguration = new Map<string, Sourced>();
  for (const folder of folders) {
    const path = join(folder, RESULTS_FILE);
    if (!existsSync(path)) throw new InputError(`${folder}: no ${RESULTS_FILE} (not a sweep output folder)`);
    for (const record of currentRecords(readResultsFile(path))) {
      const incoming = { record, folder };
      const key = configurationKey(record);
      const previous = byId.get(record.id) ?? byConfiguration.get(key);
      if (previous !== undefined) {
        if (previous.record.status === 'ok' && record.status !== 'ok') continue;
        const bothOk = previous.record.status === 'ok' && record.status === 'ok';
        if (bothOk && outcome(previous.record) !== outcome(record)) {
          if (prefer === undefined) throw conflictError(previous, incoming);
          if (prefer === 'first') continue;
        }
        byId.delete(previous.record.id);
      }
      byId.set(record.id, incoming);
      byConfiguration.set(key, incoming);
    }
  }
  return [...byId.values()].sort((a, b) => a.record.gridIndex - b.record.gridIndex || a.record.trace.localeCompare(b.record.trace));
}

function conflictError(a: Sourced, b: Sourced): InputError {
  const what = a.record.traceFingerprint !== b.record.traceFingerprint ? `were run on different contents of ${a.record.trace}` : 'disagree';
  return new InputError(
    `merge: ${a.folder} and ${b.folder} ${what} on configuration ${a.record.id} (${a.record.trace}, ${hardwareLabel(a.record, [])}): ` +
      `link utilization ${percent(a.record.linkUtilization)} against ${percent(b.record.linkUtilization)}; pick one with --prefer first|last`,
  );
}

const percent = (x: unknown) => (typeof x === 'number' ? `${(x * 100).toFixed(1)} %` : '-');

/** Copies each record's side file (details/<id>.json) from the folder its record came from, checked against the record. */
async function copyDetails(sourced: readonly Sourced[], outDir: string, checkpoint?: () => Promise<void>): Promise<void> {
  for (const [i, { record, folder }] of sourced.entries()) {
    if (i % 256 === 0) await checkpoint?.();
    if (record.detail === undefined) continue;
    readDetail(folder, record); // InputError naming a missing, corrupt or mismatched file
    const source = join(folder, record.detail);
    const target = join(outDir, record.detail);
    mkdirSync(dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    try {
      copyFileSync(source, temp);
      renameSync(temp, target);
    } catch (err) {
      rmSync(temp, { force: true });
      throw new InputError(`${target}: cannot write (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
}

export interface MergeOptions {
  charts?: boolean;
  /** When two folders disagree on a configuration: keep the first's or the last's record (default: an error naming both). */
  prefer?: MergePreference;
  /** Awaited between steps (signals: interrupt.ts). */
  checkpoint?: () => Promise<void>;
}

export async function mergeSweeps(folders: readonly string[], outDir: string, options: MergeOptions = {}): Promise<MergeSummary> {
  if (folders.length === 0) throw new InputError('merge: give one or more sweep output folders');
  const sourced = mergeSourced(folders, options.prefer);
  const records = sourced.map((s) => s.record);
  const target = resolve(outDir);
  if (folders.some((f) => resolve(f) === target)) throw new InputError(`--out-dir ${outDir}: is one of the folders being merged`);
  ensureOutputDir(outDir, '--out-dir');
  const lock = acquireFolderLock(outDir, 'merge', '--out-dir');
  try {
    await copyDetails(sourced, outDir, options.checkpoint);
    await options.checkpoint?.();
    const results = join(outDir, RESULTS_FILE);
    writeFilesAtomically([{ path: results, data: Buffer.from(records.map((r) => JSON.stringify(r) + '\n').join('')) }]);
    const csv = writeCsv(outDir, records);
    const charts = options.charts === false ? [] : await writeCharts(outDir, records, options.checkpoint);
    return { outDir, records, files: { results, csv, charts } };
  } finally {
    lock.release();
  }
}
