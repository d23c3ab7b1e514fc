/** Stock QEMU 7.2 logs: page events without a level, sized by the following vtd_dmar_translate. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TraceCollector, type LogReadSummary } from '../tracegen/log-reader.js';
import { buildTrace } from '../tracegen/build.js';
import { removeDir, tempDir } from './tracegen-helpers.js';

const at = '7781@1700000000.123456:';
// The example lines of ../shared/spec/formats.md, "Stock QEMU".
const formatsExample = [
  `${at}vtd_iotlb_page_update IOTLB page update sid 0x30 iova 0xffffb402 slpte 0x31f84003 domain 0x6`,
  `${at}vtd_iotlb_page_hit IOTLB page hit sid 0x30 iova 0xffffd002 slpte 0x31f83003 domain 0x6`,
  `${at}vtd_dmar_translate dev 00:06.00 iova 0xffffd000 -> gpa 0x31f83000 mask 0xfff`,
  `${at}vtd_iotlb_cc_update IOTLB context update bus 0x0 devfn 0x30 high 0x601 low 0x27c2001 gen 0 -> gen 1`,
  `${at}vtd_iotlb_cc_hit IOTLB context hit bus 0x0 devfn 0x30 high 0x601 low 0x27c2001 gen 1`,
];

function read(lines: string[], validSids: number[]): TraceCollector & { summary: LogReadSummary } {
  const c = new TraceCollector();
  c.beginLog('stock.txt', 0, validSids);
  lines.forEach((l, i) => c.parseLine(l, i + 1));
  return Object.assign(c, { summary: c.finishLog(lines.length) });
}

function translation(c: TraceCollector, i: number): { sid: number; did: number; iova: bigint; mask: bigint; level: number } {
  const { sid, did, iova, mask, level } = c.translations.get(i);
  return { sid, did, iova, mask, level };
}

const out = tempDir('stock');
afterAll(() => removeDir(out));

describe('stock QEMU dialect', () => {
  it('reads the formats.md example lines', () => {
    const c = read(formatsExample, [0x30]);
    expect(c.translations.length).toBe(2);
    // The update is never followed by its own vtd_dmar_translate: slpte bit 7 clear → 4 KiB.
    expect(translation(c, 0)).toEqual({ sid: 0x30, did: 0, iova: 0xffffb402n, mask: 0xfffffffffffff000n, level: 1 });
    // The hit is paired with dev 00:06.00 (sid 0x30), mask 0xfff → 4 KiB.
    expect(translation(c, 1)).toEqual({ sid: 0x30, did: 0, iova: 0xffffd002n, mask: 0xfffffffffffff000n, level: 1 });
    expect([...c.contexts.values()]).toEqual([{ sid: 0x30, highHi: 0, highLo: 0x601, lowHi: 0, lowLo: 0x27c2001, gen: 0 }]);
    expect(c.tenantCount).toBe(1);
    expect(c.summary).toMatchObject({ stockPaired: 1, stockFallback: 1 });
  });

  it('pairs by device when threads interleave, with 2 MiB from the translate mask', () => {
    const c = read(
      [
        `${at}vtd_iotlb_page_hit IOTLB page hit sid 0x30 iova 0xffffd002 slpte 0x31f83003 domain 0x6`,
        `7782@1700000000.123457:vtd_iotlb_page_update IOTLB page update sid 0x38 iova 0x40200000 slpte 0x80200003 domain 0x7`,
        `7782@1700000000.123458:vtd_dmar_translate dev 00:07.00 iova 0x40200000 -> gpa 0x80200000 mask 0x1fffff`,
        `${at}vtd_dmar_translate dev 00:06.00 iova 0xffffd000 -> gpa 0x31f83000 mask 0xfff`,
      ],
      [0x30, 0x38],
    );
    // The slpte has no page-size bit: only the pairing can have found 2 MiB.
    expect(c.summary).toMatchObject({ stockPaired: 2, stockFallback: 0 });
    expect(translation(c, 0)).toMatchObject({ sid: 0x30, did: 0, mask: 0xfffffffffffff000n, level: 1 });
    expect(translation(c, 1)).toMatchObject({ sid: 0x38, did: 1, mask: 0xffffffffffe00000n, level: 2 });
  });

  it('falls back to the slpte page-size bit without vtd_dmar_translate', () => {
    const c = read(
      [
        `${at}vtd_iotlb_page_update IOTLB page update sid 0x30 iova 0x40200000 slpte 0x80200083 domain 0x6`,
        `${at}vtd_iotlb_page_hit IOTLB page hit sid 0x30 iova 0xffffd002 slpte 0x31f83003 domain 0x6`,
      ],
      [0x30],
    );
    expect(translation(c, 0)).toMatchObject({ level: 2, mask: 0xffffffffffe00000n });
    expect(translation(c, 1)).toMatchObject({ level: 1, mask: 0xfffffffffffff000n });
  });

  it('builds a trace from a stock log file (--first-slot 6)', async () => {
    const dir = join(out, 'logs');
    removeDir(dir);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'deb_vm_1_log_0.txt'), formatsExample.join('\n') + '\n');
    const result = await buildTrace({ logDir: dir, logPrefix: 'deb_vm_1_log', tenants: 1, firstSlot: 6, order: 'orig', consec: 1, test: 'deb', outDir: out });
    expect(result.outputPrefix).toBe('deb_tnt_1_orig1');
    expect(result.logs[0]).toMatchObject({ stockPaired: 1, stockFallback: 1, translations: 2 });
    const trace = readFileSync(result.paths.iotlb);
    expect(trace.length).toBe(96);
    expect(trace.readBigUInt64LE(8)).toBe(0xffffb402n);
    expect(trace.readBigUInt64LE(48 + 24)).toBe(1n);
    expect(readFileSync(result.paths.context).length).toBe(20);
    expect(readFileSync(result.paths.pageTable).length).toBe(0);
  });
});
