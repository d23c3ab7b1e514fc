/**
 * Log groups (`P_0`, `P_1`, … as `.txt` or `.txt.gz`) and the choice of each log's tenant
 * devices: a sidecar manifest when present, else the reference's consecutive PCI slots.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { manifestPathForLog } from '../core/manifest.js';

/**
 * The sidecar manifest `<log file name>.json` (e.g. `hypersio_x_vm_4_log_0.txt.gz.json`)
 * that the QEMU collector writes next to a log, listing the log's tenant devices in
 * tenant order:
 *
 * ```json
 * { "tenants": [ { "sid": 16, "slot": 2, "model": "e1000e", "mac": "52:54:00:12:34:02" }, … ],
 *   … any other keys (collector version, QEMU version, command line) are ignored }
 * ```
 * `sid` is the PCI source id `bus << 8 | slot << 3 | function`; when absent, `slot` gives
 * `slot << 3` (bus 0, function 0). `model`, `mac` and other per-tenant keys are
 * informational. When a manifest exists, the first `n` tenants it lists are the log's
 * valid devices instead of slots `first-slot … first-slot+n-1`.
 */
export interface LogManifest {
  tenants: ManifestTenant[];
  [key: string]: unknown;
}

export interface ManifestTenant {
  sid?: number;
  slot?: number;
  model?: string;
  mac?: string;
  [key: string]: unknown;
}

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

/** Reads and checks the manifest of `logPath`, if there is one. */
export function readManifest(logPath: string): LogManifest | undefined {
  const path = manifestPathForLog(logPath);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${path}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const tenants = (parsed as { tenants?: unknown } | null)?.tenants;
  if (!Array.isArray(tenants) || tenants.length === 0) {
    throw new InputError(`${path}: "tenants" must be a non-empty array of devices`);
  }
  tenants.forEach((t: unknown, i) => {
    const entry = t as ManifestTenant | null;
    const isInt = (v: unknown, max: number): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
    if (entry === null || typeof entry !== 'object' || !(isInt(entry.sid, 0xffff) || (entry.sid === undefined && isInt(entry.slot, 31)))) {
      throw new InputError(`${path}: tenants[${i}] needs "sid" (0..65535) or "slot" (0..31)`);
    }
  });
  return parsed as LogManifest;
}

/** The sid of a manifest entry. */
export function manifestSid(tenant: ManifestTenant): number {
  return tenant.sid ?? (tenant.slot ?? 0) << 3;
}

/** The valid sids of a log: the first `n` manifest devices, else slots firstSlot … firstSlot+n-1. */
export function validSidsForLog(n: number, firstSlot: number, manifest: LogManifest | undefined): number[] {
  if (manifest) return manifest.tenants.slice(0, n).map(manifestSid);
  const sids: number[] = [];
  for (let i = 0; i < n; i++) sids.push((firstSlot + i) << 3);
  return sids;
}
