/** Strict flag value parsing for the CLI's subcommands (errors name the flag). */
import { InputError } from '../core/errors.js';
import { decimalInteger, decimalNumber } from './parameters.js';
import { redrawsInPlace } from './sweep/progress.js';

/**
 * A list flag's values, comma-separated lists allowed (`--tq 1,32` = `--tq 1 32`), trimmed;
 * an empty item (`--tq 1,,2`, `--tq 1,`) is an error naming `flag`, not silently dropped.
 */
export function listFlag(values: string | readonly string[], flag: string): string[] {
  const items = (typeof values === 'string' ? [values] : values).flatMap((v) => v.split(',')).map((v) => v.trim());
  if (items.some((v) => v === '')) throw new InputError(`${flag} ${(typeof values === 'string' ? [values] : values).join(' ')}: empty item in the list`);
  return items;
}

/** A variadic flag's file paths: never split on commas (a comma is part of a file name); empty values dropped. */
export function pathListFlag(values: string | readonly string[]): string[] {
  return (typeof values === 'string' ? [values] : values).filter((v) => v !== '');
}

/**
 * A decimal integer flag value (`--tenants 8`, or `1e3`: an exact integer in exponent
 * notation is one), within [min, max].
 */
export function integerFlag(flag: string, value: string | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = decimalInteger(value);
  if (n === undefined) throw new InputError(`${flag} ${value}: not an integer${decimalNumber(value) === undefined ? '' : ' (a whole number is expected)'}`);
  if (n < min) throw new InputError(`${flag} ${value}: must be at least ${min}`);
  if (n > max) throw new InputError(`${flag} ${value}: must be at most ${max}`);
  return n;
}

/** A decimal number flag value (`--huge-fraction 0.3`), within [min, max]. */
export function numberFlag(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = decimalNumber(value);
  if (n === undefined) throw new InputError(`${flag} ${value}: not a decimal number`);
  if (n < min || n > max) throw new InputError(`${flag} ${value}: must be between ${min} and ${max}`);
  return n;
}

/** The one value given among a flag and its aliases (an error if they disagree). */
export function oneOf(values: Record<string, string | undefined>): string | undefined {
  const given = Object.entries(values).filter(([, v]) => v !== undefined);
  if (given.length > 1 && new Set(given.map(([, v]) => v)).size > 1) {
    throw new InputError(`${given.map(([k]) => k).join(' / ')}: conflicting values`);
  }
  return given[0]?.[1];
}

/**
 * At most one of `names` (flags without dashes, spellings of one setting) given in
 * commander's `flags`: two are an error naming both, whatever their values, since one
 * would silently override the other. Returns the one given, or undefined.
 */
export function oneSpelling(flags: Record<string, unknown>, names: readonly string[], what: string): string | undefined {
  const given = [...new Set(names)].filter((name) => flags[flagKey(name)] !== undefined);
  if (given.length > 1) throw new InputError(`${given.map((name) => `--${name}`).join(' and ')}: both set ${what}; give only one`);
  return given[0];
}

export function requireFlag<T>(flag: string, value: T | undefined): T {
  if (value === undefined) throw new InputError(`${flag}: required`);
  return value;
}

/** Progress lines on stderr: in place on a terminal (not TERM=dumb), else at most one line every few seconds. */
export function progressReporter(label: string): (lines: number, elapsedMs: number, path: string) => void {
  const tty = redrawsInPlace(process.stderr);
  let lastPrint = 0;
  return (lines, elapsedMs, path) => {
    const now = Date.now();
    if (now - lastPrint < (tty ? 300 : 5000)) return;
    lastPrint = now;
    const rate = elapsedMs > 0 ? Math.round((lines / elapsedMs) * 1000) : 0;
    const text = `${label}: ${path}: ${lines.toLocaleString('en-US')} lines, ${rate.toLocaleString('en-US')} lines/s`;
    process.stderr.write(tty ? `\r${text}\x1b[K` : `${text}\n`);
  };
}

/** The property commander stores a flag's value under: `--link-gbps` → `linkGbps`. */
export function flagKey(flag: string): string {
  return flag.replace(/^-+/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `--out-dir`, every command's output folder, or its older spelling `--out` (hidden). */
export function outDirFlag(flags: { outDir?: string; out?: string }): string | undefined {
  return oneOf({ '--out-dir': flags.outDir, '--out': flags.out });
}
