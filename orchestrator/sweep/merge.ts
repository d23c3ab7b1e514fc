/**
 * Combines the output folders of a sharded sweep (or any sweeps) into one: results.jsonl
 * with one line per configuration, in grid order, plus results.csv and the charts.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { latestRecords, readResultsFile, RESULTS_FILE, type SweepRecord } from './results.js';
import { writeCharts, writeCsv } from './runner.js';
import { writeFilesAtomically } from '../../core/atomic-write.js';

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

export async function mergeSweeps(folders: readonly string[], outDir: string, options: { charts?: boolean } = {}): Promise<MergeSummary> {
  if (folders.length === 0) throw new InputError('merge: give one or more sweep output folders');
  const records = mergeRecords(folders);
  const target = resolve(outDir);
  if (folders.some((f) => resolve(f) === target)) throw new InputError(`--out: ${outDir} is one of the folders being merged`);
  mkdirSync(outDir, { recursive: true });
  const results = join(outDir, RESULTS_FILE);
  writeFilesAtomically([{ path: results, data: Buffer.from(records.map((r) => JSON.stringify(r) + '\n').join('')) }]);
  const csv = writeCsv(outDir, records);
  const charts = options.charts === false ? [] : await writeCharts(outDir, records);
  return { outDir, records, files: { results, csv, charts } };
}
