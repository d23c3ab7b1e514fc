/**
 * explain's limiter names the bound that holds the link back, from the run's own
 * figures: the translation window at tq 1, the arrival rate once the window is wide.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { baseConfig } from '../orchestrator/config.js';
import { findLimiter } from '../orchestrator/explain/limiter.js';
import { explainJson, tempDir, TRACE_8 } from './explain-helpers.js';

describe('explain: the limiter', () => {
  const dir = tempDir('explain-limiter');
  afterAll(() => dir.cleanup());

  it('by hand: tq 1 holds 3 translations; at 1,950 ns they carry 3 × 4,112 bits / 1,950 ns = 6.33 Gb/s, below the 202.2 Gb/s offered', () => {
    const limiter = findLimiter(baseConfig(), { meanLatencyNs: 1950, mbps: 6000, packetsDropped: 100 });
    expect(limiter).toMatchObject({ id: 'window', windowTranslations: 3, interArrivalNs: 61 });
    expect(limiter.windowGbps).toBeCloseTo((3 * 1542 * 8) / 3 / 1950, 10);
    expect(limiter.arrivalGbps).toBeCloseTo(12336 / 61, 10);
    expect(limiter.sentence).toBe('the window binds: tq 1 admits one packet at a time (3 translations in flight); mean translation latency 1,950 ns → at most 6.33 Gb/s, against 202.2 Gb/s offered (achieved 6.00 Gb/s)');
  });

  it('by hand: tq 64 holds up to 66 translations; at 500 ns they carry 542.8 Gb/s, so the arrival rate binds', () => {
    const config = { ...baseConfig(), tq: 64 };
    const limiter = findLimiter(config, { meanLatencyNs: 500, mbps: 202_000, packetsDropped: 0 });
    expect(limiter).toMatchObject({ id: 'arrival', windowTranslations: 66 });
    expect(limiter.sentence).toMatch(/^the arrival rate binds: a packet every 61 ns offers 202\.2 Gb\/s, and the window keeps up: 66 translations in flight \(tq 64\) at a mean translation latency of 500 ns carry up to 542\.8 Gb\/s/);
  });

  it('on a trace at tq 1: the window, with the run’s own mean latency and the bound above what was achieved', async () => {
    const { json } = await explainJson(['--trace', TRACE_8, '--out-dir', dir.path, '--no-what-if', '--no-charts']);
    expect(json.limiter.id).toBe('window');
    expect(json.limiter.meanLatencyNs).toBe(json.latency.meanNs);
    expect(json.limiter.windowGbps).toBeLessThan(json.limiter.arrivalGbps);
    expect(json.limiter.achievedGbps).toBeLessThanOrEqual(json.limiter.windowGbps);
    expect(json.limiter.sentence).toMatch(/^the window binds: tq 1 admits one packet at a time/);
  });

  it('on the same trace at tq 64: the arrival rate, the link nearly full', async () => {
    const { json } = await explainJson(['--trace', TRACE_8, '--out-dir', dir.path, '--tq', '64', '--no-what-if', '--no-charts']);
    expect(json.limiter.id).toBe('arrival');
    expect(json.limiter.windowGbps).toBeGreaterThan(json.limiter.arrivalGbps);
    expect(json.base.linkUtilization).toBeGreaterThan(0.95);
    expect(json.limiter.sentence).toMatch(/^the arrival rate binds: a packet every 61 ns offers 202\.2 Gb\/s/);
  });
});
