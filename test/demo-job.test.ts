/** `npm start` (hypersio demo-job): the default job, run for real into a temporary folder. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'hypersio-demo-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the default job', () => {
  it('sweeps synthetic and bundled-QEMU-log traces and ends with tables and charts', () => {
    const out = join(scratch, 'demo');
    const r = runCli(['demo-job', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Synthetic tenants/);
    expect(r.stdout).toMatch(/Real QEMU logs/);
    expect(r.stdout).toMatch(/demo-job: 80 configurations/);
    const synthetic = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n');
    const real = readFileSync(join(out, 'qemu-samples/results.jsonl'), 'utf8').trim().split('\n');
    expect(synthetic).toHaveLength(56);
    expect(real).toHaveLength(24);
    for (const line of [...synthetic, ...real]) expect(JSON.parse(line)).toMatchObject({ status: 'ok' });
    // Charts follow each sweep: 7 tenant counts on x; the samples (4 tenants each) have IOTLB sizes on x.
    for (const chart of ['link-utilization-vs-tenants.png', 'iotlb-hit-rate-vs-tenants.svg']) expect(existsSync(join(out, chart))).toBe(true);
    for (const chart of ['link-utilization-vs-iotlb-size.png', 'iotlb-hit-rate-vs-iotlb-size.svg']) expect(existsSync(join(out, 'qemu-samples', chart))).toBe(true);
  });
});
