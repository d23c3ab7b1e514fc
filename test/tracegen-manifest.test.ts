/** Device selection: --first-slot, and the sidecar manifest `<log name>.json` that wins over it. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTrace } from '../tracegen/build.js';
import { patched, removeDir, tempDir } from './tracegen-helpers.js';

const root = tempDir('manifest');
afterAll(() => removeDir(root));

/** A log with devices in slots 2, 3, 9 and 10, each in its own domain, two pages each. */
function writeLog(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (const slot of [2, 3, 9, 10]) {
    const sid = slot << 3;
    const did = 0x40 + slot;
    lines.push(patched.context(sid, did));
    lines.push(patched.update(sid, `0x${(0x100000 * slot).toString(16)}`, '0x5003', 1, did));
    lines.push(patched.hit(sid, `0x${(0x100000 * slot + 0x10).toString(16)}`, '0x5003', did));
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** The distinct sids of a trace, in order of appearance. */
function traceSids(path: string): number[] {
  const bytes = readFileSync(path);
  const sids: number[] = [];
  for (let o = 0; o < bytes.length; o += 48) {
    const sid = bytes.readUInt16LE(o + 4);
    if (!sids.includes(sid)) sids.push(sid);
  }
  return sids;
}

const base = { logPrefix: 'm_vm_2_log', tenants: 2, order: 'orig', consec: 1, test: 'm' } as const;

describe('device selection', () => {
  it('defaults to slots 2, 3, … (the reference rule)', async () => {
    const dir = join(root, 'default');
    writeLog(dir, 'm_vm_2_log_0.txt');
    const r = await buildTrace({ ...base, logDir: dir, outDir: dir });
    expect(traceSids(r.paths.iotlb)).toEqual([0x10, 0x18]);
  });

  it('--first-slot 9 takes slots 9 and 10', async () => {
    const dir = join(root, 'slot9');
    writeLog(dir, 'm_vm_2_log_0.txt');
    const r = await buildTrace({ ...base, firstSlot: 9, logDir: dir, outDir: dir });
    expect(traceSids(r.paths.iotlb)).toEqual([0x48, 0x50]);
  });

  it('a manifest lists the tenant devices (sid, or slot) and wins over --first-slot', async () => {
    const dir = join(root, 'manifest');
    const log = writeLog(dir, 'm_vm_2_log_0.txt');
    writeFileSync(
      `${log}.json`,
      JSON.stringify({
        collector: 'test',
        tenants: [
          { sid: 0x50, slot: 10, model: 'virtio-net-pci', mac: '52:54:00:00:00:0a' },
          { slot: 3, model: 'e1000e', mac: '52:54:00:00:00:03' },
          { sid: 0x48, slot: 9, model: 'e1000e', mac: '52:54:00:00:00:09' },
        ],
      }),
    );
    const r = await buildTrace({ ...base, firstSlot: 2, logDir: dir, outDir: dir });
    // The first n = 2 manifest entries; tenants numbered in order of appearance in the log.
    expect(traceSids(r.paths.iotlb)).toEqual([0x18, 0x50]);
    expect(r.tenants).toBe(2);
  });

  it('rejects a malformed manifest, naming it', async () => {
    const dir = join(root, 'bad');
    const log = writeLog(dir, 'm_vm_2_log_0.txt');
    writeFileSync(`${log}.json`, JSON.stringify({ tenants: [{ model: 'e1000e' }] }));
    await expect(buildTrace({ ...base, logDir: dir, outDir: dir })).rejects.toThrow(`${log}.json: tenants[0] needs "sid"`);
  });
});
