/**
 * Opening a translation trace file, the same way for every command that reads one (`run`,
 * `sweep`, `trace-info`): by its path or its prefix, a regular, non-empty file of whole
 * records. (Its records are checked while it is read: trace-check.ts.)
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from './errors.js';
import { TRACE_RECORD_BYTES, tracePaths, traceSizeProblem } from './trace-format.js';

/**
 * A trace argument as `run`, `sweep` and `trace-info` take it: the `_iotlb_trace.bin` file
 * itself or its prefix (`build/traces/synth_tnt_64_rr3`).
 */
export function resolveTraceArgument(arg: string): string {
  if (existsSync(arg)) return arg;
  const iotlb = tracePaths(arg).iotlb;
  return existsSync(iotlb) ? iotlb : arg;
}

/**
 * Opens a translation trace (a file or its prefix), checking what can be checked before
 * reading it: a regular, non-empty file of whole records. Its records are checked while it
 * is read (trace-check.ts).
 */
export function openTrace(arg: string): { fd: number; records: number; path: string } {
  const path = resolveTraceArgument(arg);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'no such trace file' : `cannot read trace (${code ?? 'error'})`}`);
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new InputError(`${path}: not a regular file`);
  }
  const problem = traceSizeProblem(path, stat.size);
  if (problem) {
    closeSync(fd);
    throw new InputError(problem);
  }
  return { fd, records: stat.size / TRACE_RECORD_BYTES, path };
}

const MAX_READ_BYTES = 1 << 30;

/** Fills `target` from `fd` at `position` (readSync until full or end of file); returns the bytes read. */
export function readFully(fd: number, target: Uint8Array, position: number): number {
  let got = 0;
  while (got < target.length) {
    // One read is at most 2 GiB - 1 bytes (Node's limit): a larger target takes several.
    const n = readSync(fd, target, got, Math.min(target.length - got, MAX_READ_BYTES), position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

