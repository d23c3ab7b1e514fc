/**
 * `run`, `trace-info` and `sweep` check a trace by one rule (core/trace-check.ts and
 * core/trace-file.ts): a directory, an empty file, a size that is not whole records and
 * impossible next-access indices (pointing backwards or at themselves, or named twice) are
 * each one line naming the file, exit 2, and the same message from both commands. An
 * index past the end (a trace cut short) is accepted by both.
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

  it('a trace cut short (next accesses past its end) is accepted by both', () => {
    const cut = join(dir.path, 'cut_iotlb_trace.bin');
    writeFileSync(cut, good.subarray(0, 48 * 100));
    const past = withNat('past', 0, 2n ** 62n);
    for (const path of [cut, past]) {
      const run = runCli(['run', '--trace', path, '--json']);
      expect(run.status, run.stderr).toBe(0);
      const info = runCli(['trace-info', path, '--json']);
      expect(info.status, info.stderr).toBe(0);
    }
    expect(runCli(['run', '--trace', cut, '--iotlb-policy', 'oracle']).status).toBe(0);
  });

  it('both accept the trace by its prefix', () => {
    const prefix = TRACE_8.replace(/_iotlb_trace\.bin$/, '');
    expect(runCli(['run', '--trace', prefix, '--json']).status).toBe(0);
    expect(runCli(['trace-info', '--trace', prefix]).status).toBe(0);
  });
});
