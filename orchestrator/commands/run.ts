import { Option, type Command } from 'commander';
import { baseConfig, validateConfig, type ModelConfig } from '../config.js';
import { helpText, MODEL_PARAMETERS, parameterSpellings, parseParameter, SWITCH_ALIASES, valueName, type ModelParameter } from '../parameters.js';
import { readCacheConfigFile } from '../config-file.js';
import { InputError } from '../../core/errors.js';
import { flagKey, oneSpelling } from '../flags.js';
import { runTraceFile } from '../model.js';
import { formatReport } from '../report.js';
import { createRunProgress, traceBytesOf } from '../run-progress.js';

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
    if (text !== undefined) p.write(config, parseParameter(p, text));
  }
  return validateConfig(config, typeof configPath === 'string' ? configPath : 'config');
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('simulate one configuration on one trace and report link utilization and cache statistics')
    .option('--trace <path>', 'translation trace, PREFIX_iotlb_trace.bin or PREFIX (required)')
    .option('--json', 'print one JSON object instead of the report');
  addModelOptions(command);
  command.action(async (flags: Record<string, unknown>) => {
    const trace = flags['trace'];
    if (typeof trace !== 'string') throw new InputError('--trace: required (a PREFIX_iotlb_trace.bin file)');
    const config = modelConfigFromFlags(flags);
    const progress = createRunProgress(traceBytesOf(trace), process.stderr);
    // Date.now(), not performance.now(): the latter loads perf_hooks (~2.5 ms of start-up).
    const started = Date.now();
    const result = await runTraceFile(trace, config, { onProgress: progress.update });
    progress.finish();
    const seconds = (Date.now() - started) / 1000;
    if (flags['json']) process.stdout.write(JSON.stringify({ trace, config, ...result }) + '\n');
    else process.stdout.write(formatReport(trace, config, result, seconds));
  });
}
