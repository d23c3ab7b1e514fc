/**
 * `sweep --schema` prints the sweep file's JSON schema: every flag's key and every axis,
 * nothing else allowed; a file written from it runs, and one with an unknown key is refused.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio, sweepApi, tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('schema');
afterAll(() => dir.cleanup());

describe('sweep --schema', () => {
  it('prints a draft-07 schema with every field and axis, and no other keys', async () => {
    const run = await hypersio(['sweep', '--schema']);
    expect(run.exitCode).toBe(0);
    const schema = JSON.parse(run.stdout) as { $schema: string; additionalProperties: boolean; properties: Record<string, { description?: string }> };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    const keys = [...sweepApi.SWEEP_FIELDS.map((f) => f.key), ...sweepApi.SWEEP_AXES.map((a) => a.key)];
    expect(Object.keys(schema.properties).sort()).toEqual(['$schema', ...keys].sort());
    for (const key of keys) expect(schema.properties[key]?.description, key).toBeTruthy();
  });

  it('a file that follows it runs; an unknown key is refused naming it', async () => {
    const file = join(dir.path, 'sweep.json');
    writeFileSync(file, JSON.stringify({ $schema: './schema.json', traces: TRACE_3, iotlbSize: [8, 16], tq: 1, out: 'out' }));
    const ok = await hypersio(['sweep', '--sweep', file, '--no-charts']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(join(dir.path, 'out', 'results.jsonl'));
    writeFileSync(file, JSON.stringify({ traces: TRACE_3, iotlbsize: [8] }));
    const bad = await hypersio(['sweep', '--sweep', file]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/sweep\.json: top level: unknown key 'iotlbsize'/);
  });
});
