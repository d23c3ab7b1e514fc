/** 64-bit fields (iova, slpte, masks) survive exactly, and odd masks keep level 0. */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTrace } from '../tracegen/build.js';
import { patched, removeDir, tempDir } from './tracegen-helpers.js';

const dir = tempDir('wide');
afterAll(() => removeDir(dir));

describe('64-bit values', () => {
  it('keeps iovas above 2^53 exact and links their next accesses', async () => {
    mkdirSync(dir, { recursive: true });
    const lines = [
      patched.update(0x10, '0xfffffffffffff010', '0x8000000123456003', 1, 5),
      patched.hit(0x10, '0x0000fffffffff020', '0x3', 5), // same low bits, another page
      patched.hit(0x10, '0xfffffffffffff7f8', '0x8000000123456003', 5), // same page as the first
      `1@1.1:vtd_iotlb_page_hit IOTLB page hit sid 0x10 iova 0x1234 pmask 0xffffffffffff0000 slpte 0x3 domain 0x5`,
    ];
    writeFileSync(join(dir, 'w_vm_1_log_0.txt'), lines.join('\n'));
    const r = await buildTrace({ logDir: dir, logPrefix: 'w_vm_1_log', tenants: 1, order: 'orig', consec: 1, test: 'w', outDir: dir });
    const t = readFileSync(r.paths.iotlb);
    const field = (record: number, offset: number): bigint => t.readBigUInt64LE(record * 48 + offset);
    expect(field(0, 8)).toBe(0xfffffffffffff010n);
    expect(field(0, 32)).toBe(0x8000000123456003n);
    expect(field(1, 8)).toBe(0x0000fffffffff020n);
    expect(field(0, 40)).toBe(2n); // nat: record 2 is the next use of the page
    expect(field(1, 40)).toBe(0xffffffffffffffffn);
    // A mask that is no page level: kept as given, level 0.
    expect(field(3, 16)).toBe(0xffffffffffff0000n);
    expect(field(3, 24)).toBe(0n);
  });
});
