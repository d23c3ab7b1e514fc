/** Shared by the sweep tests: the compiled API (Piscina needs the built worker), temp dirs, the CLI. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { GOLDEN_DIR, HYPERSIO_BIN, PROJECT_ROOT } from './helpers.js';

export { GOLDEN_DIR, HYPERSIO_BIN, PROJECT_ROOT };

export const TRACES = resolve(GOLDEN_DIR, 'traces');
export const TRACE_3 = join(TRACES, 'syn_tnt_3_rr3_iotlb_trace.bin');
export const TRACE_6 = join(TRACES, 'syn_tnt_6_rr6_iotlb_trace.bin');
export const TRACE_8 = join(TRACES, 'syn_tnt_8_rr3_iotlb_trace.bin');

// The sweep runs its workers from dist/, so the tests use the compiled API too.
export const sweepApi = (await import(resolve(PROJECT_ROOT, 'dist/orchestrator/sweep/index.js'))) as typeof import('../orchestrator/sweep/index.js');
export const modelApi = (await import(resolve(PROJECT_ROOT, 'dist/orchestrator/model.js'))) as typeof import('../orchestrator/model.js');

export function tempDir(prefix: string): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), `hypersio-${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function hypersio(args: string[], options: { cwd?: string } = {}) {
  return execa(HYPERSIO_BIN, args, { cwd: options.cwd ?? PROJECT_ROOT, reject: false, env: { NO_COLOR: '1' } });
}

/** A record without what differs between two runs of the same configuration. */
export function stable<T extends Record<string, unknown>>(record: T): Omit<T, 'elapsedMs'> {
  const { elapsedMs: _elapsed, ...rest } = record;
  return rest;
}
