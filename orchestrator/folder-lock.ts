/**
 * An exclusive lock on an output folder, so two commands never write one folder at once
 * (two sweeps into one --out would both run everything and interleave results.jsonl).
 *
 * The lock is a file `.hypersio.lock` in the folder, created with O_EXCL, holding who took
 * it (pid, host, command, time). A lock whose process is gone (same host, the pid no longer
 * exists) is stale and taken over; a live holder makes acquireFolderLock throw an
 * InputError naming it. The lock is released by release() and, as a last resort, when the
 * process exits.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { InputError } from '../core/errors.js';

export const LOCK_FILE = '.hypersio.lock';

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  started: string;
}

export interface FolderLock {
  readonly path: string;
  release(): void;
}

/** True when `pid` on this host still exists (EPERM: it exists but is not ours). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof holder.pid === 'number' ? holder : undefined;
  } catch {
    return undefined; // vanished, or torn by a crash while it was written
  }
}

/**
 * Locks `dir` (which must exist) for `command`; `flag` names the folder in errors
 * (`--out build/sweep: …`).
 */
export function acquireFolderLock(dir: string, command: string, flag = '--out'): FolderLock {
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new InputError(`${flag} ${dir}: cannot lock the folder (${code ?? 'error'})`);
      const holder = readHolder(path);
      const stale = holder === undefined ? false : holder.host === me.host && !processAlive(holder.pid);
      if (stale || (holder === undefined && attempt > 0)) {
        rmSync(path, { force: true });
        continue;
      }
      if (holder === undefined) {
        // Just created by another process that has not written it yet: look again shortly.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        continue;
      }
      throw new InputError(
        `${flag} ${dir}: in use by ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.started}); ` +
          `wait for it to finish, or remove ${path} if that process is gone`,
      );
    }
    try {
      writeSync(fd, JSON.stringify(me) + '\n');
    } finally {
      closeSync(fd);
    }
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      process.off('exit', release);
      // Only our own lock: never one a later command took over.
      if (readHolder(path)?.pid === me.pid) rmSync(path, { force: true });
    };
    process.on('exit', release);
    return { path, release };
  }
  throw new InputError(`${flag} ${dir}: cannot lock the folder (${path} keeps changing)`);
}
