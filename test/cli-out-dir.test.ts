/**
 * Output folders that cannot be (issue 22, item 13): plot --out-dir on a file, under a
 * file, where nothing can be created or written, and demo-job --out-dir FILE are one line
 * naming the flag, exit 2, not internal errors; a merge that fails leaves no folder.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError, runCli } from './helpers.js';
import { tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('out-dir');
afterAll(() => dir.cleanup());
const sweep = join(dir.path, 'sweep');
const file = join(dir.path, 'a-file');

beforeAll(() => {
  const r = runCli(['sweep', '--trace', TRACE_3, '--iotlb-size', '8', '64', '--out-dir', sweep, '--no-charts']);
  expect(r.status, r.stderr).toBe(0);
  writeFileSync(file, 'mine');
});

describe('--out-dir that cannot be', () => {
  it('plot: a file, a path under a file, a folder that cannot be made, one that cannot be written', () => {
    expectOneLineInputError(runCli(['plot', sweep, '--out-dir', file]), /^hypersio: --out-dir .*a-file: cannot create or use the directory \(ENOTDIR\)$/);
    expectOneLineInputError(runCli(['plot', sweep, '--out-dir', join(file, 'sub')]), /^hypersio: --out-dir .*a-file\/sub: cannot create or use the directory \(ENOTDIR\)$/);
    // Node's own recursive mkdir never returns under /proc; this one does.
    expectOneLineInputError(runCli(['plot', sweep, '--out-dir', '/proc/hypersio-charts']), /^hypersio: --out-dir \/proc\/hypersio-charts: cannot create or use the directory \(ENOENT\)$/);
    expectOneLineInputError(runCli(['plot', sweep, '--out-dir', '/sys/kernel']), /^hypersio: \/sys\/kernel\/[\w-]+\.svg: cannot write \(EACCES|EPERM|EROFS\)$/);
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('demo-job: a file', () => {
    expectOneLineInputError(runCli(['demo-job', '--out-dir', file]), /^hypersio: --out-dir .*a-file: cannot create or use the directory \(ENOTDIR\)$/);
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('a merge that fails leaves no output folder', () => {
    const out = join(dir.path, 'merged');
    // A details file missing: the merge fails after it created the folder and copied the others.
    const copy = join(dir.path, 'copy');
    cpSync(sweep, copy, { recursive: true });
    const details = readdirSync(join(copy, 'details')).sort();
    rmSync(join(copy, 'details', details[details.length - 1]!));
    expectOneLineInputError(runCli(['merge', copy, '--out-dir', out]), /details\/[0-9a-f]+\.json: missing/);
    expect(existsSync(out)).toBe(false);
  });
});
