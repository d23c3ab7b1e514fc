/**
 * Shared helpers of the QEMU collector tests (not a test file itself): whether QEMU is
 * here, and the processes a test started, found by their parent chain, never by name (other
 * collectors may be running on the same machine).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { findTool } from '../qemu/tools.js';

export const qemuPresent = findTool('qemu-system-x86_64') !== null;
export const requireQemu = process.env['HYPERSIO_REQUIRE_QEMU'] === '1';
if (!qemuPresent && !requireQemu) {
  console.warn('collect tests: QEMU runs skipped, qemu-system-x86_64 not found (bash .ci/install-qemu.sh installs it)');
}

/** A process as /proc shows it: its command line tells a reused pid from the original. */
export interface ProcessInfo {
  pid: number;
  args: string;
}

function readArgs(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return null;
  }
}

/** Every live descendant of `root` (children, their children, …). */
export function descendantsOf(root: number): ProcessInfo[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // gone meanwhile
    }
  }
  const found: ProcessInfo[] = [];
  const walk = (pid: number): void => {
    for (const child of children.get(pid) ?? []) {
      const args = readArgs(child);
      // An empty command line is a zombie (or a kernel thread): it runs nothing.
      if (args !== null && args !== '') found.push({ pid: child, args });
      walk(child);
    }
  };
  walk(root);
  return found;
}

/** The processes of `snapshot` still running (same pid and command line). */
export function stillRunning(snapshot: readonly ProcessInfo[]): ProcessInfo[] {
  return snapshot.filter((p) => readArgs(p.pid) === p.args);
}

/** Waits until none of `snapshot` runs, at most `limitMs`; returns those still running. */
export async function waitGone(snapshot: readonly ProcessInfo[], limitMs: number): Promise<ProcessInfo[]> {
  const until = Date.now() + limitMs;
  let left = stillRunning(snapshot);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    left = stillRunning(snapshot);
  }
  return left;
}

/** Waits until `predicate` holds, checking every 200 ms, at most `limitMs`. */
export async function waitFor(predicate: () => boolean, limitMs: number): Promise<boolean> {
  const until = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

/**
 * Every process descended from `child` while it runs (sampled every 300 ms), for checking
 * afterwards that none outlived it.
 */
export function trackDescendants(child: { pid?: number | undefined; then: PromiseLike<unknown>['then'] }): { seen: () => ProcessInfo[] } {
  const seen = new Map<string, ProcessInfo>();
  const sample = (): void => {
    if (child.pid === undefined) return;
    for (const p of descendantsOf(child.pid)) seen.set(`${p.pid} ${p.args}`, p);
  };
  const timer = setInterval(sample, 300);
  const stop = (): void => clearInterval(timer);
  child.then(stop, stop);
  sample();
  return { seen: () => [...seen.values()] };
}
