/** Issue 22 item 18: `sweep --trace`, `--config` and `advise --trace` take each path whole: a comma is part of a file name. */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio, tempDir, TRACE_3 } from './sweep-helpers.js';
import { PROJECT_ROOT } from './helpers.js';

const dir = tempDir('comma-paths');
afterAll(() => dir.cleanup());

describe('paths with commas', () => {
  it('a trace and a .cfg named with commas are swept; lists are separate arguments', async () => {
    const trace = join(dir.path, 'x,y_tnt_3_rr3_iotlb_trace.bin');
    copyFileSync(TRACE_3, trace);
    const config = join(dir.path, 'a,b.cfg');
    copyFileSync(join(PROJECT_ROOT, 'configs', 'base.cfg'), config);
    const swept = await hypersio(['sweep', '--trace', trace, TRACE_3, '--config', config, '--tq', '1,2', '--out-dir', join(dir.path, 'out'), '--no-charts']);
    expect(swept.exitCode, swept.stderr).toBe(0);
    // Two traces × one config × tq 1 and 2 (value lists still split on commas).
    expect(swept.stdout).toMatch(/^4 configurations: 4 ok, 0 failed$/m);
  });

  it('advise --trace takes a path with a comma whole too', async () => {
    const trace = join(dir.path, 'p,q_tnt_3_rr3_iotlb_trace.bin');
    copyFileSync(TRACE_3, trace);
    const advised = await hypersio(['advise', '--trace', trace, '--target', '1', '--out-dir', join(dir.path, 'advise'), '--json']);
    expect(advised.exitCode, advised.stderr).toBe(0);
    expect(advised.stdout).toContain('p,q_tnt_3_rr3_iotlb_trace.bin');
  });
});
