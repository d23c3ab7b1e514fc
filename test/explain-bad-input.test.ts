/** explain's bad input: one line naming the flag or file, exit 2, no output folder left behind. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError } from './helpers.js';
import { hypersio } from './sweep-helpers.js';
import { tempDir, TRACE_8 } from './explain-helpers.js';

describe('explain: bad input', () => {
  const dir = tempDir('explain-bad');
  afterAll(() => dir.cleanup());
  const out = join(dir.path, 'out');

  const cases: [string, string[], RegExp][] = [
    ['no trace', ['--out-dir', out], /--trace: required/],
    ['a missing trace', ['--trace', join(dir.path, 'nope_iotlb_trace.bin'), '--out-dir', out], /nope_iotlb_trace\.bin/],
    ['a bad parameter', ['--trace', TRACE_8, '--out-dir', out, '--tq', '0'], /--tq/],
    ['an invalid cache', ['--trace', TRACE_8, '--out-dir', out, '--iotlb-size', '60'], /IOTLB size 60 is not divisible by assoc 8/],
    ['a missing cost model', ['--trace', TRACE_8, '--out-dir', out, '--cost-model', join(dir.path, 'none.json')], /none\.json/],
    ['bad workers', ['--trace', TRACE_8, '--out-dir', out, '--workers', 'many'], /--workers many: not an integer/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: one line, exit 2, nothing written`, async () => {
      const result = await hypersio(['explain', ...args]);
      expectOneLineInputError({ status: result.exitCode, stderr: result.stderr }, message);
      expect(result.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    });
  }

  it('an output folder that is a file: one line naming it, exit 2', async () => {
    const file = join(dir.path, 'a-file');
    writeFileSync(file, 'x');
    const result = await hypersio(['explain', '--trace', TRACE_8, '--out-dir', file]);
    expectOneLineInputError({ status: result.exitCode, stderr: result.stderr }, /--out-dir/);
  });
});
