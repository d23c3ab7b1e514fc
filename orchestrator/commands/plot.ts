import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { outDirFlag } from '../flags.js';
import { latestRecords, readResultsFile, RESULTS_FILE } from '../sweep/results.js';

export function registerPlot(program: Command): void {
  program
    .command('plot')
    .description('draw the charts of a sweep output folder (link utilization, IOTLB hit rate, drops and fairness against the swept axis with the most values), SVG and PNG')
    .argument('<folder>', 'a sweep output folder (holding results.jsonl)')
    .option('--out-dir <dir>', 'where to write the charts (default: the folder itself)')
    .addOption(new Option('--out <dir>').hideHelp())
    .action(async (folder: string, flags: { outDir?: string; out?: string }) => {
      const path = join(folder, RESULTS_FILE);
      if (!existsSync(path)) throw new InputError(`${folder}: no ${RESULTS_FILE} (not a sweep output folder)`);
      const records = latestRecords(readResultsFile(path));
      // vega is slow to load: only when charts are drawn, not at every CLI start.
      const { plotResults } = await import('../plot.js');
      const charts = await plotResults(outDirFlag(flags) ?? folder, records);
      if (charts.length === 0) throw new InputError(`${path}: no successful configurations with a known tenant count to plot`);
      for (const chart of charts) process.stdout.write(`chart    ${chart}\n`);
    });
}
