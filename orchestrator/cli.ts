/**
 * The `hypersio` command line: a thin layer over the typed programmatic API. Each
 * subcommand lives in its own module under orchestrator/commands/ and registers itself
 * here; the CLI only parses flags, calls the API and prints.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, type Option } from 'commander';
import { InputError, EXIT_BAD_INPUT, Interrupted } from '../core/errors.js';
import { projectPath } from '../core/paths.js';

type Register = (program: Command) => void;

/**
 * Every subcommand and the module that registers it. Only the module of the command being
 * run is loaded (start-up time matters: `run` is timed as a whole process); help loads all.
 */
const COMMAND_MODULES: { names: string[]; load: () => Promise<Register> }[] = [
  { names: ['run'], load: async () => (await import('./commands/run.js')).registerRun },
  { names: ['collect', 'guest'], load: async () => (await import('./commands/collect.js')).registerQemuCommands },
  { names: ['trace-gen'], load: async () => (await import('./commands/trace-gen.js')).registerTraceGen },
  { names: ['trace-info'], load: async () => (await import('./commands/trace-info.js')).registerTraceInfo },
  { names: ['synth'], load: async () => (await import('./commands/synth.js')).registerSynth },
  { names: ['explain'], load: async () => (await import('./commands/explain.js')).registerExplain },
  { names: ['sweep'], load: async () => (await import('./commands/sweep.js')).registerSweep },
  { names: ['advise', 'advise-task'], load: async () => (await import('./commands/advise.js')).registerAdvise },
  { names: ['merge'], load: async () => (await import('./commands/merge.js')).registerMerge },
  { names: ['plot'], load: async () => (await import('./commands/plot.js')).registerPlot },
  { names: ['demo-job'], load: async () => (await import('./commands/demo-job.js')).registerDemoJob },
  { names: ['pipeline'], load: async () => (await import('./commands/pipeline.js')).registerPipeline },
];

/** The program with the commands `argv` needs (all of them unless it names a known one). */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('hypersio')
    .description('HyperSIO: hyper-tenant I/O address translation simulator')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError(false)
    .configureOutput({
      // One line, the same prefix as our own errors.
      outputError: (text, write) => write(`hypersio: ${text.replace(/^error: /, '')}`),
    })
    .exitOverride();
  const requested = argv[2];
  const only = COMMAND_MODULES.filter((m) => requested !== undefined && m.names.includes(requested));
  // Subcommands inherit exitOverride() and configureOutput() from the program.
  for (const module of only.length > 0 ? only : COMMAND_MODULES) (await module.load())(program);
  return program;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Exit status of a process ended by SIGPIPE (128 + 13), what `cmd | head` expects. */
export const EXIT_BROKEN_PIPE = 141;

/**
 * A reader that went away (`hypersio merge A | head -1`) ends the CLI quietly with the
 * status of a process ended by SIGPIPE, as other command-line tools do; every file the
 * command writes is complete by then or removed (folder locks go on exit).
 */
function endQuietlyOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
    throw err;
  });
}

/**
 * Ctrl-C or SIGTERM of a command that does not handle signals itself (`run`, `merge`,
 * `plot`, `trace-info`): one line, exit 130 / 143. Handlers run between synchronous steps,
 * so an atomic write in progress completes first and leaves no temporaries. Commands that
 * stop at a safe point of their own (sweep, synth, trace-gen, collect, pipeline) add their
 * own listener, and this one then leaves the signal to them.
 */
function exitOnUnhandledSignals(): void {
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    const handler = () => {
      if (process.listenerCount(signal) > 1) return;
      process.stderr.write(`hypersio: interrupted by ${signal}\n`);
      process.exit(status);
    };
    process.on(signal, handler);
  }
}

/**
 * What commander lets through: `help nosuch` (commander prints the general help and
 * exits 0), and a flag whose value is missing, which commander fills with the next flag
 * (`sweep --trace --out-dir X` would read '--out-dir' as the trace).
 */
function checkCommandLine(program: Command, argv: readonly string[]): void {
  const name = argv[2];
  const find = (n: string | undefined) => program.commands.find((c) => c.name() === n || c.aliases().includes(n ?? ''));
  if (name === 'help' && argv[3] !== undefined && !find(argv[3])) {
    throw new InputError(`help: no command '${argv[3]}' (commands: ${program.commands.map((c) => c.name()).filter((n) => n !== 'help').join(', ')})`);
  }
  const command = find(name);
  if (!command) return;
  const options = new Map<string, Option>();
  for (const option of command.options) {
    if (option.long) options.set(option.long, option);
    if (option.short) options.set(option.short, option);
  }
  const isFlag = (arg: string) => arg === '--help' || arg === '-h' || options.has(arg.split('=')[0] ?? arg);
  for (let i = 3; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    const option = options.get(arg);
    if (!option?.required) continue;
    const next = argv[i + 1];
    if (next === undefined || isFlag(next)) throw new InputError(`${arg}: missing its value${next === undefined ? '' : ` (before ${next})`}`);
    i++;
  }
}

/** Runs the CLI; returns the process exit status. */
export async function main(argv: string[]): Promise<number> {
  endQuietlyOnBrokenPipe(process.stdout);
  endQuietlyOnBrokenPipe(process.stderr);
  exitOnUnhandledSignals();
  const program = await buildProgram(argv);
  if (argv.length <= 2) {
    // A bare `hypersio` asks what it can do: the help, on stdout, like `hypersio --help`.
    program.outputHelp();
    return 0;
  }
  try {
    checkCommandLine(program, argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; they already printed.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT_BAD_INPUT;
    }
    if (err instanceof Interrupted) {
      process.stderr.write(`hypersio: ${err.message}\n`);
      return err.exitCode;
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
