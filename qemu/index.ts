/** The QEMU log collector's programmatic API (the CLI commands are thin over it). */
export { buildGuest, defaultGuestCacheDir, GUEST_MODULES, type GuestBuildOptions, type GuestImage } from './guest.js';
export {
  collect,
  validateCollectOptions,
  qemuVersion,
  kvmUsable,
  CollectError,
  CollectInterrupted,
  TRACE_EVENTS,
  DEFAULT_MB_PER_NIC,
  IOVA_LAYOUTS,
  type Accel,
  type IovaLayout,
  type CollectOptions,
  type CollectRunResult,
} from './collect.js';
export { MAX_FLAT_NICS, MAX_NICS, NESTED_MAX_NICS, planNics, nicArguments, sidFromBdf, macForNic, type NicPlacement } from './layout.js';
export { WORKLOADS, logBaseName, logGroupPrefix, manifestPathForLog, readManifest, type CollectManifest, type ManifestTenant, type Workload } from '../core/manifest.js';
export { findTool, requireTool, TOOL_PACKAGES } from './tools.js';
export { removeAbandonedRunFiles } from './run-guard.js';
