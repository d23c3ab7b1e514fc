/**
 * Numeric parameters are checked once, from their declared ranges (MODEL_PARAMETERS), the
 * same way in `run`, `sweep`, sweep files and the web page's validation: a value outside
 * is a one-line flag error (exit 2), never a failed configuration or an internal error.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseConfig, validateConfig } from '../orchestrator/config.js';
import { MODEL_PARAMETERS } from '../orchestrator/parameters.js';
import { runFlagsConfig, sweepFlagsSpec } from './flag-helpers.js';
import { expectOneLineInputError } from './helpers.js';
import { hypersio, tempDir, TRACE_3 } from './sweep-helpers.js';

const LINK_RANGE = /--link-gbps: must be a number from 1 to 12336/;

/** The error message of `f`, or 'accepted'. */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
}
const runError = (args: string[]) => errorOf(() => runFlagsConfig(args));
const sweepError = (args: string[]) => errorOf(() => sweepFlagsSpec(args, 't_iotlb_trace.bin'));

describe('parameter limits', () => {
  const dir = tempDir('limits');
  afterAll(() => dir.cleanup());

  for (const link of ['0.0001', '1e-300', '5e-324', '0.5', '20000']) {
    it(`run --link-gbps ${link} is a flag error`, async () => {
      const r = await hypersio(['run', '--trace', TRACE_3, '--link-gbps', link]);
      expectOneLineInputError({ status: r.exitCode ?? null, stderr: r.stderr }, LINK_RANGE);
      expect(r.stdout).toBe('');
    });
  }

  it('sweep --link-gbps 1e6 is a flag error, not a failed configuration', async () => {
    const out = join(dir.path, 'sweep');
    const r = await hypersio(['sweep', '--trace', TRACE_3, '--link-gbps', '200', '1e6', '--out', out]);
    expectOneLineInputError({ status: r.exitCode ?? null, stderr: r.stderr }, /--link-gbps: must be a number from 1 to 12336, got '1e6'/);
    expect(r.stdout).toBe('');
  });

  it('a sweep file with a link rate out of range is rejected naming the file', async () => {
    const file = join(dir.path, 'link.json');
    writeFileSync(file, JSON.stringify({ traces: [TRACE_3], linkGbps: [0.5] }));
    const r = await hypersio(['sweep', '--sweep', file, '--out', join(dir.path, 'file')]);
    expectOneLineInputError({ status: r.exitCode ?? null, stderr: r.stderr }, /link\.json: linkGbps/);
  });

  it("the web page's validation rejects what the flags reject", () => {
    for (const linkGbps of [0.0001, 1e-300, 20000]) expect(() => validateConfig({ ...baseConfig(), linkGbps })).toThrow(LINK_RANGE);
    expect(() => validateConfig({ ...baseConfig(), tq: 0 })).toThrow(/--tq: must be an integer from 1 to 1048576, got 0/);
  });

  it('every numeric parameter: run and sweep reject just outside its range with the same message, and accept its limits', () => {
    for (const p of MODEL_PARAMETERS) {
      if (p.kind !== 'integer' && p.kind !== 'number') continue;
      const below = p.kind === 'integer' ? p.min - 1 : p.min / 2;
      const outside = [p.max * 2, ...(below >= 0 ? [below] : [])];
      for (const value of outside) {
        const message = runError([`--${p.flag}`, String(value)]);
        expect(message, `${p.flag} ${value}`).toMatch(new RegExp(`^--${p.flag}: `));
        expect(sweepError([`--${p.flag}`, String(value)])).toBe(message);
      }
      expect(sweepError([`--${p.flag}`, String(p.min), String(p.max)]), p.flag).toBe('accepted');
    }
  });
});
