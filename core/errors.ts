/**
 * An error in what the user gave us (a file, a flag, a config value). The CLI prints its
 * message as one line, `hypersio: <message>`, and exits with status 2; never a stack trace.
 * Messages name the file or flag first, then the problem.
 */
export class InputError extends Error {
  override name = 'InputError';
}

export type InterruptSignal = 'SIGHUP' | 'SIGINT' | 'SIGTERM';
const SIGNAL_NUMBERS: Record<InterruptSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** A run stopped by a signal, after cleaning up; exit status 128 + the signal's number. */
export class Interrupted extends Error {
  constructor(
    readonly signal: InterruptSignal,
    cleanedUp: string,
  ) {
    super(`interrupted by ${signal}; ${cleanedUp}`);
  }
  get exitCode(): number {
    return 128 + SIGNAL_NUMBERS[this.signal];
  }
}

/** Exit status for bad input (files, flags, configs). */
export const EXIT_BAD_INPUT = 2;
