/** Unit tests of the collector's pure parts: layout, cpio, init script, manifest names, log scan. */
import { describe, expect, it } from 'vitest';
import { buildCpioNewc } from '../qemu/cpio.js';
import { generateInitScript } from '../qemu/init-script.js';
import { macForNic, nicArguments, planNics, sidFromBdf } from '../qemu/layout.js';
import { scanLogLine, type LogStats } from '../qemu/log-compress.js';
import { logBaseName, manifestPathForLog } from '../core/manifest.js';
import { validateCollectOptions } from '../qemu/collect.js';
import { InputError } from '../core/errors.js';

describe('NIC layout', () => {
  it('places up to 24 NICs flat on pcie.0 from slot 3, models cycled', () => {
    const nics = planNics(24, ['e1000', 'e1000e', 'virtio']);
    expect(nics.map((n) => n.busSlot)).toEqual(Array.from({ length: 24 }, (_, i) => 3 + i));
    expect(nics.slice(0, 4).map((n) => n.model)).toEqual(['e1000', 'e1000e', 'virtio', 'e1000']);
    expect(nics.every((n) => n.rootPortFunction === null)).toBe(true);
    expect(macForNic(1)).toBe('52:54:00:12:00:01');
    expect(macForNic(300)).toBe('52:54:00:12:01:2c');
  });

  it('puts virtio behind multifunction root ports beyond 24 NICs', () => {
    const nics = planNics(64, ['virtio']);
    const args = nicArguments(nics).join(' ');
    expect(nics[0]?.busSlot).toBe(3);
    expect(nics[63]?.busSlot).toBe(10); // 64 ports, 8 per slot: slots 3..10
    expect((args.match(/pcie-root-port/g) ?? []).length).toBe(64);
    expect(args).toContain('addr=0x3.0,multifunction=on');
    expect(args).toContain('bus=rp64,addr=0x0');
    const mixed = planNics(40, ['e1000e', 'virtio', 'virtio', 'virtio']);
    expect(mixed.filter((n) => n.rootPortFunction === null).length).toBe(10);
  });

  it('rejects impossible layouts with input errors', () => {
    expect(() => planNics(0, ['e1000'])).toThrow(InputError);
    expect(() => planNics(65, ['virtio'])).toThrow(/1 to 64/);
    expect(() => planNics(30, ['e1000'])).toThrow(/do not fit on pcie.0/);
  });

  it('computes sids from guest PCI addresses', () => {
    expect(sidFromBdf('0000:00:03.0')).toEqual({ sid: 0x18, bus: 0, slot: 3, fn: 0 });
    expect(sidFromBdf('0000:05:00.0')?.sid).toBe(0x500);
    expect(sidFromBdf('virtio0')).toBeNull();
  });
});

describe('collect options', () => {
  it('rejects bad values before starting anything', () => {
    expect(() => validateCollectOptions({ nics: 0, workload: 'http' })).toThrow(/--nics/);
    expect(() => validateCollectOptions({ nics: 2, workload: 'ftp' })).toThrow(/--workload: unknown workload "ftp"/);
    expect(() => validateCollectOptions({ nics: 2, workload: 'http', nicModels: ['rtl8139'] })).toThrow(/--nic-models/);
    expect(() => validateCollectOptions({ nics: 2, workload: 'http', mb: 1, durationSeconds: 2 })).toThrow(/not both/);
    expect(() => validateCollectOptions({ nics: 2, workload: 'http', runs: 0 })).toThrow(/--runs/);
    expect(() => validateCollectOptions({ nics: 2, workload: 'http', name: '../x' })).toThrow(/--name/);
    expect(() => validateCollectOptions({ nics: 2, workload: 'http', mode: 'l3' })).toThrow(/--mode/);
    expect(() => validateCollectOptions({ nics: 9, workload: 'http', mode: 'nested' })).toThrow(/nested mode runs at most 8/);
  });

  it('fills defaults: 4 MiB per NIC for http, all models, one run', () => {
    const v = validateCollectOptions({ nics: 3, workload: 'http', accel: 'tcg' });
    expect(v.bytesPerNic).toBe(4 * 1048576);
    expect(v.placements.map((p) => p.model)).toEqual(['e1000', 'e1000e', 'virtio']);
    expect(v.runs).toBe(1);
    expect(v.timeoutSeconds).toBeGreaterThan(60);
  });
});

describe('names', () => {
  it('follows the original log naming, manifest = log file name + .json', () => {
    const base = logBaseName('hypersio', 'iperf3', 24, 3);
    expect(base).toBe('hypersio_iperf3_vm_24_log_3');
    expect(manifestPathForLog(`/x/${base}.txt.gz`)).toBe(`/x/${base}.txt.gz.json`);
  });
});

describe('guest pieces', () => {
  it('writes a newc cpio archive with a trailer', () => {
    const archive = buildCpioNewc([
      { kind: 'dir', path: 'bin' },
      { kind: 'file', path: 'init', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
      { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    ]);
    const text = archive.toString('latin1');
    expect(text.startsWith('070701')).toBe(true);
    expect(archive.length % 4).toBe(0);
    expect(text).toContain('init\0');
    expect(text).toContain('TRAILER!!!\0');
  });

  it('generates an /init that loads the modules and reports results', () => {
    const init = generateInitScript(['/modules/virtio.ko', '/modules/e1000.ko']);
    expect(init.startsWith('#!/bin/busybox sh')).toBe(true);
    expect(init.indexOf('/modules/virtio.ko')).toBeLessThan(init.indexOf('/modules/e1000.ko'));
    expect(init).toContain('say "result idx=');
    expect(init).toContain('poweroff -f');
    expect(init).not.toContain('undefined');
    const nested = generateInitScript(['/modules/e1000.ko'], ['/modules-nested/kvm.ko']);
    expect(nested).toContain('insmod /modules-nested/kvm.ko');
    expect(nested).toContain('vfio-pci,host=$bdf');
  });
});

describe('log scan', () => {
  it('counts page events per sid and notes the domain', () => {
    const stats: LogStats = { lines: 0, bytes: 0, bySid: new Map() };
    for (const line of [
      '13818@1795615423.859540:vtd_iotlb_page_update IOTLB page update sid 0x28 iova 0xffffb402 slpte 0x3fe7e003 domain 0x5',
      '13818@1795615423.859553:vtd_dmar_translate dev 00:05.00 iova 0xffffb000 -> gpa 0x3fe7e000 mask 0xfff',
      '13818@1795615423.859572:vtd_iotlb_page_hit IOTLB page hit sid 0x28 iova 0xffffd002 slpte 0x3fe7f003 domain 0x5',
      '13818@1795615423.859565:vtd_iotlb_cc_hit IOTLB context hit bus 0x0 devfn 0x28 high 0x501 low 0x2a73001 gen 1',
    ]) {
      scanLogLine(line, stats);
    }
    expect(stats.lines).toBe(4);
    expect(stats.bySid.get(0x28)).toEqual({ pageEvents: 2, domain: 5 });
  });
});
