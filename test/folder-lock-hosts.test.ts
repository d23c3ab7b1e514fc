/**
 * Issue 22, locks across machines: a folder lock taken on another host counts as held
 * while its heartbeat (the lock directory's modification time) goes on, and as stale once
 * the heartbeat has stopped for the stated time, whatever its pid means on this host.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir } from './sweep-helpers.js';

const { acquireFolderLock, LOCK_FILE, LOCK_HOLDER_FILE } = (await import(resolve(PROJECT_ROOT, 'dist/orchestrator/folder-lock.js'))) as typeof import('../orchestrator/folder-lock.js');

const dir = tempDir('lock-hosts');
afterAll(() => dir.cleanup());
const STALE_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The lock as a command on node-b left it: its directory and holder note (pid 1 is alive here, and means nothing). */
function lockFromAnotherHost(folder: string): string {
  mkdirSync(folder, { recursive: true });
  mkdirSync(join(folder, LOCK_FILE));
  writeFileSync(join(folder, LOCK_HOLDER_FILE), JSON.stringify({ pid: 1, host: 'node-b', command: 'sweep', started: '2026-12-08T00:00:00.000Z' }));
  return join(folder, LOCK_FILE);
}

const touch = (path: string) => {
  const now = Date.now() / 1000;
  utimesSync(path, now, now);
};

describe('a folder lock taken on another host', () => {
  it('is held while its heartbeat goes on, then stale once it stopped for the stale time', async () => {
    const folder = join(dir.path, 'live');
    const lock = lockFromAnotherHost(folder);
    // node-b's heartbeat, every STALE_MS / 4, for 2.5 stale periods.
    for (let beat = 0; beat < 10; beat++) {
      touch(lock);
      expect(() => acquireFolderLock(folder, 'sweep', '--out-dir', { staleMs: STALE_MS })).toThrow(
        `--out-dir ${folder}: in use by sweep (pid 1 on node-b, since 2026-12-08T00:00:00.000Z); its lock ${lock} was refreshed 0 s ago and counts as abandoned 2 s after its last refresh: wait for it to finish`,
      );
      await sleep(STALE_MS / 4);
    }
    // node-b was killed: no heartbeat any more.
    await sleep(STALE_MS + 500);
    const ours = acquireFolderLock(folder, 'sweep', '--out-dir', { staleMs: STALE_MS });
    ours.release();
  });

  it('a lock whose heartbeat is older than the stale time is taken over at once, and ours beats', async () => {
    const folder = join(dir.path, 'stopped');
    const lock = lockFromAnotherHost(folder);
    const then = Date.now() / 1000 - 60;
    utimesSync(lock, then, then);
    const ours = acquireFolderLock(folder, 'merge', '--out-dir', { staleMs: STALE_MS });
    try {
      // Our own heartbeat keeps it held past the stale time.
      await sleep(STALE_MS * 1.5);
      expect(() => acquireFolderLock(folder, 'sweep', '--out-dir', { staleMs: STALE_MS })).toThrow(/in use by merge \(pid \d+ on /);
    } finally {
      ours.release();
    }
    acquireFolderLock(folder, 'sweep', '--out-dir', { staleMs: STALE_MS }).release();
  });
});
