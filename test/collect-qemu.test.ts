/**
 * Real collections under QEMU (TCG): a guest with NICs of different models, then the
 * trace constructor on its log; iperf3; a reduced nested-mode run (2 L2 VMs); a timeout
 * that must leave no QEMU, server, temporary file or half-written log behind (signals:
 * collect-signals.test.ts). Each test checks only the processes its own collector started.
 * Skipped with a message when QEMU is absent, unless HYPERSIO_REQUIRE_QEMU=1 (CI), where a
 * missing QEMU fails.
 */
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTool } from '../qemu/tools.js';
import { qemuPresent, requireQemu, stillRunning, trackDescendants } from './collect-helpers.js';
import { sidFromBdf } from '../qemu/layout.js';
import type { CollectManifest } from '../core/manifest.js';
import { analyzeTrace, buildTrace } from '../tracegen/index.js';
import { HYPERSIO_BIN, PROJECT_ROOT } from './helpers.js';

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
  /** The CLI, asynchronously (QEMU runs for seconds), with the collector's TMPDIR; `leftovers` after it ended: what it started and still runs. */
  const hypersio = async (args: string[]) => {
    const child = execa(process.execPath, [HYPERSIO_BIN, ...args], { cwd: PROJECT_ROOT, reject: false, env: env(), buffer: { stderr: true } });
    const tracked = trackDescendants(child);
    const result = await child;
    return Object.assign(result, { leftovers: stillRunning(tracked.seen()), started: tracked.seen() });
  };

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

  it('collects a 3-NIC log (e1000, e1000e, virtio) with page events for every NIC, and trace-gen finds 3 tenants', async () => {
    const out = join(work, 'http');
    const r = await hypersio(['collect', '--nics', '3', '--workload', 'http', '--nic-models', 'e1000,e1000e,virtio', '--mb', '1', '--out-dir', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^address spread over the default caches \(\d+ translations, 3 tenants\):$/m);
    expect(r.stdout).toMatch(/^warning: .* one 2 MiB region/m); // the dma-api layout: every IOVA just below 4 GiB
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
    expect(r.started.some((p) => p.args.includes('qemu-system-x86_64'))).toBe(true);
    expect(r.leftovers).toEqual([]);
  }, 240_000);

  it('iperf3 on 2 NICs (skipped without the host iperf3)', async (ctx) => {
    if (findTool('iperf3') === null) ctx.skip();
    const out = join(work, 'iperf3');
    const r = await hypersio(['collect', '--nics', '2', '--workload', 'iperf3', '--nic-models', 'virtio,e1000e', '--mb', '1', '--out-dir', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'hypersio_iperf3_vm_2_log_0.txt.gz.json'), 'utf8')) as CollectManifest;
    expect(manifest.tenants).toHaveLength(2);
    // The host servers send exactly the -R download (¾ MiB); interface counters may lag the upload.
    for (const t of manifest.tenants) expect(t.bytes).toBeGreaterThan(786432);
    expect(typeof manifest.params['hostServerCpuSeconds']).toBe('number');
    expect(r.leftovers).toEqual([]);
  }, 240_000);

  // Reduced nested mode: 2 L2 VMs (one at a time) under KVM-on-TCG, about a minute on 2 idle cores.
  it('nested mode: 2 L2 VMs with VFIO NICs give 2 MiB mappings in different regions per tenant', async () => {
    const out = join(work, 'nested');
    const r = await hypersio(['collect', '--mode', 'nested', '--nics', '2', '--workload', 'http', '--nic-models', 'e1000e,virtio', '--mb', '0.5', '--out-dir', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/L2 VM for 0000:00:04\.0 exited with status 0 \(2 of 2 done\)/);
    const logPath = join(out, 'hypersio_http_vm_2_log_0.txt.gz');
    const manifest = JSON.parse(readFileSync(`${logPath}.json`, 'utf8')) as CollectManifest;
    expect(manifest.params['mode']).toBe('nested');
    expect(manifest.params['l2ExitStatus']).toEqual({ '0000:00:03.0': 0, '0000:00:04.0': 0 });
    expect(manifest.tenants.map((t) => t.model)).toEqual(['e1000e', 'virtio']);
    const events = await eventsBySid(logPath);
    for (const t of manifest.tenants) expect(events.get(t.sid)?.pages).toBeGreaterThan(10);
    // IOVAs are L2 guest-physical addresses mapped by 2 MiB pages, in several 2 MiB regions per tenant.
    const trace = await buildTrace({ logDir: out, logPrefix: 'hypersio_http_vm_2_log', tenants: 2, order: 'rr', consec: 3, test: 'nested', outDir: join(work, 'nested-trace') });
    expect(trace.tenants).toBe(2);
    const { traceAddressSpread } = await import('../core/address-spread.js');
    const { baseConfig } = await import('../orchestrator/config.js');
    const spread = traceAddressSpread(readFileSync(trace.paths.iotlb), baseConfig());
    expect(spread.regions2MiB.perTenant.min).toBeGreaterThan(1);
    expect(Object.keys(analyzeTrace(trace.paths.iotlb).pageSizes)).toEqual(['2MiB']);
    expect(r.leftovers).toEqual([]);
  }, 900_000);

  it('a timeout stops QEMU, keeps only the console output and exits 1', async () => {
    const out = join(work, 'timeout');
    const r = await hypersio(['collect', '--nics', '2', '--workload', 'http', '--mb', '1', '--timeout', '3', '--out-dir', out]);
    expect(r.exitCode).toBe(1);
    const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('hypersio: '));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/timed out after 3 s/);
    expect(readdirSync(out)).toEqual(['hypersio_http_vm_2_log_0.console.txt']);
    expect(readdirSync(tmp)).toEqual([]);
    expect(r.leftovers).toEqual([]);
  }, 60_000);
});
