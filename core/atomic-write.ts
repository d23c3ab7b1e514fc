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
  const temps = temporaryNames(files);
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
  } catch (err) {
    throw cleanUpAfter(err, temps, current);
  }
  renameIntoPlace(files, temps);
}

/** Renames every complete temporary to its final path; on a failure removes the temporaries and the finals renamed so far. */
function renameIntoPlace(files: readonly { path: string }[], temps: readonly string[]): void {
  const renamed: string[] = [];
  let current = '';
  try {
    files.forEach((f, i) => {
      current = f.path;
      renameSync(temps[i]!, f.path);
      renamed.push(f.path);
    });
  } catch (err) {
    throw cleanUpAfter(err, [...temps, ...renamed], current);
  }
}

function temporaryNames(files: readonly { path: string }[]): string[] {
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  return files.map((f) => join(dirname(f.path), `.${basename(f.path)}.${tag}.tmp`));
}

/** Removes `paths`; the error to throw (an errno one becomes an InputError naming `current`). */
function cleanUpAfter(err: unknown, paths: readonly string[], current: string): unknown {
  for (const p of paths) rmSync(p, { force: true });
  const code = (err as NodeJS.ErrnoException).code;
  return code === undefined ? err : new InputError(`${current}: cannot write (${code})`);
}

/**
 * Awaited by long writers between blocks: it lets pending signals reach their handlers
 * (a synchronous loop never would) and throws to abandon the write.
 */
export type WriteCheckpoint = () => Promise<void>;

/** A file for writeFilesAtomicallyAsync: bytes, or an async writer that awaits the checkpoint between blocks. */
export interface AsyncOutputFile {
  path: string;
  data: Uint8Array | ((fd: number, checkpoint: WriteCheckpoint) => Promise<void>);
}

/**
 * writeFilesAtomically for long outputs that can be abandoned midway (Ctrl-C): the writers
 * await `checkpoint` between blocks, and it is awaited once more after the last temporary
 * is complete, so a signal at any moment before the renames leaves the files already at
 * the final paths untouched and removes only this call's temporaries. Nothing is renamed
 * unless every file was written.
 */
export async function writeFilesAtomicallyAsync(files: readonly AsyncOutputFile[], checkpoint: WriteCheckpoint = async () => {}): Promise<void> {
  const temps = temporaryNames(files);
  let current = '';
  try {
    for (const [i, f] of files.entries()) {
      current = f.path;
      const data = f.data;
      if (typeof data !== 'function') {
        writeFileSync(temps[i]!, data, { flag: 'wx' });
        continue;
      }
      const fd = openSync(temps[i]!, 'wx');
      try {
        await data(fd, checkpoint);
      } finally {
        closeSync(fd);
      }
    }
    await checkpoint();
  } catch (err) {
    throw cleanUpAfter(err, temps, current);
  }
  // The commit: synchronous, so no signal handler runs between the renames.
  renameIntoPlace(files, temps);
}
