/**
 * vitest global setup: unpacks the repository's copy of the golden data (test/golden/,
 * gzipped; refreshed from ../shared/golden by `npm run golden:refresh`) into
 * build/golden/, where the tests read it as plain files. Tests never read ../shared.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const GOLDEN_SOURCE = join(ROOT, 'test/golden');
export const GOLDEN_UNPACKED = join(ROOT, 'build/golden');

/** What the unpacked copy was made from: every packed file's name and size. */
function sourceStamp(): string {
  return ['configs', 'logs', 'traces', '.']
    .flatMap((d) => readdirSync(join(GOLDEN_SOURCE, d), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(d, e.name)))
    .sort()
    .map((f) => `${f} ${readFileSync(join(GOLDEN_SOURCE, f)).length}`)
    .join('\n');
}

export function unpackGolden(): void {
  const stamp = sourceStamp();
  const stampFile = join(GOLDEN_UNPACKED, '.stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  const tmp = `${GOLDEN_UNPACKED}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (const d of ['configs', 'logs', 'traces']) mkdirSync(join(tmp, d), { recursive: true });
  writeFileSync(join(tmp, 'expected.json'), gunzipSync(readFileSync(join(GOLDEN_SOURCE, 'expected.json.gz'))));
  for (const f of readdirSync(join(GOLDEN_SOURCE, 'configs'))) copyFileSync(join(GOLDEN_SOURCE, 'configs', f), join(tmp, 'configs', f));
  for (const f of readdirSync(join(GOLDEN_SOURCE, 'logs'))) copyFileSync(join(GOLDEN_SOURCE, 'logs', f), join(tmp, 'logs', f));
  for (const f of readdirSync(join(GOLDEN_SOURCE, 'traces'))) {
    writeFileSync(join(tmp, 'traces', f.replace(/\.gz$/, '')), gunzipSync(readFileSync(join(GOLDEN_SOURCE, 'traces', f))));
  }
  writeFileSync(join(tmp, '.stamp'), stamp);
  rmSync(GOLDEN_UNPACKED, { recursive: true, force: true });
  renameSync(tmp, GOLDEN_UNPACKED);
}

export default function setup(): void {
  unpackGolden();
}
