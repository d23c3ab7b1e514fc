/**
 * Host tools the collector needs, and which Debian package provides each, so a missing
 * tool is a one-line "install X" message rather than an ENOENT from deep inside a run.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InputError } from '../core/errors.js';

/** Tool name → the Debian package that installs it. */
export const TOOL_PACKAGES = {
  'qemu-system-x86_64': 'qemu-system-x86',
  busybox: 'busybox-static',
  'apt-get': 'apt',
  'apt-cache': 'apt',
  'dpkg-deb': 'dpkg',
  iperf3: 'iperf3',
} as const;

export type ToolName = keyof typeof TOOL_PACKAGES;

/** Absolute path of `name` on PATH (or in the sbin directories PATH may lack), or null. */
export function findTool(name: string): string | null {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d.length > 0);
  // Non-root PATHs often lack the sbin directories; nothing else is searched beyond PATH.
  for (const extra of ['/usr/local/sbin', '/usr/sbin', '/sbin']) {
    if (!dirs.includes(extra)) dirs.push(extra);
  }
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

/** Like findTool, but a missing tool is an InputError naming the package to install. */
export function requireTool(name: ToolName, why: string): string {
  const path = findTool(name);
  if (path === null) {
    throw new InputError(
      `${name} not found (needed ${why}): install the Debian package ${TOOL_PACKAGES[name]} (apt-get install ${TOOL_PACKAGES[name]})`,
    );
  }
  return path;
}
