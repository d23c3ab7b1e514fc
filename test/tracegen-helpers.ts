/** Shared helpers of the trace constructor tests (not a test file itself). */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GOLDEN_DIR } from './helpers.js';

export { runCli } from './helpers.js';
export const goldenLogs = join(GOLDEN_DIR, 'logs');
export const goldenTraces = join(GOLDEN_DIR, 'traces');

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `hypersio-tracegen-${tag}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Files (including hidden temporaries) in a directory, or [] if it does not exist. */
export function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** The records of a fixed-size record file, as hex strings (to compare as sets). */
export function recordSet(bytes: Buffer, recordBytes: number): string[] {
  const records: string[] = [];
  for (let o = 0; o < bytes.length; o += recordBytes) records.push(bytes.subarray(o, o + recordBytes).toString('hex'));
  return records.sort();
}

/** A patched-dialect log line. */
export const patched = {
  update: (sid: number, iova: string, slpte: string, level: number, did: number): string =>
    `4242@1590000000.000082:vtd_iotlb_page_update IOTLB page update sid 0x${sid.toString(16)} iova ${iova} slpte ${slpte} level 0x${level} domain 0x${did.toString(16)}`,
  hit: (sid: number, iova: string, slpte: string, did: number): string =>
    `4242@1590000000.000163:vtd_iotlb_page_hit IOTLB page hit sid 0x${sid.toString(16)} iova ${iova} pmask 0xfffffffffffff000 slpte ${slpte} domain 0x${did.toString(16)}`,
  context: (sid: number, did: number): string =>
    `4242@1590000000.000025:vtd_iotlb_cc_update IOTLB context update bus 0x0 devfn 0x${sid.toString(16)} high 0x${((did << 8) | 2).toString(16)} low 0x7816001 gen 1 -> gen 2`,
};
