/** A second `explain` of the same configuration simulates nothing: every result is in the output folder. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explainJson, tempDir, TRACE_8 } from './explain-helpers.js';

describe('explain: a rerun is instant', () => {
  const dir = tempDir('explain-rerun');
  afterAll(() => dir.cleanup());

  it('reads every configuration back from results.jsonl, appends nothing, and says so', async () => {
    const args = ['--trace', TRACE_8, '--out-dir', dir.path, '--no-charts'];
    const first = await explainJson(args);
    expect(first.json.simulated).toBe(first.json.whatIf.length + 1);
    const results = readFileSync(join(dir.path, 'results.jsonl'), 'utf8');
    const second = await explainJson(args);
    expect(second.json.simulated).toBe(0);
    expect(second.stderr).toContain('nothing simulated');
    expect(readFileSync(join(dir.path, 'results.jsonl'), 'utf8')).toBe(results);
    const { simulated: _a, ...firstRest } = first.json;
    const { simulated: _b, ...secondRest } = second.json;
    expect(secondRest).toEqual(firstRest);
  });
});
