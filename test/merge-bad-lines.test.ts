/**
 * A results.jsonl edited by hand: a line that is not a record is reported as file:line,
 * exit 2, by merge, plot and a resumed sweep alike (never skipped silently); only a torn
 * last line (no newline: a killed sweep) is tolerated.
 */
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hypersio, tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('bad-lines');
afterAll(() => dir.cleanup());
const good = join(dir.path, 'good');
const sweepArgs = (out: string) => ['sweep', '--trace', TRACE_3, '--iotlb-size', '8', '16', '--out-dir', out, '--no-charts'];

beforeAll(async () => {
  const run = await hypersio(sweepArgs(good));
  expect(run.exitCode, run.stderr).toBe(0);
});

/** A copy of the good folder whose results.jsonl gets `line` as its line 2. */
function edited(name: string, line: string): string {
  const folder = join(dir.path, name);
  mkdirSync(folder);
  const lines = readFileSync(join(good, 'results.jsonl'), 'utf8').trim().split('\n');
  lines.splice(1, 0, line);
  writeFileSync(join(folder, 'results.jsonl'), lines.join('\n') + '\n');
  return folder;
}

const cases: Array<[string, string, RegExp]> = [
  ['garbage', 'this is not json', /results\.jsonl:2: not valid JSON/],
  ['a JSON number', '42', /results\.jsonl:2: not a JSON object/],
  ['no id', '{"status":"ok"}', /results\.jsonl:2: no 'id'/],
  ['an unknown status', '{"id":"x","status":"maybe","gridIndex":0,"trace":"t"}', /results\.jsonl:2: 'status' is neither ok nor failed/],
  ['an ok record without statistics', '{"id":"x","status":"ok","gridIndex":0,"trace":"t"}', /results\.jsonl:2: an ok record without 'linkUtilization'/],
];

describe('hand-edited results.jsonl', () => {
  for (const [name, line, message] of cases) {
    it(`${name}: merge, plot and sweep say file:line, exit 2`, async () => {
      const folder = edited(name.replace(/\W+/g, '-'), line);
      for (const args of [['merge', folder, '--out-dir', join(dir.path, 'merged'), '--no-charts'], ['plot', folder], sweepArgs(folder)]) {
        const run = await hypersio(args);
        expect(run.exitCode, args[0]).toBe(2);
        expect(run.stderr).toMatch(new RegExp(`^hypersio: ${folder}/` + message.source));
        expect(run.stderr.split('\n')).toHaveLength(1);
      }
    });
  }

  it('a torn last line is not an error: merge ignores it, a resumed sweep cuts it and goes on', async () => {
    const folder = join(dir.path, 'torn');
    cpSync(good, folder, { recursive: true });
    appendFileSync(join(folder, 'results.jsonl'), '{"id":"half a rec');
    const merged = await hypersio(['merge', folder, '--out-dir', join(dir.path, 'merged-torn'), '--no-charts']);
    expect(merged.exitCode, merged.stderr).toBe(0);
    const resumed = await hypersio(sweepArgs(folder));
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(readFileSync(join(folder, 'results.jsonl'), 'utf8')).toBe(readFileSync(join(good, 'results.jsonl'), 'utf8'));
  });
});
