/**
 * What a collect run leaves behind when the collector dies without cleaning up (SIGKILL,
 * a crash, the OOM killer). Nothing, normally:
 *
 * - a watchdog (`sh`, started in its own session so terminal signals do not reach it)
 *   reads a pipe from the collector. The kernel closes a dead process's files whatever
 *   killed it, so the watchdog sees end-of-file when the collector dies; it then stops
 *   the processes it was told about (SIGTERM, SIGKILL after a grace period) and removes
 *   the paths it was told about. The collector says `pid N`, `path P`, and `done` once it
 *   has cleaned up itself (the watchdog then exits doing nothing). No prctl needed.
 * - temporary folders are named `hypersio-collect-<pid>-…` and partial outputs end in
 *   `.partial-<pid>`: whatever survived both (the watchdog killed too) is removed by the
 *   next collect, which sees that process <pid> is gone.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';

/** Seconds the watchdog waits after SIGTERM before SIGKILL. */
export const WATCHDOG_KILL_GRACE_SECONDS = 3;

const WATCHDOG_SCRIPT = `
pids=; paths=
while IFS= read -r line; do
  case "$line" in
    "pid "*) pids="$pids \${line#pid }" ;;
    "path "*) paths="$paths
\${line#path }" ;;
    done) exit 0 ;;
  esac
done
if [ -n "$pids" ]; then
  kill -TERM $pids 2>/dev/null
  i=0
  while [ $i -lt ${WATCHDOG_KILL_GRACE_SECONDS * 10} ]; do
    alive=; for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ -n "$alive" ] || break
    sleep 0.1; i=$((i + 1))
  done
  kill -KILL $pids 2>/dev/null
fi
printf '%s\\n' "$paths" | while IFS= read -r p; do [ -n "$p" ] && rm -rf -- "$p"; done
exit 0
`;

export interface Watchdog {
  /** Stop this process if the collector dies. */
  watchProcess(pid: number | undefined): void;
  /** Remove this file or folder if the collector dies. */
  watchPath(path: string): void;
  /** The collector cleaned up itself: the watchdog exits doing nothing. */
  release(): void;
}

export function startWatchdog(): Watchdog {
  const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  const pipe = child.stdin as Writable & { unref?: () => void };
  // Neither the watchdog nor its pipe may keep the collector's event loop alive.
  child.unref();
  pipe.unref?.();
  pipe.on('error', () => {}); // a watchdog that could not start leaves the next run's sweep
  const say = (line: string): void => {
    if (!pipe.destroyed) pipe.write(`${line}\n`);
  };
  return {
    watchProcess: (pid) => {
      if (pid !== undefined) say(`pid ${pid}`);
    },
    watchPath: (path) => say(`path ${path}`),
    release: () => {
      say('done');
      pipe.end();
    },
  };
}

const RUN_FOLDER_PREFIX = 'hypersio-collect-';

/** A run's temporary folder, named after this process so a later run can tell it was abandoned. */
export function makeRunFolder(): Promise<string> {
  return mkdtemp(join(tmpdir(), `${RUN_FOLDER_PREFIX}${process.pid}-`));
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes run folders in the temporary directory and `.partial-<pid>` files in `outDir`
 * whose collector process is gone; returns what it removed.
 */
export async function removeAbandonedRunFiles(outDir: string): Promise<string[]> {
  const removed: string[] = [];
  const sweep = async (dir: string, pattern: RegExp): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const pid = Number(pattern.exec(name)?.[1]);
      if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
      await rm(join(dir, name), { recursive: true, force: true });
      removed.push(join(dir, name));
    }
  };
  await sweep(tmpdir(), new RegExp(`^${RUN_FOLDER_PREFIX}(\\d+)-`));
  await sweep(outDir, /\.partial-(\d+)$/);
  return removed;
}

/** CPU seconds (user + system, all threads) a live process has used, from /proc; null when it is gone. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
