/** The single changes explain tries from a configuration, and those it skips with why. */
import { describe, expect, it } from 'vitest';
import { baseConfig, validateConfig } from '../orchestrator/config.js';
import { MODEL_PARAMETERS } from '../orchestrator/parameters.js';
import { runFlags, whatIfChanges } from '../orchestrator/explain/what-if.js';

describe('explain: the what-if list', () => {
  const { changes, skipped } = whatIfChanges(baseConfig());
  const ids = changes.map((c) => c.id);
  const idealModes = MODEL_PARAMETERS.some((p) => p.key === 'idealIotlb');

  it('from the base: entries ×2 ×4 and ways ×2 of every cache, groups ×2 ×4, salloc, tq ×2 ×4 ×8, prefetch 16 and 64, the other policies', () => {
    for (const cache of ['iotlb', 'l2page', 'l3page']) expect(ids).toEqual(expect.arrayContaining([`${cache}Size*2`, `${cache}Size*4`, `${cache}Ways*2`, `${cache}Groups*2`, `${cache}Groups*4`]));
    expect(ids).toEqual(expect.arrayContaining(['ccSize*2', 'ccSize*4', 'salloc', 'tq*2', 'tq*4', 'tq*8', 'prefetchBuffer=16', 'prefetchBuffer=64', 'iotlbPolicy=lfu', 'iotlbPolicy=oracle']));
    expect(changes.find((c) => c.id === 'iotlbSize*4')?.config.iotlb).toEqual({ size: 256, assoc: 8, groups: 1 });
    expect(changes.find((c) => c.id === 'iotlbWays*2')?.config.iotlb).toEqual({ size: 64, assoc: 16, groups: 1 });
    expect(changes.find((c) => c.id === 'ccSize*2')?.config.cc).toEqual({ size: 3072, assoc: 3072, groups: 1 });
    for (const c of changes) expect(() => validateConfig(c.config)).not.toThrow();
  });

  it('skips, saying why, what is invalid (a fully associative CC has no more ways, one set has no groups) or the same as the base', () => {
    expect(skipped).toEqual(
      expect.arrayContaining([
        { id: 'ccWays*2', change: 'CC ways ×2 (1,536 → 3,072)', reason: 'invalid: CC size 1536 is not divisible by assoc 3072' },
        { id: 'ccGroups*2', change: 'CC groups ×2 (1 → 2)', reason: 'invalid: CC groups 2 do not divide its 1 sets' },
        { id: 'iotlbPolicy=lru', change: 'IOTLB policy lru (lru → lru)', reason: 'same configuration as the base' },
      ]),
    );
  });

  it('skips a change that equals an earlier one (an absent cache grows to nothing)', () => {
    const noL2 = baseConfig();
    noL2.l2page = { size: 0, assoc: 0, groups: 1 };
    const result = whatIfChanges(noL2);
    expect(result.changes.map((c) => c.id)).not.toContain('l2pageSize*2');
    expect(result.skipped.find((s) => s.id === 'l2pageSize*2')?.reason).toBe('same configuration as the base');
  });

  it.runIf(idealModes)('adds the limit studies: ideal IOTLB, context cache, walk caches and all three', () => {
    expect(ids).toEqual(expect.arrayContaining(['idealIotlb', 'idealCc', 'idealWalkCaches', 'ideal-all']));
    expect(changes.filter((c) => c.limitStudy).length).toBe(4);
  });

  it("gives each change's run flags, from the base architecture", () => {
    expect(runFlags(changes.find((c) => c.id === 'tq*8')!.config)).toEqual(['--tq', '8']);
    expect(runFlags(changes.find((c) => c.id === 'iotlbWays*2')!.config)).toEqual(['--iotlb-ways', '16']);
    expect(runFlags(changes.find((c) => c.id === 'salloc')!.config)).toEqual(['--salloc']);
  });
});
