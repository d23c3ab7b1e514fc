/**
 * Issue 22 item 9: a results.jsonl record is checked against its id and against itself
 * (parameters against the configuration, link utilization against Mb/s and the link
 * rate); a details/ file against its record; a missing details file is rewritten by the
 * sweep (that configuration runs again) and named, with the command that rewrites it, by
 * merge.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hypersio, tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('record-checks');
afterAll(() => dir.cleanup());
const good = join(dir.path, 'good');
const sweepArgs = (out: string) => ['sweep', '--trace', TRACE_3, '--iotlb-size', '8', '16', '--out-dir', out, '--no-charts'];

beforeAll(async () => {
  const run = await hypersio(sweepArgs(good));
  expect(run.exitCode, run.stderr).toBe(0);
});

type Line = Record<string, unknown> & { id: string; detail: string };
const lines = (folder: string) =>
  readFileSync(join(folder, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

/** A copy of the good folder with its second record changed by `edit`. */
function edited(name: string, edit: (record: Line) => void): string {
  const folder = join(dir.path, name);
  cpSync(good, folder, { recursive: true });
  const records = lines(folder);
  edit(records[1]!);
  writeFileSync(join(folder, 'results.jsonl'), records.map((r) => JSON.stringify(r) + '\n').join(''));
  return folder;
}

describe('hand-edited records', () => {
  const cases: Array<[string, (r: Line) => void, RegExp]> = [
    ['linkUtilization', (r) => (r['linkUtilization'] = 0.99), /results\.jsonl:2: 'linkUtilization' 0\.99 is not mbps \/ \(linkGbps × 1000\)/],
    ['a parameter', (r) => (r['tq'] = 32), /results\.jsonl:2: 'tq' 32 contradicts its configuration \(1\)/],
    ['the configuration', (r) => ((r['config'] as Record<string, unknown>)['tq'] = 32), /results\.jsonl:2: its id [0-9a-f]+ is not that of its trace and configuration/],
  ];
  for (const [what, edit, message] of cases) {
    it(`${what}: sweep, merge and plot reject it, naming file and line`, async () => {
      const folder = edited(`edit-${what.replace(/ /g, '-')}`, edit);
      for (const args of [sweepArgs(folder), ['merge', folder, '--out-dir', join(folder, 'merged'), '--no-charts'], ['plot', folder]]) {
        const result = await hypersio(args);
        expect(result.exitCode, args[0]).toBe(2);
        expect(result.stderr.trim().split('\n'), args[0]).toHaveLength(1);
        expect(result.stderr, args[0]).toMatch(message);
      }
    });
  }
});

describe('details files', () => {
  it('a corrupt or swapped one is not merged: the file is named', async () => {
    const folder = edited('corrupt-detail', () => {});
    const second = lines(folder)[1];
    const path = join(folder, second!.detail);
    // Valid JSON that does not match its record: one flow gone, IOTLB hits changed.
    const detail = JSON.parse(readFileSync(path, 'utf8')) as { flows: Record<string, unknown>; caches: Record<string, { hit: number }> };
    delete detail.flows[Object.keys(detail.flows)[0]!];
    writeFileSync(path, JSON.stringify(detail));
    const merged = await hypersio(['merge', folder, '--out-dir', join(dir.path, 'merged-corrupt'), '--no-charts']);
    expect(merged.exitCode).toBe(2);
    expect(merged.stderr).toContain(`${path}: 2 flows where the record has 3 (not the detail of configuration ${second!.id}`);
    detail.flows['0'] = {};
    detail.flows['1'] = {};
    detail.flows['2'] = {};
    detail.caches['IOTLB']!.hit += 1;
    writeFileSync(path, JSON.stringify(detail));
    expect((await hypersio(['merge', folder, '--out-dir', join(dir.path, 'merged-corrupt'), '--no-charts'])).stderr).toContain(`${path}: cache IOTLB: hits and misses differ from the record's`);
    writeFileSync(join(folder, second!.detail), '{"flows": ');
    const again = await hypersio(['merge', folder, '--out-dir', join(dir.path, 'merged-corrupt'), '--no-charts']);
    expect(again.stderr).toContain(`${join(folder, second!.detail)}: not valid JSON`);
  });

  it('a missing one: merge names it and the command; the sweep runs that configuration again and rewrites it', async () => {
    const folder = edited('missing-detail', () => {});
    const second = lines(folder)[1]!;
    const detail = join(folder, second.detail);
    const before = readFileSync(join(good, second.detail), 'utf8');
    rmSync(detail);
    const merged = await hypersio(['merge', folder, '--out-dir', join(dir.path, 'merged-missing'), '--no-charts']);
    expect(merged.exitCode).toBe(2);
    expect(merged.stderr).toContain(`${detail}: missing (the detail of configuration ${second.id}); \`hypersio sweep\` with the same flags and --out-dir ${folder} runs that configuration again and rewrites it`);
    const resumed = await hypersio(sweepArgs(folder));
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`sweep: ${detail} is missing; configuration ${second.id} runs again to rewrite it`);
    expect(resumed.stderr).toContain('sweep: 1 of 2 configurations already in');
    expect(readFileSync(detail, 'utf8')).toBe(before);
    expect((await hypersio(['merge', folder, '--out-dir', join(dir.path, 'merged-missing'), '--no-charts'])).exitCode).toBe(0);
  });
});
