/**
 * The reference's workload shape: 1024 tenants from logs of 24 devices, so tenants of
 * consecutive logs share sids (688 distinct), and the context cache, keyed by sid alone,
 * holds one entry per sid. With one sid per tenant it holds one per tenant.
 */
import { describe, expect, it } from 'vitest';
import { synthesizeTraceBuffers } from '../tracegen/synth.js';
import { config, simulateBytes } from './model-harness.js';

const trace = (devicesPerLog: number) =>
  synthesizeTraceBuffers({ tenants: 1024, packets: 4, devicesPerLog, outDir: '/nonexistent' }).trace;

describe('context cache at the reference workload shape (1024 tenants)', () => {
  it('24 devices per log: 688 misses and 688 domains, one per sid', async () => {
    const r = await simulateBytes(trace(24));
    expect(r.translations).toBe(1024 * 4 * 3);
    expect(r.caches.CC.miss).toBe(688);
    expect(r.caches.CC.domains).toBe(688);
    expect(r.caches.CC.hit).toBe(1024 * 4 * 3 - 688);
    expect(Object.keys(r.flows)).toHaveLength(1024); // flows stay per tenant (did)
  });

  it('one sid per tenant: 1024 misses and 1024 domains', async () => {
    const r = await simulateBytes(trace(0));
    expect(r.caches.CC.miss).toBe(1024);
    expect(r.caches.CC.domains).toBe(1024);
  });

  it('a context cache smaller than the sids evicts by sid (conflicts = misses - entries)', async () => {
    const small = config((c) => (c.cc = { size: 512, assoc: 512, groups: 1 }));
    const r = await simulateBytes(trace(24), small);
    expect(r.caches.CC.conflict).toBe(r.caches.CC.miss - 512);
    expect(r.caches.CC.miss).toBeGreaterThan(688);
  });
});
