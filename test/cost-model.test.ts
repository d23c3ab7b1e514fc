/**
 * The hardware cost model (docs/cost-model.md): the base configuration derived by hand,
 * figures overridden by a JSON file, bad override files, and costBytes in `run --json`
 * and in a sweep's results.jsonl and results.csv.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseConfig } from '../orchestrator/config.js';
import { configCostBytes, costBreakdown, DEFAULT_COST_MODEL, loadCostModel } from '../orchestrator/cost-model.js';
import { expectOneLineInputError, runCli } from './helpers.js';
import { hypersio, tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('cost-model');
afterAll(() => dir.cleanup());

describe('the base configuration, derived by hand', () => {
  const cost = costBreakdown(baseConfig());

  it('context cache: 1536 entries, fully associative, LFU', () => {
    // One set, so the whole 16-bit sid is the tag; the entry holds the context entry's
    // DID (16), second-level table pointer (52 - 12 = 40) and AW+TT+FPD (6), a valid bit
    // and a 4-bit LFU counter: 16 + 16 + 40 + 6 + 1 + 4 = 83 bits.
    expect(cost.cc.bitsPerEntry).toBe(83);
    // 1536 comparators of 16 tag bits at 1.5 bits each: 36,864 bits.
    expect(cost.cc.comparatorBits).toBe(36_864);
    expect(cost.cc.bytes).toBe(Math.ceil((1536 * 83 + 36_864) / 8)); // 20,544
  });

  it('IOTLB: 64 entries, 8-way LRU', () => {
    // 8 sets: the index takes 3 bits of iova >> 21, so the tag holds the other 36 - 3 = 33
    // page-number bits, the 16-bit did and a 2-bit page size (51 bits); data: a 40-bit
    // frame and R/W; a valid bit; LRU age log2(8) = 3: 51 + 42 + 1 + 3 = 97 bits.
    expect(cost.iotlb.fields).toEqual({ tagIova: 33, tagDid: 16, pageSize: 2, ppn: 40, permission: 2, valid: 1, replacement: 3 });
    expect(cost.iotlb.bytes).toBe(Math.ceil((64 * 97 + 8 * 51 * 1.5) / 8)); // 853
  });

  it('walk caches: L2PAGE 512 x 16-way, L3PAGE 1024 x 16-way', () => {
    // L2PAGE: 32 sets, tag = 48 - 21 - 5 = 22 IOVA bits + did 16; data 40 + R/W 2 + PS 1; valid; LRU 4.
    expect(cost.l2page.bitsPerEntry).toBe(22 + 16 + 40 + 2 + 1 + 1 + 4);
    expect(cost.l2page.bytes).toBe(Math.ceil((512 * 86 + 16 * 38 * 1.5) / 8)); // 5,618
    // L3PAGE: 64 sets, tag = 48 - 30 - 6 = 12 IOVA bits + did 16.
    expect(cost.l3page.bitsPerEntry).toBe(12 + 16 + 40 + 2 + 1 + 1 + 4);
    expect(cost.l3page.bytes).toBe(Math.ceil((1024 * 76 + 16 * 28 * 1.5) / 8)); // 9,812
  });

  it('no prefetch buffer; the prefetcher history (1024 sids x 2 pages) and its 32-sid FIFO; tq 1 = 3 slots', () => {
    expect(cost.prefetchBuffer.bytes).toBe(0);
    // Per sid: 6-bit tag (16 - log2 1024), valid, successor sid + valid, 2 x (did 16 + page 36 + size 2 + valid 1).
    expect(cost.prefetcherHistory.bitsPerEntry).toBe(6 + 1 + 17 + 2 * 55);
    expect(cost.prefetcherHistory.bytes).toBe(Math.ceil((1024 * 134 + 6 * 1.5) / 8)); // 17,154
    expect(cost.prefetcherSidFifo.bytes).toBe((32 * 16) / 8);
    // A slot: sid, did, page number, level, frame, R/W, stage, valid = 115 bits; tq + 2 slots.
    expect(cost.tq).toMatchObject({ entries: 3, bitsPerEntry: 115, bytes: Math.ceil((3 * 115) / 8) });
  });

  it('the total is the sum', () => {
    expect(configCostBytes(baseConfig())).toBe(20_544 + 853 + 5_618 + 9_812 + 0 + 17_154 + 64 + 44);
  });

  it('more ways cost more comparators; groups shorten the did tag; LFU costs 4 bits per entry', () => {
    const config = baseConfig();
    config.iotlb.assoc = 16;
    expect(costBreakdown(config).iotlb.comparatorBits).toBeGreaterThan(cost.iotlb.comparatorBits);
    config.iotlb.assoc = 8;
    config.iotlb.groups = 4;
    expect(costBreakdown(config).iotlb.fields['tagDid']).toBe(14);
    config.iotlbPolicy = 'lfu';
    expect(costBreakdown(config).iotlb.fields['replacement']).toBe(4);
  });

  it('a plugin policy counts as a true LRU (3 bits at 8 ways) unless pluginPolicyBits says what it keeps', () => {
    const config = { ...baseConfig(), iotlbPolicy: 'examples/srrip.ts#0123456789abcdef' as const };
    expect(costBreakdown(config).iotlb.fields['replacement']).toBe(3);
    expect(costBreakdown(config, { ...DEFAULT_COST_MODEL, pluginPolicyBits: 2 }).iotlb.fields['replacement']).toBe(2);
  });

  it('switches that are no structure (ideal modes, queue order, salloc) cost nothing', () => {
    const config = { ...baseConfig(), outOfOrder: false, selectiveAlloc: true, idealIotlb: true, idealCc: true, idealWalkCaches: true };
    expect(configCostBytes(config)).toBe(configCostBytes(baseConfig()));
  });
});

describe('--cost-model file.json', () => {
  const file = (name: string, text: string) => {
    const path = join(dir.path, name);
    writeFileSync(path, text);
    return path;
  };

  it('overrides a figure and a field', () => {
    const model = loadCostModel(file('narrow.json', JSON.stringify({ physicalAddressBits: 46, fields: { 'cc.control': 0 } })));
    const cost = costBreakdown(baseConfig(), model);
    expect(cost.iotlb.fields['ppn']).toBe(34);
    expect(cost.cc.fields['control']).toBe(0);
    expect(model.didBits).toBe(DEFAULT_COST_MODEL.didBits);
  });

  it('run --json carries costBytes, with the override applied', () => {
    const plain = JSON.parse(runCli(['run', '--trace', TRACE_3, '--json']).stdout) as { costBytes: number };
    expect(plain.costBytes).toBe(configCostBytes(baseConfig()));
    const path = file('no-premium.json', '{"comparatorBitsPerTagBit": 0}');
    const cheaper = runCli(['run', '--trace', TRACE_3, '--json', '--cost-model', path]);
    expect((JSON.parse(cheaper.stdout) as { costBytes: number }).costBytes).toBe(configCostBytes(baseConfig(), loadCostModel(path)));
    expect(runCli(['run', '--trace', TRACE_3]).stdout).toMatch(/hardware cost: 54,089 bytes/);
  });

  it('run --ideal-iotlb --ideal-cc --ideal-walk-caches costs what the base costs', () => {
    const ideal = runCli(['run', '--trace', TRACE_3, '--json', '--ideal-iotlb', '--ideal-cc', '--ideal-walk-caches']);
    expect(ideal.status, ideal.stderr).toBe(0);
    expect((JSON.parse(ideal.stdout) as { costBytes: number }).costBytes).toBe(configCostBytes(baseConfig()));
  });

  it.each([
    ['not JSON', '{', /bad\.json: not valid JSON/],
    ['not an object', '[1]', /bad\.json: expected a JSON object/],
    ['an unknown figure', '{"didbits": 12}', /bad\.json: didbits: unknown field/],
    ['a negative figure', '{"didBits": -1}', /bad\.json: didBits: expected a non-negative integer, got -1/],
    ['a fraction of a bit', '{"sidBits": 1.5}', /bad\.json: sidBits: expected a non-negative integer/],
    ['a string', '{"comparatorBitsPerTagBit": "2"}', /bad\.json: comparatorBitsPerTagBit: expected a non-negative number, got "2"/],
    ['an unknown field', '{"fields": {"iotlb.color": 3}}', /bad\.json: fields\.iotlb\.color: unknown field/],
  ])('rejects %s in one line naming the file and the field', (_what, text, message) => {
    const path = file('bad.json', text);
    expect(() => loadCostModel(path)).toThrow(message);
    expectOneLineInputError(runCli(['run', '--trace', TRACE_3, '--cost-model', path]), message);
  });

  it('rejects a missing file', () => {
    expectOneLineInputError(runCli(['run', '--trace', TRACE_3, '--cost-model', join(dir.path, 'none.json')]), /none\.json: cannot read cost model/);
  });
});

it('sweep records and results.csv carry costBytes', async () => {
  const out = join(dir.path, 'sweep');
  const r = await hypersio(['sweep', '--trace', TRACE_3, '--iotlb-size', '64', '256', '--out-dir', out, '--no-charts', '--workers', '1']);
  expect(r.exitCode, r.stderr).toBe(0);
  const records = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { config: ReturnType<typeof baseConfig>; costBytes: number });
  expect(records.map((x) => x.costBytes)).toEqual(records.map((x) => configCostBytes(x.config)));
  expect(records[1]!.costBytes).toBeGreaterThan(records[0]!.costBytes);
  const [header, ...rows] = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
  const column = header!.split(',').indexOf('costBytes');
  expect(rows.map((row) => Number(row.split(',')[column]))).toEqual(records.map((x) => x.costBytes));
});
