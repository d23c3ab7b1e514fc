/**
 * Log groups (`P_0`, `P_1`, … as `.txt` or `.txt.gz`) and the choice of each log's tenant
 * devices: the sidecar manifest `<log file name>.json` the collector writes (core/manifest.ts)
 * when present, its first `n` tenants in order; else the reference's consecutive PCI slots
 * `first-slot … first-slot+n-1`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { manifestSid, type LogManifest } from '../core/manifest.js';

/** Path of log `k` of group `prefix` in `dir` (`.txt` preferred over `.txt.gz`), or undefined. */
export function findLog(dir: string, prefix: string, k: number): string | undefined {
  for (const ext of ['.txt', '.txt.gz']) {
    const path = join(dir, `${prefix}_${k}${ext}`);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** `M` from a prefix's `_vm_<M>_` part (`hypersio_iperf3_vm_24_log` → 24), or undefined. */
export function devicesPerLogFromPrefix(prefix: string): number | undefined {
  const m = /_vm_(\d+)(?:_|$)/.exec(prefix);
  return m ? Number(m[1]) : undefined;
}

/** The valid sids of a log: the first `n` manifest devices, else slots firstSlot … firstSlot+n-1. */
export function validSidsForLog(n: number, firstSlot: number, manifest: LogManifest | undefined): number[] {
  if (manifest) return manifest.tenants.slice(0, n).map(manifestSid);
  const sids: number[] = [];
  for (let i = 0; i < n; i++) sids.push((firstSlot + i) << 3);
  return sids;
}
