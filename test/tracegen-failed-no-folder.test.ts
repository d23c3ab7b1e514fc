/** A failed `synth` or `trace-gen` leaves no output folder behind when it created it (and keeps one that was there). */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError } from './helpers.js';
import { goldenLogs, removeDir, runCli, tempDir } from './tracegen-helpers.js';

const dir = tempDir('no-folder');
afterAll(() => removeDir(dir));

describe('a failed trace writer leaves no folder', () => {
  it('trace-gen with a missing log', () => {
    const out = join(dir, 'a', 'b');
    const r = runCli(['trace-gen', '--log-dir', goldenLogs, '--log-prefix', 'nothing_vm_4_log', '--tenants', '4', '--order', 'rr', '--burst', '1', '--test', 't', '--out-dir', out]);
    expectOneLineInputError(r, /nothing_vm_4_log_0\.txt: log not found/);
    expect(existsSync(out)).toBe(false);
  });

  it('trace-gen whose log yields no tenant at the given slots', () => {
    const out = join(dir, 'none');
    const r = runCli(['trace-gen', '--log-dir', goldenLogs, '--log-prefix', 'hypersio_syn_vm_4_log', '--tenants', '4', '--first-slot', '20', '--order', 'rr', '--burst', '1', '--test', 't', '--out-dir', out]);
    expectOneLineInputError(r, /no tenant found in this log/);
    expect(existsSync(out)).toBe(false);
  });

  it('an existing folder is kept, with what it held', () => {
    const out = join(dir, 'existing');
    mkdirSync(out);
    const r = runCli(['trace-gen', '--log-dir', goldenLogs, '--log-prefix', 'nothing_vm_4_log', '--tenants', '4', '--order', 'rr', '--burst', '1', '--test', 't', '--out-dir', out]);
    expect(r.status).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });
});
