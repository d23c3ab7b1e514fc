import { statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { baseConfig, MODEL_OPTIONS, validateConfig, type ModelConfig } from '../config.js';
import { readCacheConfigFile } from '../config-file.js';
import { InputError } from '../../core/errors.js';
import { flagKey } from '../flags.js';
import { runTraceFile } from '../model.js';
import { formatReport } from '../report.js';
import { TRACE_RECORD_BYTES } from '../../core/trace-format.js';

/** Adds every model option (and its legacy name, hidden) to `command`. */
export function addModelOptions(command: Command): Command {
  command.option('--config <file.cfg>', "cache configuration in the reference's .cfg format (default: the base architecture)");
  for (const option of MODEL_OPTIONS) {
    const value = option.valueName ? ` <${option.valueName}>` : '';
    command.option(`--${option.flag}${value}`, option.description);
    if (option.legacyFlag) command.addOption(new Option(`--${option.legacyFlag}${value}`).hideHelp());
  }
  return command;
}

/** The configuration given by `--config` and the model flags, validated. */
export function modelConfigFromFlags(flags: Record<string, unknown>): ModelConfig {
  const config = baseConfig();
  const configPath = flags['config'];
  if (typeof configPath === 'string') readCacheConfigFile(config, configPath);
  for (const option of MODEL_OPTIONS) {
    for (const name of [option.flag, option.legacyFlag]) {
      if (name === undefined) continue;
      const value = flags[flagKey(name)];
      if (value !== undefined) option.apply(config, value as string | boolean);
    }
  }
  return validateConfig(config, typeof configPath === 'string' ? configPath : 'config');
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('simulate one configuration on one trace and report link utilization and cache statistics')
    .option('--trace <path>', 'translation trace, PREFIX_iotlb_trace.bin')
    .option('--json', 'print one JSON object instead of the report');
  addModelOptions(command);
  command.action(async (flags: Record<string, unknown>) => {
    const trace = flags['trace'];
    if (typeof trace !== 'string') throw new InputError('--trace: required (a PREFIX_iotlb_trace.bin file)');
    const config = modelConfigFromFlags(flags);
    const showProgress = process.stderr.isTTY && !flags['json'];
    // Date.now(), not performance.now(): the latter loads perf_hooks (~2.5 ms of start-up).
    const started = Date.now();
    const result = await runTraceFile(trace, config, {
      onProgress: showProgress ? progressPrinter(trace) : undefined,
    });
    if (showProgress) process.stderr.write('\r\x1b[K');
    const seconds = (Date.now() - started) / 1000;
    if (flags['json']) process.stdout.write(JSON.stringify({ trace, config, ...result }) + '\n');
    else process.stdout.write(formatReport(trace, config, result, seconds));
  });
}

/** A progress line on stderr (terminals only), at most five times a second. */
function progressPrinter(trace: string): (records: number) => void {
  const total = statSync(trace, { throwIfNoEntry: false })?.size ?? 0;
  let last = 0;
  return (records) => {
    const t = Date.now();
    if (t - last < 200) return;
    last = t;
    const percent = total > 0 ? ` (${((records * TRACE_RECORD_BYTES * 100) / total).toFixed(0)} %)` : '';
    process.stderr.write(`\rsimulating: ${records.toLocaleString('en-US')} translations${percent}`);
  };
}
