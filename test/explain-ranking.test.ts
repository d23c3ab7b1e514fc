/** The what-if ranking: by utilization gained, ties (within the stated tolerance) sharing a rank, the cheaper first among them. */
import { describe, expect, it } from 'vitest';
import { TIE_TOLERANCE } from '../orchestrator/config.js';
import { rankWhatIfs } from '../orchestrator/explain/rank.js';

describe('explain: ranking with ties', () => {
  it('ranks 1, 2=, 2=, 4 with gains against the base; a tie lists the cheaper change first', () => {
    const ranked = rankWhatIfs(
      [
        { name: 'a', linkUtilization: 0.5, costBytes: 100 },
        { name: 'b', linkUtilization: 0.9, costBytes: 500 },
        { name: 'c', linkUtilization: 0.5 + TIE_TOLERANCE / 2, costBytes: 900 },
        { name: 'd', linkUtilization: 0.2, costBytes: 10 },
      ],
      0.25,
    );
    expect(ranked.map((r) => [r.name, r.rank, r.tied])).toEqual([
      ['b', 1, false],
      ['a', 2, true],
      ['c', 2, true],
      ['d', 4, false],
    ]);
    expect(ranked.map((r) => r.gain)).toEqual([0.9 - 0.25, 0.5 - 0.25, 0.5 + TIE_TOLERANCE / 2 - 0.25, 0.2 - 0.25]);
  });

  it('exact ties, as when the window binds and no cache change moves the figure, all share one rank', () => {
    const ranked = rankWhatIfs([0.062, 0.062, 0.062, 1.01].map((linkUtilization, i) => ({ i, linkUtilization })), 0.062);
    expect(ranked.map((r) => `${r.rank}${r.tied ? '=' : ''}`)).toEqual(['1', '2=', '2=', '2=']);
  });

  it('a group is measured from its best member: values further than the tolerance from it start the next rank', () => {
    const step = TIE_TOLERANCE * 0.75;
    const ranked = rankWhatIfs([0.5, 0.5 - step, 0.5 - 2 * step].map((linkUtilization) => ({ linkUtilization })), 0);
    expect(ranked.map((r) => r.rank)).toEqual([1, 1, 3]);
  });
});
