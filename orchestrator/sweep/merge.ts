/**
 * Combines the output folders of a sharded sweep (or any sweeps) into one: results.jsonl
 * with one line per configuration, in grid order, plus results.csv and the charts.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { latestRecords, readResultsFile, RESULTS_FILE, type SweepRecord } from './results.js';
import { writeCharts, writeCsv } from './runner.js';
import { ensureOutputDir, writeFilesAtomically } from '../../core/atomic-write.js';
import { acquireFolderLock } from '../folder-lock.js';

export interface MergeSummary {
  outDir: string;
  records: SweepRecord[];
  files: { results: string; csv: string; charts: string[] };
}

/** Reads every folder's results; for a configuration in several, an ok record beats a failed one, else the last folder's wins. */
export function mergeRecords(folders: readonly string[]): SweepRecord[] {
  const all: SweepRecord[] = [];
  for (const folder of folders) {
    const path = join(folder, RESULTS_FILE);
    if (!existsSync(path)) throw new InputError(`${folder}: no ${RESULTS_FILE} (not a sweep output folder)`);
    all.push(...latestRecords(readResultsFile(path)));
  }
  const byId = new Map<string, SweepRecord>();
  for (const record of all) {
    const previous = byId.get(record.id);
    if (previous && previous.status === 'ok' && record.status !== 'ok') continue;
    byId.set(record.id, record);
  }
  return [...byId.values()].sort((a, b) => a.gridIndex - b.gridIndex || a.trace.localeCompare(b.trace));
}

/** Copies each record's side file (details/<id>.json) from a folder that has it; the same id has the same detail everywhere. */
async function copyDetails(folders: readonly string[], outDir: string, records: readonly SweepRecord[], checkpoint?: () => Promise<void>): Promise<void> {
  for (const [i, record] of records.entries()) {
    if (i % 256 === 0) await checkpoint?.();
    if (record.detail === undefined) continue;
    const source = [...folders].reverse().map((folder) => join(folder, record.detail!)).find((path) => existsSync(path));
    if (source === undefined) throw new InputError(`${record.detail}: missing from every folder merged (the detail of configuration ${record.id})`);
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
  /** Awaited between steps (signals: interrupt.ts). */
  checkpoint?: () => Promise<void>;
}

export async function mergeSweeps(folders: readonly string[], outDir: string, options: MergeOptions = {}): Promise<MergeSummary> {
  if (folders.length === 0) throw new InputError('merge: give one or more sweep output folders');
  const records = mergeRecords(folders);
  const target = resolve(outDir);
  if (folders.some((f) => resolve(f) === target)) throw new InputError(`--out-dir ${outDir}: is one of the folders being merged`);
  ensureOutputDir(outDir, '--out-dir');
  const lock = acquireFolderLock(outDir, 'merge', '--out-dir');
  try {
    await copyDetails(folders, outDir, records, options.checkpoint);
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
