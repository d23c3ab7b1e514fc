/**
 * explain notes when a larger IOTLB adds sets the trace never uses (its pages sit in few
 * 2 MiB regions, and iova >> 21 picks the set).
 */
import { describe, expect, it } from 'vitest';
import { baseConfig } from '../orchestrator/config.js';
import { setUseNote } from '../orchestrator/explain/explanation.js';
import { whatIfChanges } from '../orchestrator/explain/what-if.js';

describe('explain: sets a larger IOTLB leaves unused', () => {
  const iotlb4 = whatIfChanges(baseConfig()).changes.find((c) => c.id === 'iotlbSize*4')!;

  it('counts the unused sets and their entries (32 sets of 8 ways, 13 never used: 104 entries)', () => {
    const accesses = Array.from({ length: 32 }, (_, set) => (set < 19 ? 100 + set : 0));
    expect(setUseNote(iotlb4, accesses)).toBe(
      "IOTLB entries ×4 (64 → 256): 19 of its 32 sets of 8 ways are used; 13 (104 entries) never are: a set is chosen by iova >> 21, the page's 2 MiB region, and this trace's pages sit in few of them",
    );
  });

  it('says nothing when every set is used', () => {
    expect(setUseNote(iotlb4, Array.from({ length: 32 }, () => 5))).toBeUndefined();
  });
});
