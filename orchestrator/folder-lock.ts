/**
 * An exclusive lock on an output folder, so two commands never write one folder at once
 * (two sweeps into one --out would both run everything and interleave results.jsonl),
 * also when they run on different machines sharing the folder (Slurm tasks).
 *
 * The lock is proper-lockfile's: a directory `.hypersio.lock` made with mkdir (atomic on
 * NFS too), whose modification time the holder refreshes every LOCK_STALE_MS / 4 (its
 * heartbeat). A lock whose heartbeat stopped for LOCK_STALE_MS is stale, whichever host
 * took it, and is taken over: a task killed by SIGKILL on one node does not block its
 * rerun on another. Who holds it (pid, host, command, time) is in `.hypersio.lock.json`,
 * for the message a second command prints. The lock is released by release() and, as a
 * last resort, when the process exits.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readFileSync, rmSync, statSync } from 'node:fs';
import properLockfile from 'proper-lockfile';
import { writeFilesAtomically } from '../core/atomic-write.js';
import { InputError } from '../core/errors.js';

export const LOCK_FILE = '.hypersio.lock';
export const LOCK_HOLDER_FILE = '.hypersio.lock.json';
/** A lock whose heartbeat is older than this is stale (20 s: a heartbeat every 5 s, with room for a busy event loop). */
export const LOCK_STALE_MS = 20_000;

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

function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof holder.pid === 'number' ? holder : undefined;
  } catch {
    return undefined; // not written yet, or torn by a crash while it was written
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Seconds since the lock's last heartbeat, or undefined when it vanished. */
function heartbeatAge(path: string): number | undefined {
  try {
    return Math.max(0, Math.round((Date.now() - statSync(path).mtimeMs) / 1000));
  } catch {
    return undefined;
  }
}

/** Earlier versions' lock was a file (the lock is now a directory): one without a heartbeat for staleMs goes. */
function removeStaleLockFile(path: string, staleMs: number): void {
  try {
    const stat = statSync(path);
    if (stat.isFile() && Date.now() - stat.mtimeMs > staleMs) rmSync(path, { force: true });
  } catch {
    // no lock file
  }
}

/**
 * The holder's note, which its command writes just after it took the lock: a command that
 * lost a race by a moment waits for it (up to half a second) to say who holds the folder.
 */
function awaitHolder(holderPath: string): LockHolder | undefined {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited += 20) {
    const holder = readHolder(holderPath);
    if (holder !== undefined || waited >= 500) return holder;
    Atomics.wait(pause, 0, 0, 20);
  }
}

/**
 * Locks `dir` (which must exist) for `command`; `flag` names the folder in errors
 * (`--out build/sweep: …`). `staleMs` (at least 2000) is for tests.
 */
export function acquireFolderLock(dir: string, command: string, flag = '--out', options: { staleMs?: number } = {}): FolderLock {
  const path = join(dir, LOCK_FILE);
  const holderPath = join(dir, LOCK_HOLDER_FILE);
  const staleMs = Math.max(2000, options.staleMs ?? LOCK_STALE_MS);
  removeStaleLockFile(path, staleMs);
  let unlock: () => void;
  try {
    unlock = properLockfile.lockSync(dir, {
      lockfilePath: path,
      realpath: false,
      stale: staleMs,
      update: staleMs / 4,
      // Our heartbeat was late and another command took the folder over: say so, do not crash.
      onCompromised: (err) => process.stderr.write(`hypersio: warning: ${flag} ${dir}: the folder lock was lost (${err.message}); another command may be writing it\n`),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ELOCKED') throw new InputError(`${flag} ${dir}: cannot lock the folder (${code ?? 'error'})`);
    const holder = awaitHolder(holderPath);
    const who = holder ? `${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.started})` : 'another command';
    const age = heartbeatAge(path) ?? 0;
    // Said, not acted on: a pid is no proof across hosts or pid namespaces, and only the heartbeat is.
    const gone = holder?.host === hostname() && !processExists(holder.pid) ? `; pid ${holder.pid} is gone, so it is taken over in ${Math.max(1, Math.ceil(staleMs / 1000 - age))} s` : ': wait for it to finish';
    throw new InputError(`${flag} ${dir}: in use by ${who}; its lock ${path} was refreshed ${age} s ago and counts as abandoned ${staleMs / 1000} s after its last refresh${gone}`);
  }
  const me: LockHolder = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() };
  try {
    writeFilesAtomically([{ path: holderPath, data: Buffer.from(JSON.stringify(me) + '\n') }]);
  } catch (err) {
    unlock();
    throw err;
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    // Only our own holder note: never one a later command wrote after taking over.
    const holder = readHolder(holderPath);
    if (holder?.pid === me.pid && holder.host === me.host) rmSync(holderPath, { force: true });
    try {
      unlock();
    } catch {
      // Already released, or taken over after a stall (reported by onCompromised).
    }
  };
  process.on('exit', release);
  return { path, release };
}
