/**
 * Context-cache eviction checked exactly, not within the golden LFU tolerance: a 4-entry
 * CC on a trace of 58 tenants (51 sids) must evict. The same seed gives the same result
 * twice; a full-size CC never evicts; a CC of one entry has no
 * choice of victim, so its result does not depend on the seed.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GOLDEN_DIR, runCli } from './helpers.js';
import { tempDir } from './sweep-helpers.js';

const dir = tempDir('cc-evict');
afterAll(() => dir.cleanup());

const trace = join(GOLDEN_DIR, 'traces', 'col_tnt_58_rr1_iotlb_trace.bin');
const base = readFileSync(join(GOLDEN_DIR, 'configs', 'cc4-evict-tq4.cfg'), 'utf8');
interface Cc {
  hit: number;
  miss: number;
  conflict: number;
  domains: number;
}
const ccOf = (cfg: string, seed: string) => {
  const r = runCli(['run', '--trace', trace, '--config', cfg, '--tq', '4', '--seed', seed, '--json']);
  expect(r.status, r.stderr).toBe(0);
  // Everything but the configuration (which names the seed).
  const { config: _config, ...result } = JSON.parse(r.stdout) as { config: unknown; caches: { CC: Cc }; simTimeNs: number; mbps: number };
  return result;
};

/** Distinct sids of the trace: the compulsory CC misses. */
function distinctSids(): number {
  const bytes = readFileSync(trace);
  const sids = new Set<number>();
  for (let o = 0; o < bytes.length; o += 48) sids.add(bytes.readUInt16LE(o + 4));
  return sids.size;
}

describe('context-cache eviction', () => {
  it('a 4-entry CC evicts: misses well above the compulsory ones, reproducible per seed', () => {
    const cfg = join(dir.path, 'cc4.cfg');
    writeFileSync(cfg, base);
    const a = ccOf(cfg, '1');
    const again = ccOf(cfg, '1');
    expect(again).toEqual(a);
    const compulsory = distinctSids();
    expect(compulsory).toBe(51);
    expect(a.caches.CC.conflict).toBeGreaterThan(0);
    expect(a.caches.CC.miss).toBeGreaterThanOrEqual(a.caches.CC.conflict);
    // The full-size CC misses only on first uses (demand and prefetch lookups) and never evicts.
    const full = JSON.parse(runCli(['run', '--trace', trace, '--tq', '4', '--json']).stdout) as { caches: { CC: Cc } };
    expect(full.caches.CC.miss).toBeGreaterThanOrEqual(compulsory);
    expect(full.caches.CC.conflict).toBe(0);
    expect(a.caches.CC.miss).toBeGreaterThan(full.caches.CC.miss * 10);
  });

  it('a 1-entry CC: the victim is forced, so every seed gives the same result', () => {
    const cfg = join(dir.path, 'cc1.cfg');
    writeFileSync(cfg, base.replace('CC\nsize:4\nassoc:4', 'CC\nsize:1\nassoc:1'));
    const one = ccOf(cfg, '1');
    expect(ccOf(cfg, '7')).toEqual(one);
    expect(one.caches.CC.hit + one.caches.CC.miss).toBeGreaterThan(0);
    // Round-robin over 58 tenants already defeats 4 entries: one entry misses as often, not less.
    expect(one.caches.CC.miss).toBeGreaterThanOrEqual(ccOf(join(dir.path, 'cc4.cfg'), '1').caches.CC.miss);
  });
});
