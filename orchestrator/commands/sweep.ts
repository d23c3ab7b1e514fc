import { Option, type Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { flagKey, listFlag, oneSpelling, pathListFlag } from '../flags.js';
import { MODEL_PARAMETERS, SWITCH_ALIASES } from '../parameters.js';
import { axisSpellings, SWEEP_AXES } from '../sweep/axes.js';
import { parseShard, readSweepFile, sweepFileSchema, sweepSpecFromInput, SweepGrid, SWEEP_FIELDS, type RawSweepInput, type Shard } from '../sweep/spec.js';
import { runSweep } from '../sweep/runner.js';
import { printSweepOutputs } from './sweep-outputs.js';
import { addSlurmOptions, runSweepOnSlurm, slurmRequested } from './sweep-slurm.js';
import { loadCostModel } from '../cost-model.js';
import { COST_MODEL_FLAG } from './run.js';

export const DEFAULT_SWEEP_OUT = 'build/sweep';

/** Every flag is generated from SWEEP_FIELDS and SWEEP_AXES (the sweep file's schema too). */
export function addSweepOptions(command: Command): void {
  for (const field of SWEEP_FIELDS) {
    const value = field.variadic ? `<${field.valueName}...>` : `<${field.valueName}>`;
    command.option(`--${field.flag} ${value}`, field.description);
    for (const legacy of field.legacyFlags) command.addOption(new Option(`--${legacy} ${value}`).hideHelp());
  }
  for (const axis of SWEEP_AXES) {
    // A switch alone means on (as in `run`); other axes need values.
    const value = MODEL_PARAMETERS.some((p) => p.key === axis.key && p.kind === 'switch') ? `[${axis.valueName}]` : `<${axis.valueName}>`;
    command.option(`--${axis.flag} ${value}`, axis.description);
    for (const legacy of axis.legacyFlags) command.addOption(new Option(`--${legacy} ${value}`).hideHelp());
  }
  // `run`'s and the original tool's switches for in-order queues.
  for (const alias of Object.keys(SWITCH_ALIASES)) command.addOption(new Option(`--${alias}`).hideHelp());
}

/** Keys whose values are file paths: a comma is part of a file name, so their lists are separate arguments only. */
const PATH_KEYS: ReadonlySet<string> = new Set(['traces', 'configFile']);

/** A flag's values as a list: split on commas (`--tq 1,8,32`), except paths. */
function flagValues(key: string, value: string | string[], flag: string): string[] {
  return PATH_KEYS.has(key) ? pathListFlag(value) : listFlag(value, flag);
}

/** Raw input from the flags, by sweep-file key; only the flags actually given (each under one spelling). */
export function inputFromFlags(flags: Record<string, unknown>): RawSweepInput {
  const input: RawSweepInput = {};
  for (const field of SWEEP_FIELDS) {
    const name = oneSpelling(flags, [field.flag, ...field.legacyFlags], field.key);
    const value = name === undefined ? undefined : flags[flagKey(name)];
    if (value !== undefined) input[field.key] = field.variadic ? flagValues(field.key, value as string | string[], `--${name}`) : value;
  }
  for (const axis of SWEEP_AXES) {
    const name = oneSpelling(flags, axisSpellings(axis), axis.key);
    if (name === undefined) continue;
    const switchAlias = SWITCH_ALIASES[name];
    const value = flags[flagKey(name)];
    input[axis.key] = switchAlias ? [switchAlias.value] : value === true ? ['on'] : flagValues(axis.key, value as string | string[], `--${name}`);
  }
  return input;
}

/** Configurations one command may start without being asked: beyond this, a terminal asks and anything else needs --yes. */
export const GRID_CONFIRM_LIMIT = 100_000;

/**
 * Asks before running a grid of more than GRID_CONFIRM_LIMIT configurations (this shard's
 * share, or the whole grid on Slurm): on a terminal a question, otherwise an InputError
 * unless `yes` (a typo in a value list should not silently start days of work).
 */
async function confirmGridSize(grid: SweepGrid, shard: Shard | undefined, yes: boolean): Promise<void> {
  const count = shard ? Math.ceil((grid.size - shard.index) / shard.count) : grid.size;
  if (count <= GRID_CONFIRM_LIMIT || yes) return;
  const what = `${count.toLocaleString('en-US')} configurations${shard ? ` in shard ${shard.index}/${shard.count}` : ''} (more than ${GRID_CONFIRM_LIMIT.toLocaleString('en-US')})`;
  if (!process.stdin.isTTY || !process.stderr.isTTY) throw new InputError(`--yes: the grid has ${what}; add --yes to run it, or sweep fewer values (or use --shard)`);
  const { createInterface } = await import('node:readline/promises');
  const question = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await question.question(`sweep: the grid has ${what}. Run them? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new InputError('sweep: not confirmed; nothing was run');
  } finally {
    question.close();
  }
}

export function registerSweep(program: Command): void {
  const command = program
    .command('sweep')
    .description('simulate every combination of the given values on every trace, in parallel; results.jsonl, results.csv, charts')
    .option('--sweep <file.json>', 'sweep file: keys are these flags in camelCase (trace or traces, outDir or out, order or tenantOrder, burst or tenantBurstPkt, config or configFile; --schema lists them); flags override it')
    .option('--schema', "print the sweep file's JSON schema and exit")
    .option('--retry-failed', 'run configurations recorded as failed again (done ones are always skipped)')
    .option('--memory-budget <MiB>', 'trace bytes held in memory shared by the workers; larger traces are streamed per worker')
    .option('--no-charts', 'skip the charts (results.csv is still written)')
    .option(...COST_MODEL_FLAG)
    .option('--yes', `run a grid of more than ${GRID_CONFIRM_LIMIT.toLocaleString('en-US')} configurations without asking`);
  addSweepOptions(command);
  addSlurmOptions(command);
  command.action(async (flags: Record<string, unknown>) => {
    if (flags['schema']) {
      process.stdout.write(JSON.stringify(sweepFileSchema(), null, 2) + '\n');
      return;
    }
    const sweepFile = flags['sweep'];
    const input: RawSweepInput = typeof sweepFile === 'string' ? readSweepFile(sweepFile) : {};
    Object.assign(input, inputFromFlags(flags));
    const spec = sweepSpecFromInput(input);
    const costModel = loadCostModel(flags['costModel'] as string | undefined);
    const shard = spec.shard !== undefined ? parseShard(spec.shard) : undefined;
    let memoryBudgetBytes: number | undefined;
    if (flags['memoryBudget'] !== undefined) {
      const mib = Number(flags['memoryBudget']);
      if (!Number.isFinite(mib) || mib < 0) throw new InputError(`--memory-budget: expected a number of MiB >= 0, got '${String(flags['memoryBudget'])}'`);
      memoryBudgetBytes = mib * 2 ** 20;
    }
    const onSlurm = slurmRequested(flags);
    await confirmGridSize(new SweepGrid(spec), onSlurm ? undefined : shard, flags['yes'] === true);
    if (onSlurm) return runSweepOnSlurm(spec, input, flags, spec.out ?? DEFAULT_SWEEP_OUT);
    const summary = await runSweep(spec, {
      out: spec.out ?? DEFAULT_SWEEP_OUT,
      workers: spec.workers,
      shard,
      memoryBudgetBytes,
      retryFailed: flags['retryFailed'] === true,
      charts: flags['charts'] !== false,
      costModel,
    });
    if (summary.skipped > 0) process.stderr.write(`sweep: ${summary.skipped} of ${summary.total} configurations already in ${summary.files.results} (resumed)\n`);
    printSweepOutputs(summary);
    if (summary.failed > 0) process.exitCode = 1;
  });
}
