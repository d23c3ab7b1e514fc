/**
 * Where the project is: the one helper every stage uses to find the repository root
 * (for build/, samples/, dist/ and package.json), whether code runs from source (tests,
 * vite) or compiled from dist/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The repository root (the directory holding our package.json), from source or dist/. */
export function projectRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown };
        if (parsed.name === 'hypersio-ts') {
          cached = dir;
          return dir;
        }
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    const parent = resolve(dir, '..');
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** A path inside the repository, e.g. `projectPath('dist', 'hypersio.wasm')`. */
export function projectPath(...parts: string[]): string {
  return join(projectRoot(), ...parts);
}
