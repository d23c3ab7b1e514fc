import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { ensureOutputDir } from '../../core/atomic-write.js';
import { InputError } from '../../core/errors.js';
import { listFlag, outDirFlag } from '../flags.js';
import { checkpointOf, writeOutputsOrNothing } from '../interrupt.js';
import { chartDimension, chartLayout, seriesLabel, type ChartChoice } from '../sweep/charts.js';
import { currentRecords, readResultsFile, RESULTS_FILE, type SweepRecord } from '../sweep/results.js';
import { loadFingerprints, traceFingerprint } from '../sweep/trace-fingerprint.js';

/** Lines for traces whose content changed since their results were computed. */
function changedTraceNotes(folder: string, records: readonly SweepRecord[]): string[] {
  loadFingerprints(folder);
  const notes: string[] = [];
  for (const trace of new Set(records.map((r) => r.trace))) {
    const saved = records.find((r) => r.trace === trace)?.traceFingerprint;
    if (saved === undefined || !existsSync(trace)) continue;
    if (traceFingerprint(trace) !== saved) notes.push(`plot: ${trace} changed since these results were computed (its content differs); run the sweep again to update them`);
  }
  return notes;
}

/** A hint when the default layout draws mostly one-point lines (a folder merged from one-axis sweeps). */
function layoutHint(records: readonly SweepRecord[], choice: ChartChoice): string | undefined {
  if (choice.x !== undefined || choice.series !== undefined) return undefined;
  const layout = chartLayout(records);
  if (layout === undefined) return undefined;
  const points = new Map<string, number>();
  for (const r of layout.records) points.set(seriesLabel(r, layout.seriesKeys), (points.get(seriesLabel(r, layout.seriesKeys)) ?? 0) + 1);
  const single = [...points.values()].filter((n) => n === 1).length;
  if (points.size <= 10 || single * 2 < points.size) return undefined;
  return `plot: ${single} of ${points.size} lines have one point each (x: ${layout.x.key}, lines: ${layout.seriesKeys.join(', ')}); choose them with --x and --series, e.g. --x tq --series iotlbSize`;
}

export function registerPlot(program: Command): void {
  program
    .command('plot')
    .description('draw the charts of a sweep output folder (link utilization, IOTLB hit rate, drops and fairness against the swept axis with the most values), SVG and PNG')
    .argument('<folder>', 'a sweep output folder (holding results.jsonl)')
    .option('--out-dir <dir>', 'where to write the charts (default: the folder itself)')
    .addOption(new Option('--out <dir>').hideHelp())
    .option('--x <dimension>', 'the x axis: tenants or a sweep axis (tq, iotlbSize or iotlb-size, …); default: the varying one with the most values')
    .option('--series <dimension...>', 'what makes the lines (workload, tenants or sweep axes); default: every other varying dimension')
    .action(async (folder: string, flags: { outDir?: string; out?: string; x?: string; series?: string[] }) => {
      const path = join(folder, RESULTS_FILE);
      if (!existsSync(path)) throw new InputError(`${folder}: no ${RESULTS_FILE} (not a sweep output folder)`);
      const choice: ChartChoice = {};
      if (flags.x !== undefined) choice.x = chartDimension(flags.x, '--x');
      if (flags.series !== undefined) choice.series = listFlag(flags.series, '--series').map((name) => chartDimension(name, '--series'));
      const records = currentRecords(readResultsFile(path));
      for (const note of changedTraceNotes(folder, records)) process.stderr.write(`${note}\n`);
      const hint = layoutHint(records, choice);
      if (hint !== undefined) process.stderr.write(`${hint}\n`);
      const out = outDirFlag(flags) ?? folder;
      // vega is slow to load: only when charts are drawn, not at every CLI start.
      const { plotResults } = await import('../plot.js');
      // The charts are written together at the end: an interrupted plot writes none (and removes a folder it made).
      const charts = await writeOutputsOrNothing(
        out,
        async (trap) => {
          ensureOutputDir(out, '--out-dir');
          const files = await plotResults(out, records, choice, checkpointOf(trap, 'no chart was written'));
          if (files.length === 0) throw new InputError(`${path}: no successful configurations with a known tenant count to plot`);
          return files;
        },
      );
      for (const chart of charts) process.stdout.write(`chart    ${chart}\n`);
    });
}
