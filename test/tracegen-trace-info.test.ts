/** trace-info on a golden trace, checked against an independent count. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../tracegen/trace-info.js';
import { goldenTraces, runCli } from './tracegen-helpers.js';

const tracePath = join(goldenTraces, 'syn_tnt_8_rr3_iotlb_trace.bin');

/** Straightforward per-record statistics of a trace. */
function independentCounts(path: string) {
  const b = readFileSync(path);
  const perDid = new Map<number, { translations: number; pages: Set<string> }>();
  const levels: Record<string, number> = {};
  let same = 0;
  let previousKey = '';
  const lastUse = new Map<string, number>();
  let sameDistanceZero = 0;
  for (let o = 0, i = 0; o < b.length; o += 48, i++) {
    const did = b.readUInt16LE(o + 6);
    const page = b.readBigUInt64LE(o + 8) & b.readBigUInt64LE(o + 16);
    const key = `${page}:${did}`;
    const level = String(b.readBigUInt64LE(o + 24));
    levels[level] = (levels[level] ?? 0) + 1;
    const t = perDid.get(did) ?? { translations: 0, pages: new Set<string>() };
    t.translations++;
    t.pages.add(key);
    perDid.set(did, t);
    if (key === previousKey) same++;
    if (lastUse.get(key) === i - 1) sameDistanceZero++;
    lastUse.set(key, i);
    previousKey = key;
  }
  return { n: b.length / 48, perDid, levels, same, sameDistanceZero };
}

describe('trace-info', () => {
  it('counts the sids tenants share (col_tnt_58_rr1: 58 tenants, 51 sids, as the golden README says)', () => {
    const info = analyzeTrace(join(goldenTraces, 'col_tnt_58_rr1_iotlb_trace.bin'));
    const b = readFileSync(join(goldenTraces, 'col_tnt_58_rr1_iotlb_trace.bin'));
    const didsOfSid = new Map<number, Set<number>>();
    for (let o = 0; o < b.length; o += 48) {
      const sid = b.readUInt16LE(o + 4);
      didsOfSid.set(sid, (didsOfSid.get(sid) ?? new Set()).add(b.readUInt16LE(o + 6)));
    }
    expect(info.tenants).toBe(58);
    expect(info.sids).toBe(51);
    expect(info.sharedSids).toBe([...didsOfSid.values()].filter((d) => d.size > 1).length);
    expect(info.sharedSids).toBeGreaterThan(0);
    // Every tenant lists each of its sids once; together they name every (sid, did) pair.
    const pairs = info.perTenant.flatMap((t) => t.sids.map((sid) => `${sid}/${t.did}`));
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs.length).toBe([...didsOfSid.values()].reduce((sum, d) => sum + d.size, 0));
    const text = runCli(['trace-info', join(goldenTraces, 'col_tnt_58_rr1_iotlb_trace.bin')]).stdout;
    expect(text).toMatch(new RegExp(`sids: 51, ${info.sharedSids} of them shared by several tenants`));
  });

  it('summarizes a golden trace', () => {
    const info = analyzeTrace(tracePath);
    const ref = independentCounts(tracePath);
    expect(info.translations).toBe(45738);
    expect(info.tenants).toBe(8);
    expect(info.perTenant.map((t) => t.did)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const t of info.perTenant) {
      expect(t.translations).toBe(ref.perDid.get(t.did)!.translations);
      expect(t.pages).toBe(ref.perDid.get(t.did)!.pages.size);
    }
    expect(info.pageSizes).toEqual({ '4KiB': ref.levels['1'] ?? 0, '2MiB': ref.levels['2'] ?? 0 });
    expect(info.consecutiveSamePage).toBeCloseTo(ref.same / (ref.n - 1), 12);
    const buckets = info.reuseDistance.buckets;
    expect(buckets[0]!.count).toBe(ref.sameDistanceZero);
    expect(buckets.reduce((s, b) => s + b.count, 0) + info.reuseDistance.cold).toBe(info.translations);
  });

  it('reuse distances equal a naive LRU stack walk', () => {
    const path = join(goldenTraces, 'syn_tnt_3_rr3_iotlb_trace.bin');
    const b = readFileSync(path);
    const stack: string[] = []; // most recent first
    const buckets: number[] = [];
    const all: number[] = [];
    for (let o = 0; o < b.length; o += 48) {
      const key = `${b.readBigUInt64LE(o + 8) & b.readBigUInt64LE(o + 16)}:${b.readUInt16LE(o + 6)}`;
      const d = stack.indexOf(key);
      if (d >= 0) {
        stack.splice(d, 1);
        const bucket = d === 0 ? 0 : 32 - Math.clz32(d);
        while (buckets.length <= bucket) buckets.push(0);
        buckets[bucket]!++;
        all.push(d);
      }
      stack.unshift(key);
    }
    all.sort((x, y) => x - y);
    const info = analyzeTrace(path);
    expect(info.reuseDistance.buckets.map((x) => x.count)).toEqual(buckets);
    expect(info.reuseDistance.cold).toBe(stack.length);
    expect(info.reuseDistance.median).toBe(all[all.length >> 1]);
  });

  it('CLI prints text, and JSON with --json (trace given by prefix)', () => {
    const text = runCli(['trace-info', tracePath]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/translations: 45738 {3}tenants: 8/);
    const json = runCli(['trace-info', '--json', tracePath.replace(/_iotlb_trace\.bin$/, '')]);
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.stdout) as { translations: number; perTenant: unknown[] };
    expect(parsed.translations).toBe(45738);
    expect(parsed.perTenant).toHaveLength(8);
  });

  it('rejects a file that is not whole records', () => {
    const r = runCli(['trace-info', join(goldenTraces, 'syn_tnt_8_rr3_cc_data.bin')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^hypersio: .*syn_tnt_8_rr3_cc_data\.bin: trace size 160 is not a multiple of 48/);
  });
});
