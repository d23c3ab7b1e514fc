import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { ensureOutputDir } from '../../core/atomic-write.js';
import { InputError } from '../../core/errors.js';
import { outDirFlag } from '../flags.js';
import { checkpointOf, writeOutputsOrNothing } from '../interrupt.js';
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
      const out = outDirFlag(flags) ?? folder;
      // vega is slow to load: only when charts are drawn, not at every CLI start.
      const { plotResults } = await import('../plot.js');
      // The charts are written together at the end: an interrupted plot writes none (and removes a folder it made).
      const charts = await writeOutputsOrNothing(
        out,
        async (trap) => {
          ensureOutputDir(out, '--out-dir');
          const files = await plotResults(out, records, checkpointOf(trap, 'no chart was written'));
          if (files.length === 0) throw new InputError(`${path}: no successful configurations with a known tenant count to plot`);
          return files;
        },
        (files) => files,
      );
      for (const chart of charts) process.stdout.write(`chart    ${chart}\n`);
    });
}
