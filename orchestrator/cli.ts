/**
 * The `hypersio` command line: a thin layer over the typed programmatic API. Each
 * subcommand lives in its own module under orchestrator/commands/ and registers itself
 * here; the CLI only parses flags, calls the API and prints.
 */
import { Command, CommanderError } from 'commander';
import { InputError, EXIT_BAD_INPUT } from './errors.js';
import { registerRun } from './commands/run.js';
import { registerQemuCommands } from './commands/collect.js';
import { registerTraceGen } from './commands/trace-gen.js';
import { registerTraceInfo } from './commands/trace-info.js';
import { registerSynth } from './commands/synth.js';
import { registerSweepCommands } from './commands/sweep.js';
import { registerPipeline } from './commands/pipeline.js';

export function buildProgram(): Command {
  const program = new Command('hypersio')
    .description('HyperSIO: hyper-tenant I/O address translation simulator')
    .showHelpAfterError(false)
    .configureOutput({
      // One line, the same prefix as our own errors.
      outputError: (text, write) => write(`hypersio: ${text.replace(/^error: /, '')}`),
    })
    .exitOverride();
  registerRun(program);
  registerQemuCommands(program);
  registerTraceGen(program);
  registerTraceInfo(program);
  registerSynth(program);
  registerSweepCommands(program);
  registerPipeline(program);
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

/** Runs the CLI; returns the process exit status. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; they already printed.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT_BAD_INPUT;
    }
    if (err instanceof InputError) {
      process.stderr.write(`hypersio: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`hypersio: internal error: ${msg.split('\n')[0]}\n`);
    return 1;
  }
}
