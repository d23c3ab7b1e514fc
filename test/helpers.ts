import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The reference's outputs, read in place (never copied into the project). */
export const GOLDEN_DIR = resolve(PROJECT_ROOT, '../shared/golden');
export const HYPERSIO_BIN = resolve(PROJECT_ROOT, 'bin/hypersio');

if (!existsSync(GOLDEN_DIR)) throw new Error(`golden data not found at ${GOLDEN_DIR}`);
