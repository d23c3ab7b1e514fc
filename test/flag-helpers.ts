/** `run`'s and `sweep`'s model flags parsed as the CLI parses them (commander), without a trace. */
import { Command } from 'commander';
import { addModelOptions, modelConfigFromFlags } from '../orchestrator/commands/run.js';
import { addSweepOptions, inputFromFlags } from '../orchestrator/commands/sweep.js';
import type { ModelConfig } from '../orchestrator/config.js';
import { sweepSpecFromInput, type SweepSpec } from '../orchestrator/sweep/spec.js';

/** The configuration `hypersio run <args>` would simulate. */
export function runFlagsConfig(args: string[]): ModelConfig {
  const command = addModelOptions(new Command()).exitOverride();
  command.parse(args, { from: 'user' });
  return modelConfigFromFlags(command.opts());
}

/** The spec `hypersio sweep --trace <trace> <args>` would run. */
export function sweepFlagsSpec(args: string[], trace: string): SweepSpec {
  const command = new Command().exitOverride();
  addSweepOptions(command);
  command.parse(args, { from: 'user' });
  return sweepSpecFromInput({ ...inputFromFlags(command.opts()), traces: [trace] });
}
