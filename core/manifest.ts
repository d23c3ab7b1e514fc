/**
 * Log names and the sidecar manifest the trace constructor reads to know which devices
 * of a log are tenants (tenants[].sid), instead of assuming PCI slots 2….
 */
import { existsSync, readFileSync } from 'node:fs';
import { InputError } from './errors.js';

/** The emulated NIC models a tenant can be (QEMU device names, as in the manifest). */
export const NIC_MODELS = ['e1000', 'e1000e', 'virtio'] as const;
export type NicModel = (typeof NIC_MODELS)[number];

export const WORKLOADS = ['http', 'rr', 'iperf3'] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface ManifestTenant {
  /** PCI source id, bus << 8 | slot << 3 | fn */
  sid: number;
  /** PCI slot (device number) on its bus */
  slot: number;
  model: NicModel;
  mac: string;
  /** bytes the NIC moved (guest rx + tx counters) */
  bytes: number;
  /** IOMMU domain id seen in the log for this sid, null when none was seen */
  domain: number | null;
}

export interface CollectManifest {
  tenants: ManifestTenant[];
  workload: string;
  params: Record<string, unknown>;
  qemuVersion: string;
  kernelVersion: string;
  wallSeconds: number;
}

/** `<prefix>_<workload>_vm_<N>_log` : the group prefix the trace constructor takes. */
export function logGroupPrefix(prefix: string, workload: string, nics: number): string {
  return `${prefix}_${workload}_vm_${nics}_log`;
}

/** `<group>_<k>` : the log's name without extension. */
export function logBaseName(prefix: string, workload: string, nics: number, runIndex: number): string {
  return `${logGroupPrefix(prefix, workload, nics)}_${runIndex}`;
}

/**
 * The manifest that belongs to a log file: the full file name plus `.json`
 * (`x_log_0.txt.gz` → `x_log_0.txt.gz.json`), where the trace constructor looks for it.
 */
export function manifestPathForLog(logPath: string): string {
  return `${logPath}.json`;
}

/**
 * What a reader may rely on in any manifest, the collector's or one written by hand:
 * `sid` is the PCI source id `bus << 8 | slot << 3 | function`; when absent, `slot` gives
 * `slot << 3` (bus 0, function 0). `model`, `mac` and other keys are informational.
 */
export interface ManifestEntry {
  sid?: number;
  slot?: number;
  [key: string]: unknown;
}

/** A manifest as read: its tenant devices in tenant order, and whatever else it holds. */
export interface LogManifest {
  tenants: ManifestEntry[];
  params?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Reads and checks the manifest of `logPath`, or undefined when it has none; an
 * InputError naming the manifest on anything malformed.
 */
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
    const entry = t as ManifestEntry | null;
    const isInt = (v: unknown, max: number): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
    if (entry === null || typeof entry !== 'object' || !(isInt(entry.sid, 0xffff) || (entry.sid === undefined && isInt(entry.slot, 31)))) {
      throw new InputError(`${path}: tenants[${i}] needs "sid" (0..65535) or "slot" (0..31)`);
    }
  });
  return parsed as LogManifest;
}

/** The sid of a manifest entry. */
export function manifestSid(tenant: ManifestEntry): number {
  return tenant.sid ?? (tenant.slot ?? 0) << 3;
}
