/**
 * Log names and the sidecar manifest the trace constructor reads to know which devices
 * of a log are tenants (tenants[].sid), instead of assuming PCI slots 2….
 */
import { readFileSync } from 'node:fs';

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

/** Reads and checks a manifest; throws with the file name on anything malformed. */
export function readManifest(path: string): CollectManifest {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<CollectManifest>;
  if (!Array.isArray(raw.tenants) || raw.tenants.length === 0) throw new Error(`${path}: manifest has no tenants`);
  for (const t of raw.tenants) {
    if (typeof t?.sid !== 'number' || !Number.isInteger(t.sid) || t.sid < 0 || t.sid > 0xffff) {
      throw new Error(`${path}: tenant with a bad sid ${JSON.stringify(t?.sid)}`);
    }
  }
  return raw as CollectManifest;
}
