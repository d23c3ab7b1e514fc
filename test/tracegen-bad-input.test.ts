/** Bad input: a one-line `hypersio: …` error, exit status 2, and no output files left behind. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filesIn, goldenLogs, patched, removeDir, runCli, tempDir } from './tracegen-helpers.js';

const root = tempDir('bad');
afterAll(() => removeDir(root));

let caseNumber = 0;
/** A fresh out dir per case. */
function outDir(): string {
  return join(root, `out${++caseNumber}`);
}

function expectInputError(args: string[], out: string, message: RegExp): void {
  const r = runCli(args);
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^hypersio: [^\n]+\n$/);
  expect(r.stderr).toMatch(message);
  expect(filesIn(out)).toEqual([]);
}

const golden = (out: string, ...extra: string[]): string[] => [
  'trace-gen', '--log-dir', goldenLogs, '--log-prefix', 'hypersio_syn_vm_4_log', '--test', 'syn', '--out-dir', out, ...extra,
];

describe('trace-gen bad input', () => {
  it('missing log in the group', () => {
    const out = outDir();
    expectInputError(
      ['trace-gen', '--log-dir', goldenLogs, '--log-prefix', 'nosuch_vm_4_log', '--tenants', '4', '--order', 'rr', '--consec', '3', '--test', 't', '--out-dir', out],
      out,
      /nosuch_vm_4_log_0\.txt: log not found/,
    );
  });

  it('a log that yields no tenant (the reference loops forever)', () => {
    const dir = join(root, 'empty');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'e_vm_2_log_0.txt'), "qemu-system-x86_64: warning: nothing here\n" + patched.update(0x60, '0x1000', '0x5003', 1, 9) + '\n');
    const out = outDir();
    expectInputError(
      ['trace-gen', '--log-dir', dir, '--log-prefix', 'e_vm_2_log', '--tenants', '2', '--order', 'rr', '--consec', '3', '--test', 'e', '--out-dir', out],
      out,
      /e_vm_2_log_0\.txt: no tenant found in this log \(no kept event for sids 0x10, 0x18/,
    );
  });

  it('malformed hex in a matched event names the file, line and field', () => {
    const dir = join(root, 'hex');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'h_vm_1_log_0.txt'),
      [patched.update(0x10, '0x1000', '0x5003', 1, 9), patched.update(0x10, '0x10g0', '0x5003', 1, 9)].join('\n') + '\n',
    );
    const out = outDir();
    expectInputError(
      ['trace-gen', '--log-dir', dir, '--log-prefix', 'h_vm_1_log', '--tenants', '1', '--order', 'rr', '--consec', '3', '--test', 'h', '--out-dir', out],
      out,
      /h_vm_1_log_0\.txt:2: malformed hex in vtd_iotlb_page_update field 'iova'/,
    );
  });

  it('unknown order', () => {
    const out = outDir();
    expectInputError(golden(out, '--tenants', '8', '--order', 'zigzag', '--consec', '3'), out, /--order zigzag: unknown order/);
  });

  it('consec 0, and burst 0', () => {
    const out = outDir();
    expectInputError(golden(out, '--tenants', '8', '--order', 'rr', '--consec', '0'), out, /--consec 0: must be at least 1/);
    expectInputError(golden(out, '--tenants', '8', '--order', 'rr', '--burst', '0'), out, /--burst 0: must be at least 1/);
  });

  it('an unwritable output directory', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a directory');
    const out = join(file, 'sub');
    expectInputError(golden(out, '--tenants', '8', '--order', 'rr', '--consec', '3'), out, /--out-dir .*a-file\/sub: cannot create or use the directory \(ENOTDIR\)/);
  });

  it('a failure while placing the outputs removes the ones already written', () => {
    const out = outDir();
    // A directory where the last output file should go makes its rename fail.
    mkdirSync(join(out, 'syn_tnt_8_rr3_slpt_data.bin'), { recursive: true });
    const r = runCli(golden(out, '--tenants', '8', '--order', 'rr', '--consec', '3'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^hypersio: .*syn_tnt_8_rr3_slpt_data\.bin: cannot write \(\w+\)\n$/);
    expect(filesIn(out)).toEqual(['syn_tnt_8_rr3_slpt_data.bin']);
  });

  it('missing required flags', () => {
    const out = outDir();
    expectInputError(golden(out, '--tenants', '8', '--order', 'rr'), out, /--consec or --burst: required/);
  });
});
