/** `npm start` (hypersio demo-job): the default job, run for real into a temporary folder. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HYPERSIO_BIN } from './helpers.js';

describe('the default job', () => {
  it('sweeps synthetic and bundled-QEMU-log traces and ends with tables and charts', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'hypersio-demo-')), 'demo');
    const r = spawnSync(process.execPath, [HYPERSIO_BIN, 'demo-job', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Synthetic tenants/);
    expect(r.stdout).toMatch(/Real QEMU logs/);
    expect(r.stdout).toMatch(/demo-job: 80 configurations/);
    const synthetic = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n');
    const real = readFileSync(join(out, 'qemu-samples/results.jsonl'), 'utf8').trim().split('\n');
    expect(synthetic).toHaveLength(56);
    expect(real).toHaveLength(24);
    for (const line of [...synthetic, ...real]) expect(JSON.parse(line)).toMatchObject({ status: 'ok' });
    for (const chart of ['link-utilization-vs-tenants.png', 'iotlb-hit-rate-vs-size.svg']) {
      expect(existsSync(join(out, chart))).toBe(true);
      expect(existsSync(join(out, 'qemu-samples', chart))).toBe(true);
    }
  });
});
