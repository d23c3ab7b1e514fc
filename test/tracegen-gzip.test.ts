/** Logs may be gzip-compressed (`P_k.txt.gz`); the result is the same as from `.txt`. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTrace } from '../tracegen/build.js';
import { goldenLogs, removeDir, tempDir } from './tracegen-helpers.js';

const root = tempDir('gzip');
afterAll(() => removeDir(root));

describe('gzip input', () => {
  it('a .txt.gz group and its .txt copy build identical traces', async () => {
    const plainDir = join(root, 'plain');
    mkdirSync(plainDir, { recursive: true });
    for (const k of [0, 1]) {
      const text = gunzipSync(readFileSync(join(goldenLogs, `hypersio_syn_vm_4_log_${k}.txt.gz`)));
      // Without a final newline the last line still counts.
      writeFileSync(join(plainDir, `hypersio_syn_vm_4_log_${k}.txt`), k === 1 ? text.subarray(0, text.length - 1) : text);
    }
    const options = { logPrefix: 'hypersio_syn_vm_4_log', tenants: 8, order: 'rr', consec: 3, test: 'syn' } as const;
    const fromGzip = await buildTrace({ ...options, logDir: goldenLogs, outDir: join(root, 'out-gz') });
    const fromText = await buildTrace({ ...options, logDir: plainDir, outDir: join(root, 'out-txt') });
    expect(fromText.logs.map((l) => l.lines)).toEqual(fromGzip.logs.map((l) => l.lines));
    expect(readFileSync(fromText.paths.iotlb).equals(readFileSync(fromGzip.paths.iotlb))).toBe(true);
  });

  it('a small gzip log with CRLF line ends', async () => {
    const dir = join(root, 'crlf');
    mkdirSync(dir, { recursive: true });
    const lines = [
      '1@1.000001:vtd_iotlb_page_update IOTLB page update sid 0x10 iova 0x1000 slpte 0x5003 level 0x1 domain 0x82',
      '1@1.000002:vtd_iotlb_page_hit IOTLB page hit sid 0x10 iova 0x1010 pmask 0xfffffffffffff000 slpte 0x5003 domain 0x82',
    ];
    writeFileSync(join(dir, 'c_vm_1_log_0.txt.gz'), gzipSync(lines.join('\r\n') + '\r\n'));
    const r = await buildTrace({ logDir: dir, logPrefix: 'c_vm_1_log', tenants: 1, order: 'rr', consec: 1, test: 'c', outDir: dir });
    expect(r.translations).toBe(2);
    const trace = readFileSync(r.paths.iotlb);
    expect(trace.readBigUInt64LE(40)).toBe(1n); // nat of the first: the second uses the same page
  });

  it('a corrupt gzip log is a one-line input error naming the file', async () => {
    const dir = join(root, 'corrupt');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'z_vm_1_log_0.txt.gz');
    writeFileSync(path, gzipSync('x'.repeat(1000)).subarray(0, 20));
    await expect(buildTrace({ logDir: dir, logPrefix: 'z_vm_1_log', tenants: 1, order: 'rr', consec: 1, test: 'z', outDir: dir })).rejects.toThrow(
      new RegExp(`^${path.replace(/[.]/g, '\\.')}: not a valid gzip file`),
    );
  });
});
