/**
 * Reading a small input file (a `.cfg`, a sweep file, a manifest): only a regular file,
 * and only up to a size such a file can have, so `--config /dev/zero` or a mistaken 2 GB
 * path is a one-line error instead of a hang or an out-of-memory crash.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../core/errors.js';

/** The file's text; InputError `<path>: …` naming `kind` when it cannot be one. */
export function readSmallTextFile(path: string, kind: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new InputError(`${path}: cannot read ${kind} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputError(`${path}: cannot read ${kind} (EISDIR)`);
    if (!stat.isFile()) throw new InputError(`${path}: not a regular file (a ${kind} is expected)`);
    if (stat.size > maxBytes) throw new InputError(`${path}: ${stat.size.toLocaleString('en-US')} bytes, too large for a ${kind} (at most ${maxBytes.toLocaleString('en-US')})`);
    const bytes = Buffer.alloc(stat.size);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return bytes.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
