/** Slurm's task lists (--array, scontrol's ArrayTaskId) and sbatch options given as one string. */
import { describe, expect, it } from 'vitest';
import { slurmApi } from './slurm-helpers.js';

describe('Slurm task lists and options', () => {
  it('--array lists: ranges where tasks are consecutive', () => {
    expect(slurmApi.formatArray([0, 1, 2, 3])).toBe('0-3');
    expect(slurmApi.formatArray([5, 0, 2, 1, 7, 8])).toBe('0-2,5,7-8');
    expect(slurmApi.formatArray([3])).toBe('3');
  });

  it("scontrol's task ids, with a throttle", () => {
    expect(slurmApi.parseArray('0-3')).toEqual([0, 1, 2, 3]);
    expect(slurmApi.parseArray('1,4-5')).toEqual([1, 4, 5]);
    expect(slurmApi.parseArray('2-4%2')).toEqual([2, 3, 4]);
    expect(slurmApi.parseArray('7')).toEqual([7]);
  });

  it('sbatch options split as a shell would', () => {
    expect(slurmApi.splitOptions(`--account=proj  --comment="a b" --x='c d' e\\ f`)).toEqual(['--account=proj', '--comment=a b', '--x=c d', 'e f']);
    expect(slurmApi.splitOptions('')).toEqual([]);
    expect(() => slurmApi.splitOptions('--comment="open')).toThrow(/--sbatch: unterminated " quote/);
    expect(slurmApi.shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(slurmApi.shellQuote('/a/b-c_d.bin')).toBe('/a/b-c_d.bin');
  });
});
