/**
 * Writes a set of output files all or nothing: each goes to a temporary name in its own
 * directory (so the final rename stays on one file system), and only when every one is
 * complete are they renamed into place. On any failure the temporaries, and finals
 * already renamed by this call, are removed, so a failed run leaves nothing behind.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from './errors.js';

/** A file to write: its bytes, or a function that writes them to an open descriptor. */
export interface OutputFile {
  path: string;
  data: Uint8Array | ((fd: number) => void);
}

/** Creates `dir` if needed; an InputError naming `flag` when it cannot be a writable directory. */
export function ensureOutputDir(dir: string, flag = '--out-dir'): void {
  try {
    makeDirectories(dir);
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`${flag} ${dir}: cannot create or use the directory (${code})`);
  }
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdirSync never returns for a path
 * under /proc (it retries ENOENT forever, on the main thread, deaf to signals).
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // made meanwhile by another process
    }
  }
}

export function writeFilesAtomically(files: readonly OutputFile[]): void {
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const temps = files.map((f) => join(dirname(f.path), `.${basename(f.path)}.${tag}.tmp`));
  const renamed: string[] = [];
  let current = '';
  try {
    files.forEach((f, i) => {
      current = f.path;
      if (typeof f.data !== 'function') {
        writeFileSync(temps[i]!, f.data, { flag: 'wx' });
        return;
      }
      const fd = openSync(temps[i]!, 'wx');
      try {
        f.data(fd);
      } finally {
        closeSync(fd);
      }
    });
    files.forEach((f, i) => {
      current = f.path;
      renameSync(temps[i]!, f.path);
      renamed.push(f.path);
    });
  } catch (err) {
    for (const p of [...temps, ...renamed]) rmSync(p, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    throw new InputError(`${current}: cannot write (${code})`);
  }
}
