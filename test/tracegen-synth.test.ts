/** Synthetic tenants: deterministic by seed, shaped by tenant count and page mix. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesizeTrace, synthesizeTraceBuffers } from '../tracegen/synth.js';
import { filesIn, removeDir, runCli, tempDir } from './tracegen-helpers.js';

const out = tempDir('synth');
afterAll(() => removeDir(out));

interface Rec {
  sid: number;
  did: number;
  iova: bigint;
  mask: bigint;
  level: bigint;
  nat: bigint;
}

function records(trace: Uint8Array): Rec[] {
  const b = Buffer.from(trace.buffer, trace.byteOffset, trace.byteLength);
  const list: Rec[] = [];
  for (let o = 0; o < b.length; o += 48) {
    expect(b.readInt32LE(o)).toBe(1);
    list.push({
      sid: b.readUInt16LE(o + 4),
      did: b.readUInt16LE(o + 6),
      iova: b.readBigUInt64LE(o + 8),
      mask: b.readBigUInt64LE(o + 16),
      level: b.readBigUInt64LE(o + 24),
      nat: b.readBigUInt64LE(o + 40),
    });
  }
  return list;
}

const small = { tenants: 12, packets: 40, outDir: out } as const;

describe('synthetic traces', () => {
  it('are deterministic by seed', () => {
    const a = synthesizeTraceBuffers({ ...small, seed: 7, order: 'rand' });
    const b = synthesizeTraceBuffers({ ...small, seed: 7, order: 'rand' });
    const c = synthesizeTraceBuffers({ ...small, seed: 8, order: 'rand' });
    expect(Buffer.from(a.trace).equals(Buffer.from(b.trace))).toBe(true);
    expect(Buffer.from(a.trace).equals(Buffer.from(c.trace))).toBe(false);
  });

  it('have the asked tenants, 3 translations per packet, rr turns in tenant order', () => {
    const built = synthesizeTraceBuffers({ ...small, tenants: 37, packets: 10 });
    const recs = records(built.trace);
    expect(recs.length).toBe(37 * 10 * 3);
    expect(new Set(recs.map((r) => r.did)).size).toBe(37);
    expect(recs.slice(0, 37 * 3).map((r) => r.did)).toEqual([...Array(37).keys()].flatMap((t) => [t, t, t]));
    // Descriptor read and write-back hit the same ring entry; the buffer is on another page.
    expect(recs[0]!.iova).toBe(recs[2]!.iova);
    expect(recs[1]!.iova & recs[1]!.mask).not.toBe(recs[0]!.iova & recs[0]!.mask);
  });

  it('follow --huge-fraction: 0 → all 4 KiB, 1 → every buffer on 2 MiB', () => {
    const none = records(synthesizeTraceBuffers({ ...small, hugeFraction: 0 }).trace);
    expect(none.every((r) => r.level === 1n && r.mask === 0xfffffffffffff000n)).toBe(true);
    const all = records(synthesizeTraceBuffers({ ...small, hugeFraction: 1 }).trace);
    const huge = all.filter((r) => r.level === 2n);
    expect(huge.length).toBe(all.length / 3);
    expect(huge.every((r) => r.mask === 0xffffffffffe00000n && (r.iova & 0x1fffffn) < 0x200000n)).toBe(true);
    const mixed = synthesizeTraceBuffers({ ...small, tenants: 1000, packets: 1 });
    expect(mixed.hugeTenants).toBeGreaterThan(250);
    expect(mixed.hugeTenants).toBeLessThan(350);
  });

  it('have correct next-access times', () => {
    const recs = records(synthesizeTraceBuffers({ ...small, order: 'rand', burst: 2, rateSpread: 0.5 }).trace);
    const last = new Map<string, number>();
    const expected = recs.map(() => 0xffffffffffffffffn);
    recs.forEach((r, i) => {
      const key = `${r.iova & r.mask}:${r.did}`;
      const previous = last.get(key);
      if (previous !== undefined) expected[previous] = BigInt(i);
      last.set(key, i);
    });
    expect(recs.map((r) => r.nat)).toEqual(expected);
  });

  it('writes the three files with the trace-gen naming (burst B → consec 3B)', async () => {
    const r = await synthesizeTrace({ ...small, order: 'rand', burst: 2, name: 'nic' });
    expect(r.outputPrefix).toBe('nic_tnt_12_rand6');
    expect(r.translations).toBe(12 * 40 * 3);
    expect(statSync(r.paths.iotlb).size).toBe(r.translations * 48);
    expect(statSync(r.paths.context).size).toBe(12 * 20);
    expect(statSync(r.paths.pageTable).size).toBe(0);
  });

  // Its speed is measured by the benchmarks (npm run bench), not here.
  it('makes the model benchmark trace: 1024 tenants rr, 1.5M translations, 688 sids as in the reference\'s workloads', async () => {
    const r = await synthesizeTrace({ tenants: 1024, packets: 500, order: 'rr', outDir: join(out, 'bench') });
    expect(r.translations).toBe(1_536_000);
    expect(r.sids).toBe(688);
    expect(statSync(r.paths.context).size).toBe(688 * 20);
    removeDir(join(out, 'bench'));
  });

  it('number sids as trace-gen numbers devices of 24-device logs: ((2 + i) << 3) + 128·k', () => {
    const recs = records(synthesizeTraceBuffers({ ...small, tenants: 50, packets: 1 }).trace);
    const sidOf = new Map(recs.map((r) => [r.did, r.sid]));
    expect(sidOf.get(0)).toBe(0x10); // device 0 of log 0
    expect(sidOf.get(23)).toBe((2 + 23) << 3); // device 23 of log 0
    expect(sidOf.get(24)).toBe(0x10 + 128); // device 0 of log 1 ...
    expect(sidOf.get(16)).toBe(sidOf.get(24)); // ... shares its sid with device 16 of log 0
    expect(sidOf.get(49)).toBe(((2 + 1) << 3) + 256);
    // Tenants 16..23 share with 24..31, and 40..47 with 48..49: 50 - 8 - 2 sids.
    expect(new Set(sidOf.values()).size).toBe(40);
  });

  it('--max-dev-per-log: 0 gives every tenant its own sid; sids past 16 bits are an error', () => {
    const own = records(synthesizeTraceBuffers({ ...small, tenants: 40, packets: 1, devicesPerLog: 0 }).trace);
    expect(new Set(own.map((r) => r.sid)).size).toBe(40);
    expect(own[0]!.sid).toBe(0x100);
    expect(() => synthesizeTraceBuffers({ ...small, tenants: 65_280, packets: 1, devicesPerLog: 0 })).toThrow(/--tenants 65280: must be an integer between 1 and 65279/);
    expect(() => synthesizeTraceBuffers({ ...small, tenants: 12_265, packets: 1 })).toThrow(/--tenants 12265: must be an integer between 1 and 12264 \(16-bit sids, 24 devices per log/);
    expect(() => synthesizeTraceBuffers({ ...small, devicesPerLog: 31 })).toThrow(/--max-dev-per-log 31: must be an integer between 0 and 30/);
  });

  it('CLI: synth writes the trace and prints a summary', () => {
    const dir = join(out, 'cli');
    const r = runCli(['synth', '--tenants', '5', '--packets', '7', '--huge-fraction', '0', '--out-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/tenants: 5 \(0 on 2 MiB buffer pages, 5 distinct sids\), translations: 105/);
    expect(filesIn(dir)).toEqual(['synth_tnt_5_rr3_cc_data.bin', 'synth_tnt_5_rr3_iotlb_trace.bin', 'synth_tnt_5_rr3_slpt_data.bin']);
    expect(readFileSync(join(dir, 'synth_tnt_5_rr3_iotlb_trace.bin')).length).toBe(105 * 48);
  });
});
