/** trace-info's address spread: how translations fall into the default IOTLB and walk-cache sets. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AddressSpreadCounter, formatAddressSpread, traceAddressSpread } from '../core/address-spread.js';
import { TRACE_FIELD, TRACE_RECORD_BYTES } from '../core/trace-format.js';
import { baseConfig } from '../orchestrator/config.js';
import { runCli } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'hypersio-spread-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A trace of 4 KiB translations (did, iova), nat all ones. */
function writeTrace(name: string, records: Array<[did: number, iova: bigint]>): string {
  const bytes = Buffer.alloc(records.length * TRACE_RECORD_BYTES);
  records.forEach(([did, iova], i) => {
    const o = i * TRACE_RECORD_BYTES;
    bytes.writeInt32LE(1, o + TRACE_FIELD.type);
    bytes.writeUInt16LE(0x18 + 8 * did, o + TRACE_FIELD.sid);
    bytes.writeUInt16LE(did, o + TRACE_FIELD.did);
    bytes.writeBigUInt64LE(iova, o + TRACE_FIELD.iova);
    bytes.writeBigUInt64LE(0xfffffffffffff000n, o + TRACE_FIELD.mask);
    bytes.writeBigUInt64LE(1n, o + TRACE_FIELD.level);
    bytes.writeBigUInt64LE(0xffffffffffffffffn, o + TRACE_FIELD.nat);
  });
  const path = join(scratch, `${name}_iotlb_trace.bin`);
  writeFileSync(path, bytes);
  return path;
}

const MiB2 = 1n << 21n;

describe('address spread', () => {
  it('finds every translation in one IOTLB set for IOVAs just below 4 GiB, and warns', () => {
    // The direct-mode layout: 3 tenants, pages top-down from 0xfffff000 within 1 MiB.
    const records: Array<[number, bigint]> = [];
    for (let did = 0; did < 3; did++) for (let p = 0n; p < 256n; p++) records.push([did, 0xfffff000n - p * 4096n]);
    const spread = traceAddressSpread(readFileSync(writeTrace('below4g', records)), baseConfig());
    expect(spread.translations).toBe(768);
    expect(spread.tenants).toBe(3);
    expect(spread.regions2MiB).toEqual({ all: 1, perTenant: { min: 1, median: 1, max: 1 } });
    expect(spread.caches.map((c) => [c.cache, c.sets, c.setsUsed, c.busiestSet, c.busiestShare])).toEqual([
      ['IOTLB', 8, 1, 0x7ff % 8, 1],
      ['L2PAGE', 32, 1, 0x7ff % 32, 1],
      ['L3PAGE', 64, 1, 3, 1],
    ]);
    expect(spread.busiestRegionShare).toBe(1);
    expect(spread.warning).toMatch(/100\.0% of the translations fall in one 2 MiB region, so in one IOTLB set at every IOTLB size/);
    expect(formatAddressSpread(spread)).toMatch(/^warning: /m);
  });

  it('spreads guest-physical-like IOVAs over the sets without a warning', () => {
    // The nested-mode layout: each tenant's buffers in 16 different 2 MiB regions.
    const records: Array<[number, bigint]> = [];
    for (let did = 0; did < 4; did++) for (let r = 0n; r < 16n; r++) records.push([did, 0x4000000n + (r * 3n + BigInt(did)) * MiB2 + 0x1000n]);
    const spread = traceAddressSpread(readFileSync(writeTrace('spread', records)), baseConfig());
    const iotlb = spread.caches[0]!;
    expect(iotlb.setsUsed).toBe(8);
    expect(iotlb.busiestShare).toBe(8 / 64);
    expect(spread.busiestRegionShare).toBe(2 / 64); // region 3r+did: tenants 0 and 3 share some
    expect(spread.regions2MiB.perTenant).toEqual({ min: 16, median: 16, max: 16 });
    expect(spread.regions2MiB.all).toBe(new Set(records.map(([, iova]) => iova >> 21n)).size);
    expect(spread.warning).toBeNull();
    expect(formatAddressSpread(spread)).not.toMatch(/warning/);
  });

  it('keeps 64-bit IOVAs exact and indexes by did slice when the cache has groups', () => {
    const counter = new AddressSpreadCounter();
    counter.addHex(1, '0x7fffffe01000'); // iova >> 21 = 0x3ffffff: free bits 3 → set 4 + 3 = 7
    counter.addHex(0, '0x7fffffe01000'); // set 3
    counter.addHex(0, '0x0000000000201000'); // iova >> 21 = 1 → set 1
    const spread = counter.result({
      iotlb: { size: 64, assoc: 8, groups: 2 }, // 8 sets: did's low bit, then 2 bits of iova >> 21
      l2page: { size: 0, assoc: 0, groups: 1 }, // absent
      l3page: { size: 1024, assoc: 16, groups: 1 },
    });
    expect(spread.caches.map((c) => [c.cache, c.sets, c.setsUsed])).toEqual([
      ['IOTLB', 8, 3],
      ['L2PAGE', 0, 0],
      ['L3PAGE', 64, 2],
    ]);
    expect(spread.regions2MiB.all).toBe(2);
    expect(spread.regions1GiB).toEqual({ all: 2, perTenant: { min: 1, median: 2, max: 2 } });
    expect(formatAddressSpread(spread)).not.toMatch(/L2PAGE/);
  });

  it('is part of trace-info, in text and JSON', () => {
    const path = writeTrace('cli', [
      [0, 0xfffff000n],
      [1, 0xffffe000n],
    ]);
    const text = runCli(['trace-info', path]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/distinct 2 MiB regions: 1 in all; per tenant min 1 \/ median 1 \/ max 1/);
    expect(text.stdout).toMatch(/IOTLB {2}\(iova >> 21\): 1 of 8 sets used, busiest set 7 takes 100\.0%/);
    expect(text.stdout).toMatch(/^warning: 100\.0% of the translations fall in one 2 MiB region/m);
    const json = JSON.parse(runCli(['trace-info', '--json', path]).stdout) as { addressSpread: { warning: string | null } };
    expect(json.addressSpread.warning).toMatch(/one IOTLB set at every IOTLB size/);
  });
});
