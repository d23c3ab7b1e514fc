/**
 * A disk that fills up: a sweep says `cannot write (ENOSPC)` on one line and exits 2,
 * results.jsonl ends in a whole line (never half a record) and a re-run with room resumes;
 * synth and trace-gen leave neither temporaries nor their output folder. The disk is a
 * small tmpfs (CI runs as root); elsewhere these tests skip with a message.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hypersio, tempDir, TRACE_3 } from './sweep-helpers.js';
import { goldenLogs } from './tracegen-helpers.js';

const dir = tempDir('disk-full');
const disk = join(dir.path, 'disk');
mkdirSync(disk);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', disk]).status === 0;
if (!mounted) console.warn('disk-full tests skipped: cannot mount a tmpfs (needs root)');
afterAll(() => {
  if (mounted) spawnSync('umount', [disk]);
  dir.cleanup();
});

/** Empties the disk, then fills it but for about `freeBytes`. */
function fillLeaving(freeBytes: number): void {
  for (const entry of readdirSync(disk)) rmSync(join(disk, entry), { recursive: true, force: true });
  const stats = statfsSync(disk);
  const free = stats.bavail * stats.bsize;
  writeFileSync(join(disk, 'filler'), Buffer.alloc(Math.max(0, free - freeBytes)));
}

describe.skipIf(!mounted)('a full disk', () => {
  beforeAll(() => fillLeaving(0));

  it('sweep: exit 2, cannot write (ENOSPC), only whole lines; resumes once there is room', async () => {
    const out = join(disk, 'sweep');
    fillLeaving(12 * 1024); // room for a few lines and detail files, and the lock
    mkdirSync(out);
    const args = ['sweep', '--trace', TRACE_3, '--iotlb-size', '8', '16', '32', '64', '--tq', '1', '2', '4', '8', '--workers', '1', '--out-dir', out, '--no-charts'];
    const full = await hypersio(args);
    expect(full.exitCode, full.stderr).toBe(2);
    // The detail file or the line itself: whichever the disk refused first.
    expect(full.stderr.trim().split('\n').at(-1)).toMatch(/^hypersio: .*(results\.jsonl|details\/\w+\.json): cannot write \(ENOSPC\)$/);
    const text = readFileSync(join(out, 'results.jsonl'), 'utf8');
    expect(text === '' || text.endsWith('\n')).toBe(true);
    const saved = text === '' ? 0 : text.trim().split('\n').map((line) => JSON.parse(line) as { status: string }).length;
    expect(saved).toBeLessThan(16);
    expect(readdirSync(out, { recursive: true }).map(String).filter((f) => f.endsWith('.tmp') || f === '.hypersio.lock')).toEqual([]);

    rmSync(join(disk, 'filler'));
    const again = await hypersio(args);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(16);
  });

  it('synth: exit 2, cannot write (ENOSPC), no temporaries and no folder left', async () => {
    fillLeaving(64 * 1024);
    const out = join(disk, 'synth');
    const run = await hypersio(['synth', '--tenants', '64', '--packets', '200', '--out-dir', out]);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^hypersio: .*synth_tnt_64_rr3_iotlb_trace\.bin: cannot write \(ENOSPC\)$/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(disk)).toEqual(['filler']);
  });

  it('trace-gen: exit 2, cannot write (ENOSPC), no temporaries and no folder left', async () => {
    fillLeaving(16 * 1024);
    const out = join(disk, 'trace-gen');
    const run = await hypersio(['trace-gen', '--log-dir', goldenLogs, '--log-prefix', 'hypersio_col_vm_24_log', '--tenants', '24', '--order', 'rr', '--burst', '1', '--test', 'col', '--out-dir', out]);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^hypersio: .*cannot write \(ENOSPC\)$/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(disk)).toEqual(['filler']);
  });
});
