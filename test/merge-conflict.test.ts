/**
 * Issue 22 item 3: two folders that disagree on a configuration (here: swept on two
 * contents of one trace path) are a merge error naming both folders and the
 * configuration, in either order; --prefer first|last picks a side.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hypersio, tempDir, TRACE_3, TRACE_8 } from './sweep-helpers.js';

const dir = tempDir('merge-conflict');
afterAll(() => dir.cleanup());
const trace = join(dir.path, 'w_tnt_8_rr3_iotlb_trace.bin');
const a = join(dir.path, 'a');
const b = join(dir.path, 'b');

beforeAll(async () => {
  copyFileSync(TRACE_3, trace);
  expect((await hypersio(['sweep', '--trace', trace, '--iotlb-size', '8', '--out-dir', a, '--no-charts'])).exitCode).toBe(0);
  copyFileSync(TRACE_8, trace);
  expect((await hypersio(['sweep', '--trace', trace, '--iotlb-size', '8', '--out-dir', b, '--no-charts'])).exitCode).toBe(0);
});

const translations = (folder: string) => (JSON.parse(readFileSync(join(folder, 'results.jsonl'), 'utf8').trim()) as { translations: number }).translations;

describe('merge of folders that disagree', () => {
  it('is an error naming both folders and the configuration, whatever the order', async () => {
    for (const [first, second] of [[a, b], [b, a]] as const) {
      const merged = await hypersio(['merge', first, second, '--out-dir', join(dir.path, 'merged'), '--no-charts']);
      expect(merged.exitCode).toBe(2);
      expect(merged.stderr.trim().split('\n')).toHaveLength(1);
      expect(merged.stderr).toContain(`merge: ${first} and ${second} were run on different contents of ${trace} on configuration `);
      expect(merged.stderr).toContain('IOTLB 8');
      expect(merged.stderr).toContain('pick one with --prefer first|last');
    }
  });

  it('--prefer first and --prefer last pick a side', async () => {
    for (const [prefer, expected] of [['first', a], ['last', b]] as const) {
      const out = join(dir.path, `merged-${prefer}`);
      const merged = await hypersio(['merge', a, b, '--prefer', prefer, '--out-dir', out, '--no-charts']);
      expect(merged.exitCode, merged.stderr).toBe(0);
      expect(translations(out)).toBe(translations(expected));
      expect(merged.stdout).toMatch(/^1 configurations: 1 ok, 0 failed$/m);
    }
  });

  it('folders that agree (the same results twice) merge without a word', async () => {
    const merged = await hypersio(['merge', b, b, '--out-dir', join(dir.path, 'merged-same'), '--no-charts']);
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(merged.stderr).toBe('');
  });
});
