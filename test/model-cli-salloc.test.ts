/**
 * `--salloc` from the command line reaches the model: with it, a cache counts and fills
 * only the dids that may allocate in it (IOTLB did 0 … g1-1), exactly as the reference's
 * selective-allocation golden case, and the report explains the partitioned figures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR, runCli } from './helpers.js';

interface Golden {
  cases: Array<{ trace: string; config: string; cacheConfigFile: string; options: { tq: number; selectiveAlloc: boolean }; match: string; expected: Record<string, unknown> }>;
}
const golden = JSON.parse(readFileSync(join(GOLDEN_DIR, 'expected.json'), 'utf8')) as Golden;

describe('run --salloc', () => {
  const c = golden.cases.find((x) => x.trace === 'syn_tnt_8_rr3' && x.config === 'part4-salloc-tq4')!;
  const args = ['--trace', join(GOLDEN_DIR, 'traces', c.trace), '--config', join(GOLDEN_DIR, c.cacheConfigFile), '--tq', String(c.options.tq)];

  it('equals the reference field for field (the golden selective-allocation case)', () => {
    expect(c.match).toBe('exact');
    const r = runCli(['run', ...args, '--salloc', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown> & { config: { selectiveAlloc: boolean } };
    expect(json.config.selectiveAlloc).toBe(true);
    for (const key of ['simTimeNs', 'translations', 'packetsDropped', 'mbps', 'flows']) expect(json[key], key).toEqual(c.expected[key]);
    expect(json['caches']).toMatchObject(c.expected['caches'] as object);
  });

  it('changes the result (the flag is not ignored), and the report says what the figures cover', () => {
    const on = JSON.parse(runCli(['run', ...args, '--salloc', '--json']).stdout) as { caches: { IOTLB: { hit: number; miss: number } } };
    const off = JSON.parse(runCli(['run', ...args, '--json']).stdout) as { caches: { IOTLB: { hit: number; miss: number } } };
    expect(on.caches.IOTLB.hit + on.caches.IOTLB.miss).toBeLessThan(off.caches.IOTLB.hit + off.caches.IOTLB.miss);
    const report = runCli(['run', ...args, '--salloc']).stdout;
    expect(report).toContain('selective allocation');
    expect(report).toMatch(/note: selective allocation: each cache counts \(and fills\) only the dids that may allocate in it, the IOTLB dids 0…3/);
  });
});
