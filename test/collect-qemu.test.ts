/**
 * Real collections under QEMU (TCG): a guest with NICs of different models, then the
 * trace constructor on its log; a timeout and a Ctrl-C that must leave no QEMU, server,
 * temporary file or half-written log behind. Skipped with a message when QEMU is absent,
 * unless HYPERSIO_REQUIRE_QEMU=1 (CI), where a missing QEMU fails.
 */
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTool } from '../qemu/tools.js';
import { sidFromBdf } from '../qemu/layout.js';
import type { CollectManifest } from '../core/manifest.js';
import { buildTrace } from '../tracegen/build.js';
import { HYPERSIO_BIN, PROJECT_ROOT } from './helpers.js';

const qemuPresent = findTool('qemu-system-x86_64') !== null;
const requireQemu = process.env['HYPERSIO_REQUIRE_QEMU'] === '1';
if (!qemuPresent && !requireQemu) {
  console.warn('collect-qemu: skipped, qemu-system-x86_64 not found (bash .ci/install-qemu.sh installs it)');
}

/** Page events and dmar translations per sid in a gzipped log. */
async function eventsBySid(logPath: string): Promise<Map<number, { pages: number; dmar: number }>> {
  const bySid = new Map<number, { pages: number; dmar: number }>();
  const lines = createInterface({ input: createReadStream(logPath).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    const page = /vtd_iotlb_page_(?:hit|update) .*\bsid 0x([0-9a-f]+) /.exec(line);
    const dmar = /vtd_dmar_translate dev ([0-9a-f]{2}):([0-9a-f]{2})\.([0-9a-f]{2}) /.exec(line);
    let sid: number | null = null;
    if (page) sid = parseInt(page[1] ?? '', 16);
    else if (dmar) sid = (parseInt(dmar[1] ?? '', 16) << 8) | (parseInt(dmar[2] ?? '', 16) << 3) | parseInt(dmar[3] ?? '', 16);
    if (sid === null) continue;
    const entry = bySid.get(sid) ?? { pages: 0, dmar: 0 };
    if (page) entry.pages++;
    else entry.dmar++;
    bySid.set(sid, entry);
  }
  return bySid;
}

describe.skipIf(!qemuPresent && !requireQemu)('hypersio collect under QEMU', () => {
  let work: string;
  let tmp: string; // TMPDIR of the collector: its temporary files must all be gone after each run
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, TMPDIR: tmp });
  /** The CLI, asynchronously (QEMU runs for seconds), with the collector's TMPDIR. */
  const hypersio = (args: string[]) => execa(process.execPath, [HYPERSIO_BIN, ...args], { cwd: PROJECT_ROOT, reject: false, env: env(), buffer: { stderr: true } });

  beforeAll(async () => {
    expect(qemuPresent, 'qemu-system-x86_64 is required here (HYPERSIO_REQUIRE_QEMU=1): run bash .ci/install-qemu.sh').toBe(true);
    work = mkdtempSync(join(tmpdir(), 'hypersio-collect-qemu-'));
    tmp = join(work, 'tmp');
    await execa('mkdir', ['-p', tmp]);
    // Build (or reuse) the guest once, outside the timed runs.
    const built = await hypersio(['guest', 'build']);
    expect(built.exitCode, built.stderr).toBe(0);
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** QEMU processes still running from this test file (their -D log lives under our TMPDIR). */
  async function leftoverProcesses(): Promise<string[]> {
    const ps = await execa('ps', ['-eo', 'pid,args'], { reject: false });
    return ps.stdout.split('\n').filter((l) => l.includes(tmp) && !l.includes('ps -eo'));
  }

  it('collects a 3-NIC log (e1000, e1000e, virtio) with page events for every NIC, and trace-gen finds 3 tenants', async () => {
    const out = join(work, 'http');
    const started = Date.now();
    const r = await hypersio(['collect', '--nics', '3', '--workload', 'http', '--nic-models', 'e1000,e1000e,virtio', '--mb', '1', '--out-dir', out]);
    const seconds = (Date.now() - started) / 1000;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(seconds).toBeLessThan(60);
    const logPath = join(out, 'hypersio_http_vm_3_log_0.txt.gz');
    expect(readdirSync(out).sort()).toEqual(['hypersio_http_vm_3_log_0.txt.gz', 'hypersio_http_vm_3_log_0.txt.gz.json']);

    const manifest = JSON.parse(readFileSync(`${logPath}.json`, 'utf8')) as CollectManifest;
    expect(Object.keys(manifest).sort()).toEqual(['kernelVersion', 'params', 'qemuVersion', 'tenants', 'wallSeconds', 'workload']);
    expect(manifest.workload).toBe('http');
    expect(manifest.tenants.map((t) => t.model)).toEqual(['e1000', 'e1000e', 'virtio']);
    expect(manifest.qemuVersion).toMatch(/^\d+\.\d+/);
    expect(manifest.kernelVersion).toMatch(/^6\./);
    const events = await eventsBySid(logPath);
    for (const t of manifest.tenants) {
      expect(Object.keys(t).sort()).toEqual(['bytes', 'domain', 'mac', 'model', 'sid', 'slot']);
      expect(t.bytes).toBeGreaterThan(1048576);
      expect(t.domain).not.toBeNull();
      expect(t.sid).toBe(t.slot << 3);
      const seen = events.get(t.sid);
      expect(seen?.pages, `page events of sid 0x${t.sid.toString(16)}`).toBeGreaterThan(100);
      expect(seen?.dmar).toBeGreaterThan(100);
    }
    expect(new Set(manifest.tenants.map((t) => t.domain)).size).toBe(3);
    expect(new Set(manifest.tenants.map((t) => t.mac)).size).toBe(3);
    expect(sidFromBdf('0000:00:03.0')?.sid).toBe(manifest.tenants[0]?.sid);

    // The trace constructor picks the tenants from the manifest (no --first-slot needed).
    const trace = await buildTrace({ logDir: out, logPrefix: 'hypersio_http_vm_3_log', tenants: 3, order: 'rr', consec: 3, test: 'qemu', outDir: join(work, 'trace') });
    expect(trace.tenants).toBe(3);
    expect(trace.translations).toBeGreaterThan(1000);
    expect(readdirSync(tmp)).toEqual([]);
    expect(await leftoverProcesses()).toEqual([]);
  }, 240_000);

  it('iperf3 on 2 NICs (skipped without the host iperf3)', async (ctx) => {
    if (findTool('iperf3') === null) ctx.skip();
    const out = join(work, 'iperf3');
    const r = await hypersio(['collect', '--nics', '2', '--workload', 'iperf3', '--nic-models', 'virtio,e1000e', '--mb', '1', '--out-dir', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'hypersio_iperf3_vm_2_log_0.txt.gz.json'), 'utf8')) as CollectManifest;
    expect(manifest.tenants).toHaveLength(2);
    for (const t of manifest.tenants) expect(t.bytes).toBeGreaterThan(1048576);
    expect(await leftoverProcesses()).toEqual([]);
    const iperfServers = (await execa('ps', ['-eo', 'args'], { reject: false })).stdout.split('\n').filter((l) => /^iperf3 -s -B 127\.0\.0\.1/.test(l) || l.includes('bin/iperf3 -s -B 127.0.0.1'));
    expect(iperfServers).toEqual([]);
  }, 240_000);

  // Nested mode boots one L2 VM per NIC under KVM-on-TCG: minutes on 2 cores, so opt-in.
  it.skipIf(process.env['HYPERSIO_TEST_NESTED'] !== '1')('nested mode: 2 L2 VMs with VFIO NICs give 2 MiB mappings (HYPERSIO_TEST_NESTED=1)', async () => {
    const out = join(work, 'nested');
    const r = await hypersio(['collect', '--mode', 'nested', '--nics', '2', '--workload', 'http', '--nic-models', 'e1000e,virtio', '--mb', '1', '--out-dir', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const logPath = join(out, 'hypersio_http_vm_2_log_0.txt.gz');
    const manifest = JSON.parse(readFileSync(`${logPath}.json`, 'utf8')) as CollectManifest;
    expect(manifest.params['mode']).toBe('nested');
    expect(manifest.tenants.map((t) => t.model)).toEqual(['e1000e', 'virtio']);
    const events = await eventsBySid(logPath);
    for (const t of manifest.tenants) expect(events.get(t.sid)?.pages).toBeGreaterThan(10);
    expect(await leftoverProcesses()).toEqual([]);
  }, 600_000);

  it('a timeout stops QEMU, keeps only the console output and exits 1', async () => {
    const out = join(work, 'timeout');
    const r = await hypersio(['collect', '--nics', '2', '--workload', 'http', '--mb', '1', '--timeout', '3', '--out-dir', out]);
    expect(r.exitCode).toBe(1);
    const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('hypersio: '));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/timed out after 3 s/);
    expect(readdirSync(out)).toEqual(['hypersio_http_vm_2_log_0.console.txt']);
    expect(readdirSync(tmp)).toEqual([]);
    expect(await leftoverProcesses()).toEqual([]);
  }, 60_000);

  it('Ctrl-C (SIGINT) stops QEMU and the servers, removes partial files, exits 130', async () => {
    const out = join(work, 'sigint');
    const child = hypersio(['collect', '--nics', '2', '--workload', 'rr', '--out-dir', out]);
    // Interrupt once QEMU is running.
    await new Promise<void>((resolveBooting) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('booting')) resolveBooting();
      });
    });
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(130);
    expect(String(r.stderr)).toMatch(/hypersio: collect: interrupted by SIGINT/);
    expect(existsSync(join(out, 'hypersio_rr_vm_2_log_0.txt.gz'))).toBe(false);
    expect(readdirSync(out).filter((f) => !f.endsWith('.console.txt'))).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    expect(await leftoverProcesses()).toEqual([]);
  }, 60_000);
});
