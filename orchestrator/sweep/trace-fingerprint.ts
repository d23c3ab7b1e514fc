/**
 * A trace's content fingerprint: the SHA-256 of its bytes (first 32 hex digits). It is
 * part of every configuration's identity (jobId), so results of a trace that changed in
 * place are never resumed, merged or plotted as its own.
 *
 * Hashing costs a read of the file (about 1 s per GB, see the sweep README), so each
 * fingerprint is remembered, in this process and in `.trace-fingerprints.json` of the
 * output folder, under the file's (path, size, mtime, ctime, inode): any write to the file
 * changes its ctime, which no program can set back, so a remembered fingerprint is used
 * only for the very bytes it was computed from.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFilesAtomically } from '../../core/atomic-write.js';

export const FINGERPRINT_CACHE_FILE = '.trace-fingerprints.json';

interface Remembered {
  /** `${size}:${mtimeNs}:${ctimeNs}:${ino}` when it was computed. */
  stat: string;
  fingerprint: string;
}

const remembered = new Map<string, Remembered>();

function statKey(path: string): string {
  const s = statSync(path, { bigint: true });
  return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
}

const HASH_CHUNK_BYTES = 8 << 20;

/** SHA-256 of the whole file, read in 8 MiB chunks (flat memory whatever its size). */
function hashFile(path: string): string {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, chunk, 0, chunk.length, null); n > 0; n = readSync(fd, chunk, 0, chunk.length, null)) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * The fingerprint of the trace at `path` (a real path), from memory when its file is
 * unchanged; '' for a file that does not exist (its configurations fail when run).
 */
export function traceFingerprint(path: string): string {
  if (!existsSync(path)) return '';
  const stat = statKey(path);
  const known = remembered.get(path);
  if (known?.stat === stat) return known.fingerprint;
  const fingerprint = hashFile(path);
  // Changed while hashed: the next call hashes again.
  remembered.set(path, { stat: statKey(path) === stat ? stat : '', fingerprint });
  return fingerprint;
}

/** Remembers the fingerprints saved in `dir` (a missing or unreadable file: none). */
export function loadFingerprints(dir: string): void {
  for (const [trace, entry] of Object.entries(readSaved(dir))) if (!remembered.has(trace)) remembered.set(trace, entry);
}

function readSaved(dir: string): Record<string, Remembered> {
  const path = join(dir, FINGERPRINT_CACHE_FILE);
  const saved: Record<string, Remembered> = {};
  if (!existsSync(path)) return saved;
  try {
    for (const [trace, entry] of Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, Remembered>)) {
      if (typeof entry?.stat === 'string' && typeof entry.fingerprint === 'string') saved[trace] = { stat: entry.stat, fingerprint: entry.fingerprint };
    }
  } catch {
    // A damaged cache only costs hashing again.
  }
  return saved;
}

/** Saves the fingerprints of `traces` into `dir` (which the caller has locked). */
export function saveFingerprints(dir: string, traces: Iterable<string>): void {
  const saved: Record<string, Remembered> = readSaved(dir);
  for (const trace of traces) {
    const entry = remembered.get(trace);
    if (entry !== undefined && entry.stat !== '') saved[trace] = entry;
  }
  if (Object.keys(saved).length === 0) return;
  writeFilesAtomically([{ path: join(dir, FINGERPRINT_CACHE_FILE), data: Buffer.from(JSON.stringify(saved) + '\n') }]);
}
