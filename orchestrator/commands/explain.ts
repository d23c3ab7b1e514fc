import type { Command } from 'commander';
import { explain, formatExplanation } from '../explain/index.js';
import { integerFlag, outDirFlag } from '../flags.js';
import { loadCostModel } from '../cost-model.js';
import { addModelOptions, COST_MODEL_FLAG, modelConfigFromFlags, requiredTrace, TRACE_FLAG } from './run.js';

export function registerExplain(program: Command): void {
  const command = program
    .command('explain')
    .description("why a configuration's link utilization is what it is (the bound that binds, where a translation's time goes, the worst tenants) and which single change helps most (each simulated)")
    .option(...TRACE_FLAG)
    .option('--out-dir <dir>', "output folder: every simulation's result (a rerun simulates nothing), explanation.json, charts (default build/explain/<trace name>)")
    .option('--workers <n>', "parallel simulations (default: the machine's cores)")
    .option('--no-what-if', 'explain the configuration only; simulate no changes')
    .option('--no-charts', 'skip the charts')
    .option('--json', 'print one JSON object instead of the report')
    .option(...COST_MODEL_FLAG);
  addModelOptions(command);
  command.action(async (flags: Record<string, unknown>) => {
    const trace = requiredTrace(flags);
    const config = modelConfigFromFlags(flags);
    const costModel = loadCostModel(flags['costModel'] as string | undefined);
    const outcome = await explain({
      trace,
      config,
      outDir: outDirFlag(flags as { outDir?: string }),
      workers: integerFlag('--workers', flags['workers'] as string | undefined, 1, 1024),
      whatIf: flags['whatIf'] !== false,
      charts: flags['charts'] !== false,
      costModel,
    });
    if (outcome.simulated === 0) process.stderr.write(`explain: every configuration was already in ${outcome.files.results}; nothing simulated\n`);
    if (flags['json']) {
      process.stdout.write(JSON.stringify({ ...outcome.explanation, outDir: outcome.outDir, simulated: outcome.simulated, charts: outcome.files.charts }) + '\n');
    } else {
      process.stdout.write(formatExplanation(outcome.explanation, { outDir: outcome.outDir, charts: outcome.files.charts }));
    }
  });
}
