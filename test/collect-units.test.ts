/** Unit tests of the collector's pure parts: layout, cpio, init script, manifest names, log scan. */
import { describe, expect, it } from 'vitest';
import { ConsoleProtocol } from '../qemu/console-protocol.js';
import { buildCpioNewc } from '../qemu/cpio.js';
import { generateInitScript } from '../qemu/init-script.js';
import { macForNic, nicArguments, planNics, sidFromBdf } from '../qemu/layout.js';
import { scanLogLine, type LogStats } from '../qemu/log-compress.js';
import { AddressSpreadCounter } from '../core/address-spread.js';
import { baseConfig } from '../orchestrator/config.js';
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
    expect(() => validateCollectOptions({ nics: 17, workload: 'http', mode: 'nested' })).toThrow(/nested mode runs at most 16/);
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
    expect(nested).toContain("vfio-pci,host=$bdf");
    expect(nested).toContain('sleep "$HS_l2timeout"; alive $qpid || exit 0'); // L1's own watcher of each L2
    expect(nested).toContain('case ",$HS_l2done," in'); // a restarted L1 skips the NICs done
  });
});

describe('log scan', () => {
  it('counts page events per sid and notes the domain', () => {
    const stats: LogStats = { lines: 0, bytes: 0, bySid: new Map(), spread: new AddressSpreadCounter() };
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
    // Both page events lie in the 2 MiB region 0x7ff (just below 4 GiB): one IOTLB set.
    const spread = stats.spread.result(baseConfig());
    expect(spread.translations).toBe(2);
    expect(spread.regions2MiB.all).toBe(1);
    expect(spread.caches[0]).toMatchObject({ cache: 'IOTLB', setsUsed: 1, busiestSet: 7, busiestShare: 1 });
  });
});

describe('console protocol', () => {
  const placements = planNics(4, ['e1000e', 'virtio']);
  const feed = (lines: string[]) => {
    const progress: string[] = [];
    const protocol = new ConsoleProtocol(4, 'http', (line) => progress.push(line));
    for (const line of lines) protocol.line(line);
    return { protocol, progress };
  };

  it('names the NIC that failed by its own number and address, with its L2 VM exit status and console', () => {
    const { protocol, progress } = feed([
      'HSIO stage=l2-boot',
      'HSIO l2 bdf=0000:00:03.0 state=start',
      'HSIO result idx=1 mac=52:54:00:12:00:01 if=eth0 bdf=0000:00:03.0 rx=900000 tx=300000 status=0',
      'HSIO l2 bdf=0000:00:03.0 state=exit status=0',
      'HSIO l2 bdf=0000:00:04.0 state=start',
      'HSIO stage=l2-failed:0000:00:04.0',
      'HSIO l2log bdf=0000:00:04.0 qemu-system-x86_64: vfio: Cannot reset device 0000:00:04.0, no available reset mechanism.',
      'HSIO l2 bdf=0000:00:04.0 state=exit status=1',
      'HSIO l2 bdf=0000:00:06.0 state=start',
    ]);
    expect(protocol.nicProblem(placements[0]!, undefined)).toBeNull();
    const second = protocol.nicProblem(placements[1]!, undefined);
    expect(second).toMatch(/^NIC 2 \(virtio, 0000:00:04\.0\) never reported \(stage l2-boot; L2 QEMU exit status 1; its console: qemu-system-x86_64: vfio: Cannot reset device 0000:00:04\.0/);
    expect(protocol.nicProblem(placements[2]!, undefined)).toMatch(/^NIC 3 \(e1000e, 0000:00:05\.0\) never reported \(stage l2-boot\)$/);
    expect(protocol.nicProblem(placements[3]!, undefined)).toMatch(/^NIC 4 \(virtio, 0000:00:06\.0\) never reported \(stage l2-boot; L2 QEMU still running\)$/);
    expect(progress).toContain('L2 VM for 0000:00:04.0 exited with status 1 (2 of 4 done)');
    expect(protocol.summary()).toBe('stage l2-boot, L2 VMs 3 started, 2 done of 4');
  });

  /** Nested mode: L2 VM 1 reported and exited, L2 VM 2 runs. */
  const firstDoneSecondRunning = [
    'HSIO stage=l2-boot',
    'HSIO l2 bdf=0000:00:03.0 state=start',
    'HSIO result idx=1 mac=52:54:00:12:00:01 if=eth0 bdf=0000:00:03.0 rx=900000 tx=300000 status=0',
    'HSIO l2 bdf=0000:00:03.0 state=exit status=0',
    'HSIO l2 bdf=0000:00:04.0 state=start',
  ];

  it('reports a hung L2, flags one stuck in L1 for a restart, and lists the NICs done for the new L1', () => {
    const { protocol, progress } = feed([
      ...firstDoneSecondRunning,
      'HSIO l2 bdf=0000:00:04.0 state=hung after=245',
    ]);
    expect(progress).toContain('L2 VM for 0000:00:04.0 hung (no result after 245 s); killing it');
    expect(protocol.stuckL2).toBeNull();
    protocol.line('HSIO l2 bdf=0000:00:04.0 state=stuck');
    expect(protocol.stuckL2?.bdf).toBe('0000:00:04.0');
    expect(progress).toContain("L2 VM for 0000:00:04.0 stuck: its QEMU could not be killed: it spins inside L1's kernel");
    expect(protocol.l2Done()).toEqual(['0000:00:03.0']);
    protocol.restart();
    expect(protocol.stuckL2).toBeNull();
    expect(protocol.stage).toBe('boot');
    expect(protocol.summary()).toBe('stage boot, L2 VMs 2 started, 1 done of 4');
  });

  it('declares the running L2 stuck when L1 wedges (soft lockups past 90 s), and names the lockup in the NIC problem', () => {
    const { protocol, progress } = feed([
      ...firstDoneSecondRunning,
      '[  176.621557] watchdog: BUG: soft lockup - CPU#0 stuck for 26s! [swapper/0:0]',
      '[  232.625100] watchdog: BUG: soft lockup - CPU#0 stuck for 78s! [swapper/0:0]',
    ]);
    expect(protocol.stuckL2).toBeNull();
    expect(protocol.nicProblem(placements[1]!, undefined)).toBe('NIC 2 (virtio, 0000:00:04.0) never reported (stage l2-boot; L2 QEMU still running; L1 soft lockup: CPU#0 stuck for 78 s in swapper/0:0)');
    protocol.line('[  260.732289] watchdog: BUG: soft lockup - CPU#1 stuck for 104s! [kthreadd:2]');
    expect(protocol.stuckL2).toEqual({ bdf: '0000:00:04.0', why: 'L1 wedged while it ran (soft lockup: CPU#1 stuck for 104 s in kthreadd:2)' });
    expect(progress).toContain('L2 VM for 0000:00:04.0 stuck: L1 wedged while it ran (soft lockup: CPU#1 stuck for 104 s in kthreadd:2)');
    protocol.restart();
    expect(protocol.softLockup).toBeNull();
  });

  it('declares the running L2 stuck when L1 falls silent for 120 s (its heartbeat comes every 20 s)', () => {
    const { protocol } = feed(['HSIO stage=l2-boot', 'HSIO l2 bdf=0000:00:03.0 state=start']);
    protocol.noteSilence(119);
    expect(protocol.stuckL2).toBeNull();
    protocol.noteSilence(121);
    expect(protocol.stuckL2).toEqual({ bdf: '0000:00:03.0', why: 'L1 froze while it ran (no console output for 121 s)' });
    // Between L2 VMs (none running) silence means nothing.
    const idle = feed(['HSIO stage=l2-boot', 'HSIO l2 bdf=0000:00:03.0 state=start', 'HSIO l2 bdf=0000:00:03.0 state=exit status=0']).protocol;
    idle.noteSilence(500);
    expect(idle.stuckL2).toBeNull();
  });

  it('counts NICs up for the workload line, quotes a failed workload, and notices a kernel panic', () => {
    const { protocol, progress } = feed([
      'HSIO nic idx=1 mac=52:54:00:12:00:01 if=eth0 bdf=0000:00:03.0',
      'HSIO nic idx=2 mac=52:54:00:12:00:02 if=eth1 bdf=0000:00:04.0',
      'HSIO stage=workload',
      'HSIO result idx=2 mac=52:54:00:12:00:02 if=eth1 bdf=0000:00:04.0 rx=10 tx=10 status=1',
      'HSIO wlog idx=2 wget: server returned error: HTTP/1.1 404 Not Found',
      '[   12.5] Kernel panic - not syncing: corrupted stack end detected inside scheduler',
    ]);
    expect(progress).toContain('2 of 4 NIC(s) up, workload http running');
    expect(protocol.nicProblem(placements[1]!, 20)).toBe('workload failed on NIC 2 (virtio, 0000:00:04.0), status 1: wget: server returned error: HTTP/1.1 404 Not Found');
    expect(protocol.kernelPanic).toBe('corrupted stack end detected inside scheduler');
    protocol.line('HSIO result idx=3 mac=52:54:00:12:00:03 if=eth0 bdf=0000:00:05.0 rx=834 tx=1610 status=');
    expect(protocol.nicProblem(placements[2]!, 2444)).toBe('workload failed on NIC 3 (e1000e, 0000:00:05.0), status 255'); // a cut line is no success
  });
});
