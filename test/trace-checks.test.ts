/**
 * `run`, `trace-info` and `sweep` check a trace by one rule (core/trace-check.ts and
 * core/trace-file.ts): a directory, an empty file, a size that is not whole records and
 * bad records (a record type other than 1, a page level other than 1-3 in all 64 bits, a
 * page mask of 0, next-access indices pointing backwards, at themselves, past the end of
 * the trace, or named twice) are each one line naming the file, exit 2, and the same
 * message from both commands.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError, runCli } from './helpers.js';
import { hypersio, tempDir, TRACE_8 } from './sweep-helpers.js';

const dir = tempDir('trace-checks');
afterAll(() => dir.cleanup());

const good = readFileSync(TRACE_8);
const NAT = 40;

/** A copy of TRACE_8 whose record `index` has next-access index `nat`. */
function withNat(name: string, index: number, nat: bigint): string {
  const bytes = Buffer.from(good);
  bytes.writeBigUInt64LE(nat, index * 48 + NAT);
  const path = join(dir.path, `${name}_iotlb_trace.bin`);
  writeFileSync(path, bytes);
  return path;
}

/** A copy of TRACE_8 whose record `index` has the u64 `value` at byte `offset` of the record. */
function withField(name: string, index: number, offset: number, value: bigint): string {
  const bytes = Buffer.from(good);
  bytes.writeBigUInt64LE(value, index * 48 + offset);
  const path = join(dir.path, `${name}_iotlb_trace.bin`);
  writeFileSync(path, bytes);
  return path;
}

/** Two records: `first` names `nat` as its next access; `second` (first < second < nat) may name it too. */
function sharedTarget(): { second: number; nat: number } {
  const first = [...Array(good.length / 48).keys()].find((i) => good.readBigUInt64LE(i * 48 + NAT) !== 0xffff_ffff_ffff_ffffn)!;
  const nat = Number(good.readBigUInt64LE(first * 48 + NAT));
  if (nat < first + 2) throw new Error('pick another record');
  return { second: first + 1, nat };
}

const shared = sharedTarget();
const folder = join(dir.path, 'a-folder');
mkdirSync(folder);
writeFileSync(join(dir.path, 'empty_iotlb_trace.bin'), '');
writeFileSync(join(dir.path, 'torn_iotlb_trace.bin'), good.subarray(0, 100));

const cases: Array<[string, string, RegExp]> = [
  ['a directory', folder, /a-folder: not a regular file$/],
  ['a zero-byte trace', join(dir.path, 'empty_iotlb_trace.bin'), /empty_iotlb_trace\.bin: trace is empty$/],
  ['not whole records', join(dir.path, 'torn_iotlb_trace.bin'), /torn_iotlb_trace\.bin: trace size 100 is not a multiple of 48/],
  ['a next access before its record', withNat('backwards', 5, 2n), /backwards_iotlb_trace\.bin: record 5 has an impossible next-access index 2 \(corrupt trace\)$/],
  ['a next access to itself', withNat('self', 5, 5n), /record 5 has an impossible next-access index 5 /],
  ['a record type other than 1', withField('type', 3, 0, 7n), /type_iotlb_trace\.bin: record 3 has record type 7, not 1 \(not a translation trace/],
  ['page level 2^63 (not read as its low 32 bits)', withField('level', 4, 24, 2n ** 63n), /level_iotlb_trace\.bin: record 4 has page level 9223372036854775808, not 1, 2 or 3 \(corrupt trace\)$/],
  ['page mask 0', withField('mask', 6, 16, 0n), /mask_iotlb_trace\.bin: record 6 has page mask 0 \(corrupt trace\)$/],
  ['a next access past the end', withNat('past', 0, 2n ** 62n), /past_iotlb_trace\.bin: record 0 has next-access index 4611686018427387904, past the end of the trace/],
  ['two records naming one next access', withNat('twice', shared.second, BigInt(shared.nat)), new RegExp(`record ${shared.second} has an impossible next-access index ${shared.nat} `)],
];

describe('one trace check for run and trace-info', () => {
  for (const [name, path, message] of cases) {
    it(name, () => {
      const run = runCli(['run', '--trace', path]);
      const info = runCli(['trace-info', path]);
      expectOneLineInputError(run, message);
      expectOneLineInputError(info, message);
      expect(run.stderr).toBe(info.stderr);
    });
  }

  it('a sweep records a corrupt trace as a failed configuration with the same message', async () => {
    const out = join(dir.path, 'sweep');
    const run = await hypersio(['sweep', '--trace', withNat('sweep', 5, 2n), '--out-dir', out, '--no-charts']);
    expect(run.exitCode).toBe(1);
    const record = JSON.parse(readFileSync(join(out, 'results.jsonl'), 'utf8')) as { status: string; error: string };
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/record 5 has an impossible next-access index 2 \(corrupt trace\)$/);
  });

  it('a trace cut short (next accesses past its new end) is rejected by both', () => {
    const cut = join(dir.path, 'cut_iotlb_trace.bin');
    writeFileSync(cut, good.subarray(0, 48 * 100));
    const run = runCli(['run', '--trace', cut, '--json']);
    expectOneLineInputError(run, /cut_iotlb_trace\.bin: record \d+ has next-access index \d+, past the end of the trace \(100 records; corrupt, or cut short\)$/);
    expect(runCli(['trace-info', cut]).stderr).toBe(run.stderr);
  });

  it('a context-cache file of a whole number of 48-byte records is not taken for a trace', () => {
    // 12 records of 20 bytes = 5 of 48: the case that printed "level 100794432".
    const cc = join(dir.path, 'x_cc_data.bin');
    const bytes = Buffer.alloc(240);
    for (let r = 0; r < 12; r++) bytes.writeUInt16LE(0x100 + r, r * 20);
    writeFileSync(cc, bytes);
    expectOneLineInputError(runCli(['trace-info', cc]), /x_cc_data\.bin: record 0 has record type \d+, not 1/);
    expectOneLineInputError(runCli(['run', '--trace', cc]), /x_cc_data\.bin: record 0 has record type \d+, not 1/);
  });

  it('both accept the trace by its prefix', () => {
    const prefix = TRACE_8.replace(/_iotlb_trace\.bin$/, '');
    expect(runCli(['run', '--trace', prefix, '--json']).status).toBe(0);
    expect(runCli(['trace-info', '--trace', prefix]).status).toBe(0);
  });
});
