import { existsSync, rmSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { outDirFlag } from '../flags.js';
import { checkpointOf, writeOutputsOrNothing } from '../interrupt.js';
import { mergeSweeps, type MergePreference } from '../sweep/merge.js';
import { printSweepOutputs } from './sweep-outputs.js';

export const DEFAULT_MERGE_OUT = 'build/sweep-merged';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('combine sweep output folders (e.g. the shards of a --shard i/n sweep) into one, with results.csv and charts')
    .argument('<folders...>', 'sweep output folders (each holding results.jsonl)')
    .option('--out-dir <dir>', `output folder (default ${DEFAULT_MERGE_OUT})`)
    .addOption(new Option('--out <dir>').hideHelp())
    .option('--no-charts', 'skip the charts')
    .addOption(new Option('--prefer <first|last>', 'when two folders disagree on a configuration, keep the first or the last folder\'s record (default: an error naming both)').choices(['first', 'last']))
    .action(async (folders: string[], flags: { outDir?: string; out?: string; charts?: boolean; prefer?: MergePreference }) => {
      const out = outDirFlag(flags) ?? DEFAULT_MERGE_OUT;
      // A merge that fails or is interrupted leaves no folder it created (an existing one keeps what was complete).
      const created = !existsSync(out);
      try {
        const summary = await writeOutputsOrNothing(
          out,
          (trap) =>
            mergeSweeps(folders, out, {
              charts: flags.charts !== false,
              checkpoint: checkpointOf(trap, created ? `${out} was removed` : `${out} may hold part of the merge`),
              ...(flags.prefer ? { prefer: flags.prefer } : {}),
            }),
        );
        printSweepOutputs(summary);
        if (summary.records.some((r) => r.status === 'failed')) process.exitCode = 1;
      } catch (err) {
        if (created) rmSync(out, { recursive: true, force: true });
        throw err;
      }
    });
}
