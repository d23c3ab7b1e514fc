/**
 * `hypersio advise --target P --trace T…`: the cheapest configuration reaching P % link
 * utilization on every trace (orchestrator/advise/), and `advise-task`, the hidden
 * command each Slurm task of `advise --slurm` runs.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { integerFlag, listFlag, numberFlag, pathListFlag } from '../flags.js';
import { loadCostModel } from '../cost-model.js';
import { advise, ADVISE_KEYS, DEFAULT_ADVISE_OUT, type AdviseSlurmSettings } from '../advise/index.js';
import { formatAdviseReport } from '../advise/report.js';
import { readTaskList } from '../advise/slurm.js';
import { runSweepJobs } from '../sweep/runner.js';
import { parseShard, shardJobs } from '../sweep/spec.js';
import { splitOptions } from '../sweep/slurm.js';
import { addModelOptions, COST_MODEL_FLAG, modelConfigFromFlags } from './run.js';

/** Exit status when the target is not reached within the limits (the report still gives the best found). */
export const EXIT_TARGET_NOT_REACHED = 3;

/** `key=value` pairs of a repeatable flag (`--fix tq=32 iotlbWays=4`, or comma-separated). */
function pairs(flag: string, value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of value === undefined ? [] : listFlag(value as string | string[], flag)) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new InputError(`${flag} ${item}: expected parameter=value (e.g. ${flag} tq=32)`);
    const key = item.slice(0, eq).trim();
    if (key in result) throw new InputError(`${flag} ${key}: given twice`);
    result[key] = item.slice(eq + 1).trim();
  }
  return result;
}

function slurmSettings(flags: Record<string, unknown>): AdviseSlurmSettings | undefined {
  const given = ['slurmTasks', 'slurmCpusPerTask', 'slurmTime', 'slurmPartition', 'sbatch'].filter((key) => flags[key] !== undefined);
  if (flags['slurm'] !== true) {
    if (given.length > 0) throw new InputError(`--${given[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: only with --slurm`);
    return undefined;
  }
  const settings: AdviseSlurmSettings = {
    cpusPerTask: integerFlag('--slurm-cpus-per-task', flags['slurmCpusPerTask'] as string | undefined, 1) ?? 2,
    sbatchOptions: splitOptions(String(flags['sbatch'] ?? '')),
  };
  const tasks = integerFlag('--slurm-tasks', flags['slurmTasks'] as string | undefined, 1, 100_000);
  if (tasks !== undefined) settings.tasks = tasks;
  if (flags['slurmTime'] !== undefined) settings.time = String(flags['slurmTime']);
  if (flags['slurmPartition'] !== undefined) settings.partition = String(flags['slurmPartition']);
  if (typeof flags['costModel'] === 'string') settings.costModelPath = flags['costModel'];
  return settings;
}

export function registerAdvise(program: Command): void {
  const command = program
    .command('advise')
    .description('find the cheapest hardware (under the cost model) that reaches a target link utilization on every trace given; exit status 3 when the target is not reached (the report gives the best found)')
    .option('--trace <file...>', 'translation trace(s), PREFIX_iotlb_trace.bin (required): the target must hold on each')
    .option('--target <percent>', 'link utilization to reach on every trace, in percent (required), e.g. 90')
    .option('--fix <param=value...>', `hold a parameter at a value (e.g. tq=32); parameters: ${ADVISE_KEYS.join(', ')}`)
    .option('--max <param=value...>', 'largest value a numeric parameter may take (e.g. iotlbSize=4096)')
    .option('--min <param=value...>', 'smallest value a numeric parameter may take')
    .option('--vary <param...>', 'change only these parameters (default: all of them); the others keep the starting value')
    .option('--budget <n>', 'most configurations to evaluate (default 2000)')
    .option('--out-dir <dir>', `output folder: results.jsonl (resume), results.csv, best.cfg, advise.json, chart (default ${DEFAULT_ADVISE_OUT})`)
    .option('--workers <n>', "parallel simulations (default: the machine's cores)")
    .option('--json', 'print one JSON object instead of the report')
    .option('--no-charts', 'skip the cost-vs-utilization chart')
    .option(...COST_MODEL_FLAG)
    .option('--slurm', "evaluate each round's configurations as a Slurm job array (see README, Many machines)")
    .option('--slurm-tasks <n>', 'array tasks per round (default: min(4, configurations))')
    .option('--slurm-cpus-per-task <n>', 'CPUs per task, each a simulation worker (default 2)')
    .option('--slurm-time <time>', "time limit per task, in Slurm's formats")
    .option('--slurm-partition <name>', 'partition to submit to')
    .option('--sbatch <options>', 'any other sbatch options, as one string');
  addModelOptions(command);
  command.action(async (flags: Record<string, unknown>) => {
    const traces = flags['trace'] === undefined ? [] : pathListFlag(flags['trace'] as string[]);
    if (traces.length === 0) throw new InputError('--trace: required (one or more PREFIX_iotlb_trace.bin files)');
    if (flags['target'] === undefined) throw new InputError('--target: required (link utilization in percent, e.g. --target 90)');
    const targetPercent = numberFlag('--target', String(flags['target']), Number.MIN_VALUE, 200) as number;
    const result = await advise({
      traces,
      targetPercent,
      start: modelConfigFromFlags(flags),
      limits: { fix: pairs('--fix', flags['fix']), max: pairs('--max', flags['max']), min: pairs('--min', flags['min']), vary: flags['vary'] === undefined ? undefined : listFlag(flags['vary'] as string[], '--vary') },
      out: typeof flags['outDir'] === 'string' ? flags['outDir'] : DEFAULT_ADVISE_OUT,
      workers: integerFlag('--workers', flags['workers'] as string | undefined, 1, 1024),
      budget: integerFlag('--budget', flags['budget'] as string | undefined, 1),
      costModel: loadCostModel(flags['costModel'] as string | undefined),
      slurm: slurmSettings(flags),
      charts: flags['charts'] !== false,
    });
    process.stdout.write(flags['json'] ? JSON.stringify(result) + '\n' : formatAdviseReport(result));
    if (!result.reached) process.exitCode = EXIT_TARGET_NOT_REACHED;
  });

  program
    .command('advise-task', { hidden: true })
    .description("one Slurm task of `advise --slurm`: shard i of a round's configurations")
    .requiredOption('--jobs <file.json>', "the round's configurations (written by advise --slurm)")
    .requiredOption('--shard <i/n>', 'this task\'s shard')
    .requiredOption('--out-dir <dir>', 'the shard folder')
    .option('--workers <n>', 'parallel simulations')
    .option('--no-charts', 'accepted: tasks draw no charts')
    .option(...COST_MODEL_FLAG)
    .action(async (flags: Record<string, unknown>) => {
      const jobs = shardJobs(readTaskList(String(flags['jobs'])), parseShard(String(flags['shard'])));
      const summary = await runSweepJobs(jobs, {
        out: String(flags['outDir']),
        workers: integerFlag('--workers', flags['workers'] as string | undefined, 1, 1024),
        charts: false,
        costModel: loadCostModel(flags['costModel'] as string | undefined),
      });
      if (summary.failed > 0) process.exitCode = 1;
    });
}
