import { Option, type Command } from 'commander';
import { formatAttribution, summarizeAttribution } from '../attribution.js';
import { baseConfig, validateConfig, type ModelConfig } from '../config.js';
import { helpText, MODEL_PARAMETERS, parameterSpellings, SWITCH_ALIASES, valueName, type ModelParameter } from '../parameters.js';
import { parseModelValue } from '../plugins/resolve.js';
import { readCacheConfigFile } from '../config-file.js';
import { InputError } from '../../core/errors.js';
import { flagKey, oneSpelling } from '../flags.js';
import { loadModelFor, runTraceFile } from '../model.js';
import { formatReport } from '../report.js';
import { createRunProgress, traceBytesOf } from '../run-progress.js';
import { configCostBytes, loadCostModel } from '../cost-model.js';

/** run's and explain's trace flag, and its value (required). */
export const TRACE_FLAG = ['--trace <path>', 'translation trace, PREFIX_iotlb_trace.bin or PREFIX (required)'] as const;
export function requiredTrace(flags: Record<string, unknown>): string {
  const trace = flags['trace'];
  if (typeof trace !== 'string') throw new InputError('--trace: required (a PREFIX_iotlb_trace.bin file)');
  return trace;
}

export const COST_MODEL_FLAG = ['--cost-model <file.json>', 'hardware cost figures overriding the defaults, for costBytes (see docs/cost-model.md)'] as const;

/** Adds every model parameter (and its other spellings, hidden) to `command`. */
export function addModelOptions(command: Command): Command {
  command.option('--config <file.cfg>', "cache configuration in the reference's .cfg format, applied before the other flags (default: the base architecture; see docs/cfg-format.md)");
  for (const p of MODEL_PARAMETERS) {
    // A switch alone means on (`--salloc`), as in the reference.
    const value = p.kind === 'switch' ? ` [${valueName(p)}]` : ` <${valueName(p)}>`;
    command.option(`--${p.flag}${value}`, helpText(p));
    for (const alias of p.aliases) command.addOption(new Option(`--${alias}${value}`).hideHelp());
  }
  for (const alias of Object.keys(SWITCH_ALIASES)) command.addOption(new Option(`--${alias}`).hideHelp());
  return command;
}

/**
 * The given value of each parameter, as text, from commander's flags (under the flag or
 * one other spelling: two are an error); a bare switch is `on`.
 */
function parameterFlagValues(flags: Record<string, unknown>): Map<ModelParameter, string> {
  const given = new Map<ModelParameter, string>();
  for (const p of MODEL_PARAMETERS) {
    const name = oneSpelling(flags, parameterSpellings(p), `the ${p.label}`);
    if (name === undefined) continue;
    const switchAlias = SWITCH_ALIASES[name];
    const value = flags[flagKey(name)];
    given.set(p, switchAlias ? String(switchAlias.value) : value === true ? 'on' : String(value));
  }
  return given;
}

/** The configuration given by `--config` and the model flags, validated. */
export function modelConfigFromFlags(flags: Record<string, unknown>): ModelConfig {
  const config = baseConfig();
  const configPath = flags['config'];
  if (typeof configPath === 'string') readCacheConfigFile(config, configPath);
  const given = parameterFlagValues(flags);
  for (const p of MODEL_PARAMETERS) {
    const text = given.get(p);
    if (text !== undefined) p.write(config, parseModelValue(p, text));
  }
  return validateConfig(config, typeof configPath === 'string' ? configPath : 'config');
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('simulate one configuration on one trace and report link utilization and cache statistics')
    .option(...TRACE_FLAG)
    .option('--json', 'print one JSON object instead of the report')
    .option('--attribution', "also attribute each translation's latency to its components (the attribution build; docs/attribution.md): a table, or with --json `attribution` and `attributionSummary`")
    .option(...COST_MODEL_FLAG);
  addModelOptions(command);
  command.action(async (flags: Record<string, unknown>) => {
    const trace = requiredTrace(flags);
    const config = modelConfigFromFlags(flags);
    const costBytes = configCostBytes(config, loadCostModel(flags['costModel'] as string | undefined));
    const progress = createRunProgress(traceBytesOf(trace), process.stderr);
    // Date.now(), not performance.now(): the latter loads perf_hooks (~2.5 ms of start-up).
    const started = Date.now();
    const attribution = flags['attribution'] === true;
    // A plugin configuration's model variant (compiled the first time, then cached).
    const module = await loadModelFor(config, { attribution, log: (line) => process.stderr.write(`run: ${line}\n`) });
    const result = await runTraceFile(trace, config, { module, onProgress: progress.update, attribution });
    progress.finish();
    const seconds = (Date.now() - started) / 1000;
    const summary = attribution ? summarizeAttribution(result) : undefined;
    if (flags['json']) process.stdout.write(JSON.stringify({ trace, config, costBytes, ...result, ...(summary ? { attributionSummary: summary } : {}) }) + '\n');
    else {
      const cost = `hardware cost: ${costBytes.toLocaleString('en-US')} bytes of storage (docs/cost-model.md)\n`;
      process.stdout.write(formatReport(trace, config, result, seconds) + cost + (summary ? `\n${formatAttribution(summary)}` : ''));
    }
  });
}
