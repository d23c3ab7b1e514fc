/**
 * Nested mode survives an L2 VM stuck in L1's kernel: the L1 watcher reports it, the
 * collector kills that L1, boots a new one for the NICs without a result, and appends the
 * new boot's trace log to the first one's. The stuck L2 is injected (the first L2 is
 * declared stuck after a few seconds, as L1's watcher does when SIGKILL cannot reach a
 * real one); everything else runs for real under QEMU. Skipped without QEMU unless
 * HYPERSIO_REQUIRE_QEMU=1 (CI).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collect } from '../qemu/collect.js';
import type { CollectManifest } from '../core/manifest.js';
import { descendantsOf, qemuPresent, requireQemu } from './collect-helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'hypersio-collect-nested-restart-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!qemuPresent && !requireQemu)('nested mode, an L2 VM stuck in L1', () => {
  it('restarts L1 for the NICs left and still gives every tenant its events', async () => {
    const progress: string[] = [];
    const [run] = await collect({
      mode: 'nested',
      nics: 2,
      workload: 'http',
      nicModels: ['e1000e', 'virtio'],
      mb: 0.25,
      outDir: join(scratch, 'out'),
      injectStuckL2AfterSeconds: 5,
      handleSignals: false,
      progress: (line) => progress.push(line),
    });
    const text = progress.join('\n');
    expect(text).toMatch(/L2 VM for 0000:00:03\.0 stuck: its QEMU could not be killed/);
    expect(text).toMatch(/restarting L1 for the 2 NIC\(s\) without a result \(restart 1 of at most 2\)/);
    const manifest = JSON.parse(readFileSync(run!.manifestPath, 'utf8')) as CollectManifest;
    expect(manifest.params['l1RestartsFor']).toEqual(['0000:00:03.0']);
    expect(manifest.params['l2ExitStatus']).toEqual({ '0000:00:03.0': 0, '0000:00:04.0': 0 });
    expect(manifest.tenants.map((t) => t.model)).toEqual(['e1000e', 'virtio']);
    for (const t of manifest.tenants) expect(t.bytes).toBeGreaterThan(100_000);
    // The log and manifest, and the console that shows the restart.
    expect(readdirSync(join(scratch, 'out')).sort()).toEqual(['hypersio_http_vm_2_log_0.console.txt', 'hypersio_http_vm_2_log_0.txt.gz', 'hypersio_http_vm_2_log_0.txt.gz.json']);
    const console = readFileSync(join(scratch, 'out', 'hypersio_http_vm_2_log_0.console.txt'), 'utf8');
    expect(console).toMatch(/HSIO l2 bdf=0000:00:03\.0 state=stuck/);
    // L0's interrupt state, taken from the first L1's QEMU monitor before it was killed.
    expect(console).toMatch(/# L0 QEMU monitor, info irq, info pic, .*\n[\s\S]*ioapic/);
    // Both L1 QEMUs are gone.
    expect(descendantsOf(process.pid).filter((p) => p.args.includes('qemu-system'))).toEqual([]);
  }, 900_000);
});
