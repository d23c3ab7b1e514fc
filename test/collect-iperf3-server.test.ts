/**
 * The collector's in-process iperf3 servers (qemu/iperf3-server.ts) against the real iperf3
 * client: upload, download (-R) by bytes and by time, parallel streams; bytes counted per
 * NIC; and as many servers as a 24-NIC run without Node warnings. Skipped without iperf3,
 * unless HYPERSIO_REQUIRE_QEMU=1 (CI installs it with QEMU).
 */
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIperf3Servers, type Iperf3Servers } from '../qemu/host-servers.js';
import { findTool } from '../qemu/tools.js';
import { requireQemu } from './collect-helpers.js';

const iperf3 = findTool('iperf3');

describe.skipIf(iperf3 === null && !requireQemu)('in-process iperf3 servers', () => {
  let servers: Iperf3Servers;
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => void warnings.push(w);

  beforeAll(async () => {
    expect(iperf3, 'iperf3 is required here (HYPERSIO_REQUIRE_QEMU=1): run bash .ci/install-qemu.sh').not.toBeNull();
    process.on('warning', onWarning);
    servers = await startIperf3Servers(24);
  });
  afterAll(async () => {
    await servers?.close();
    process.off('warning', onWarning);
  });

  /** The real client against NIC n's server. */
  const client = (nic: number, args: string[]) => execa(iperf3!, ['-c', '127.0.0.1', '-p', String(servers.basePort + nic - 1), ...args], { reject: false, timeout: 60_000 });

  it('serves uploads and -R downloads by bytes, counting each NIC apart', async () => {
    const [up, down] = await Promise.all([client(1, ['-n', '3M']), client(2, ['-R', '-n', '2M'])]);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/Reverse mode/);
    expect(down.stdout).toMatch(/2\.00 MBytes .* receiver/);
    const bytes = servers.bytesByNic;
    expect(bytes.get(1)).toBeGreaterThan(2 * 1048576); // what arrived before the client's TEST_END
    expect(bytes.get(2)).toBe(2 * 1048576); // exactly what -n asked
    expect(bytes.get(3)).toBe(0);
  }, 90_000);

  it('serves timed and parallel-stream tests, one after another on the same server', async () => {
    for (const args of [['-R', '-t', '1'], ['-P', '2', '-n', '1M'], ['-R', '-P', '2', '-n', '1M']]) {
      const r = await client(3, args);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/iperf Done\./);
    }
    expect(warnings.map((w) => w.name)).toEqual([]); // e.g. no MaxListenersExceededWarning with 24 servers
  }, 90_000);
});
