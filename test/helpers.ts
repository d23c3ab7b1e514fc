import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { projectRoot } from '../core/paths.js';

export const PROJECT_ROOT = projectRoot();
/** The reference's outputs: test/golden/ as unpacked by the global setup (test/golden-setup.ts). */
export const GOLDEN_DIR = resolve(PROJECT_ROOT, 'build/golden');
export const HYPERSIO_BIN = resolve(PROJECT_ROOT, 'bin/hypersio');

if (!existsSync(GOLDEN_DIR)) throw new Error(`golden data not unpacked at ${GOLDEN_DIR} (run the tests through vitest, whose global setup unpacks test/golden)`);

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`./bin/hypersio`, compiled by `npm run build`) from the project root. */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [HYPERSIO_BIN, ...args], { cwd: options.cwd ?? PROJECT_ROOT, encoding: 'utf8', env: options.env ?? process.env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Bad input: exit status 2 and one `hypersio: …` line on stderr matching `message`. */
export function expectOneLineInputError(result: { status: number | null | undefined; stderr: string }, message: RegExp): void {
  expect(result.status, result.stderr).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^hypersio: /);
  expect(lines[0]).toMatch(message);
}
