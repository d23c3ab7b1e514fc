/**
 * An error in what the user gave us (a file, a flag, a config value). The CLI prints its
 * message as one line, `hypersio: <message>`, and exits with status 2; never a stack trace.
 * Messages name the file or flag first, then the problem.
 */
export class InputError extends Error {
  override name = 'InputError';
}

/** Exit status for bad input (files, flags, configs). */
export const EXIT_BAD_INPUT = 2;
