/**
 * Odd inputs found by trying the CLI as an adversary would: an endless device as a
 * `.cfg` or sweep file, a folder where a file belongs, a lock file with garbage in it.
 * Each is one line naming the file, exit 2, or (the garbage lock) handled.
 */
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError, runCli } from './helpers.js';
import { tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('odd');
afterAll(() => dir.cleanup());

describe('odd inputs', () => {
  it('/dev/zero as a .cfg or a sweep file: refused at once, not read forever', () => {
    expectOneLineInputError(runCli(['run', '--trace', TRACE_3, '--config', '/dev/zero']), /^hypersio: \/dev\/zero: not a regular file \(a config file is expected\)$/);
    expectOneLineInputError(runCli(['sweep', '--sweep', '/dev/zero']), /^hypersio: \/dev\/zero: not a regular file \(a sweep file is expected\)$/);
  });

  it('an oversized .cfg is refused by size', () => {
    const big = join(dir.path, 'big.cfg');
    writeFileSync(big, Buffer.alloc(2 << 20, 0x20));
    expectOneLineInputError(runCli(['run', '--trace', TRACE_3, '--config', big]), /big\.cfg: 2,097,152 bytes, too large for a config file/);
  });

  it('results.jsonl that is a folder: sweep and merge name it', () => {
    const out = join(dir.path, 'odd-sweep');
    mkdirSync(join(out, 'results.jsonl'), { recursive: true });
    expectOneLineInputError(runCli(['sweep', '--trace', TRACE_3, '--out-dir', out]), /odd-sweep\/results\.jsonl: not a regular file$/);
    expectOneLineInputError(runCli(['merge', out, '--out-dir', join(dir.path, 'm')]), /odd-sweep\/results\.jsonl: not a regular file$/);
  });

  it('--out-dir naming a file: exit 2, the file untouched', () => {
    const file = join(dir.path, 'a-file');
    writeFileSync(file, 'mine');
    expectOneLineInputError(runCli(['synth', '--tenants', '4', '--packets', '4', '--out-dir', file]), /--out-dir .*a-file: cannot create or use the directory/);
    expectOneLineInputError(runCli(['sweep', '--trace', TRACE_3, '--out-dir', file]), /--out-dir .*a-file: cannot create or use the directory/);
  });

  it('an abandoned lock file with garbage in it (an older version\'s crash) is taken over', () => {
    const out = join(dir.path, 'garbage-lock');
    mkdirSync(out);
    writeFileSync(join(out, '.hypersio.lock'), 'hello');
    const anHourAgo = Date.now() / 1000 - 3600;
    utimesSync(join(out, '.hypersio.lock'), anHourAgo, anHourAgo);
    const r = runCli(['sweep', '--trace', TRACE_3, '--out-dir', out, '--no-charts']);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(out, '.hypersio.lock'))).toBe(false);
  });
});
