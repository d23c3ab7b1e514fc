/** A `.cfg` with the reference's `L1PAGE` section (which the model has no cache for) is accepted and changes nothing. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GOLDEN_DIR, runCli } from './helpers.js';
import { tempDir, TRACE_8 } from './sweep-helpers.js';

const dir = tempDir('l1page');
afterAll(() => dir.cleanup());

describe('L1PAGE section', () => {
  it('is accepted, and the result equals the same file without it', () => {
    const base = readFileSync(join(GOLDEN_DIR, 'configs', 'base.cfg'), 'utf8');
    const withL1 = join(dir.path, 'with-l1.cfg');
    writeFileSync(withL1, `${base}\nL1PAGE\nsize:256\nassoc:8\ngroups:1\nhistlen:0\n//--------------------------------\n`);
    const a = runCli(['run', '--trace', TRACE_8, '--config', withL1, '--json']);
    const b = runCli(['run', '--trace', TRACE_8, '--config', join(GOLDEN_DIR, 'configs', 'base.cfg'), '--json']);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stderr).toBe('');
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout));
  });
});
