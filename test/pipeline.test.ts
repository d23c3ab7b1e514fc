/**
 * `hypersio pipeline`: bad input (no QEMU needed) is one line, exit 2, nothing written;
 * a real small pipeline under QEMU (2 NICs, 1 run) writes every stage's outputs, and a
 * second invocation skips every stage and rewrites nothing. The QEMU part is skipped with
 * a message when QEMU is absent, unless HYPERSIO_REQUIRE_QEMU=1 (CI), where it fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTool } from '../qemu/tools.js';
import { runPipeline } from '../orchestrator/pipeline.js';
import { InputError } from '../core/errors.js';
import type { CollectManifest } from '../core/manifest.js';
import { TRACE_FIELD } from '../core/trace-format.js';
import { expectOneLineInputError, runCli } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'hypersio-pipeline-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const qemuPresent = findTool('qemu-system-x86_64') !== null;
const requireQemu = process.env['HYPERSIO_REQUIRE_QEMU'] === '1';
if (!qemuPresent && !requireQemu) {
  console.warn('pipeline: real run skipped, qemu-system-x86_64 not found (bash .ci/install-qemu.sh installs it)');
}

const cli = (args: string[]) => runCli(['pipeline', ...args]);

/** Every file under dir, relative, with its modification time. */
function filesWithTimes(dir: string): Map<string, number> {
  const files = new Map<string, number>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), statSync(path).mtimeMs);
  }
  return files;
}

describe('hypersio pipeline: bad input', () => {
  it('more tenants than nics × runs: one line, exit 2, nothing written', () => {
    const outDir = join(work, 'too-many');
    const r = cli(['--nics', '2', '--runs', '1', '--workload', 'http', '--tenants', '3', '--out-dir', outDir]);
    expectOneLineInputError(r, /^hypersio: --tenants 3: more than the 2 tenant devices collected \(--nics 2 × --runs 1\); raise --runs to at least 2$/);
    expect(r.stdout).toBe('');
    expect(existsSync(outDir)).toBe(false);
  });

  it('collect flags are checked as collect checks them, before anything starts', () => {
    const outDir = join(work, 'bad-collect');
    const cases: Array<[string[], RegExp]> = [
      [['--nics', '2', '--workload', 'ftp', '--tenants', '1'], /--workload: unknown workload "ftp"/],
      [['--nics', '0', '--workload', 'http', '--tenants', '1'], /--nics: must be an integer from 1 to 64/],
      [['--workload', 'http', '--tenants', '1'], /--nics: required/],
      [['--nics', '2', '--workload', 'http', '--tenants', '1', '--nic-models', 'rtl8139'], /--nic-models: unknown NIC model "rtl8139"/],
      [['--nics', '2', '--workload', 'http', '--tenants', '1', '--mb', '1', '--duration', '5'], /--duration and --mb: give one, not both/],
    ];
    for (const [args, pattern] of cases) {
      const r = cli([...args, '--out-dir', outDir]);
      expectOneLineInputError(r, pattern);
    }
    expect(existsSync(outDir)).toBe(false);
  });

  it('pipeline flags: --tenants, --order, --burst, --tq, --iotlb-size', () => {
    const outDir = join(work, 'bad-flags');
    const base = ['--nics', '2', '--workload', 'http', '--out-dir', outDir];
    const cases: Array<[string[], RegExp]> = [
      [[], /--tenants: required/],
      [['--tenants', '0'], /--tenants 0: must be at least 1/],
      [['--tenants', '1', '--order', 'zigzag'], /--order zigzag: unknown order/],
      [['--tenants', '1', '--burst', '0'], /--burst 0: must be at least 1/],
      [['--tenants', '1', '--tq', 'x'], /--tq: expected an integer >= 1, got 'x'/],
      [['--tenants', '1', '--iotlb-size', '64', '-5'], /--iotlb-size: expected an integer/],
    ];
    for (const [args, pattern] of cases) {
      const r = cli([...base, ...args]);
      expectOneLineInputError(r, pattern);
    }
    expect(existsSync(outDir)).toBe(false);
  });

  it('the API throws InputError before creating anything', async () => {
    const outDir = join(work, 'api');
    await expect(runPipeline({ collect: { nics: 4, runs: 2, workload: 'rr' }, tenants: [4, 9], outDir })).rejects.toThrow(InputError);
    await expect(runPipeline({ collect: { nics: 4, runs: 2, workload: 'rr' }, tenants: [4, 9], outDir })).rejects.toThrow(/--tenants 9: more than the 8 tenant devices/);
    await expect(runPipeline({ collect: { nics: 2, workload: 'http' }, tenants: [1], axes: { cacheColour: [1] }, outDir })).rejects.toThrow(/sweep axis 'cacheColour': unknown/);
    expect(existsSync(outDir)).toBe(false);
  });
});

describe.skipIf(!qemuPresent && !requireQemu)('hypersio pipeline under QEMU', () => {
  const outDir = join(work, 'real');
  const args = ['--nics', '2', '--runs', '1', '--workload', 'http', '--mb', '0.5', '--nic-models', 'e1000,virtio', '--tenants', '1', '2', '--iotlb-size', '64', '256', '--out-dir', outDir];
  let first: ReturnType<typeof cli>;

  beforeAll(() => {
    expect(qemuPresent, 'qemu-system-x86_64 is required here (HYPERSIO_REQUIRE_QEMU=1): run bash .ci/install-qemu.sh').toBe(true);
    first = cli(args);
  }, 300_000);

  it('runs every stage and writes logs/, traces/ and results/', () => {
    expect(first.status, first.stderr).toBe(0);
    for (const stage of ['collect: 1 run(s) of 2 NIC(s)', 'trace-gen: 1 tenant(s)', 'trace-gen: 2 tenant(s)', 'sweep: 4 configuration(s)', 'charts: drawing']) {
      expect(first.stderr).toContain(`pipeline: ${stage}`);
    }
    expect(first.stderr).not.toMatch(/skipped/);

    const log = join(outDir, 'logs', 'hypersio_http_vm_2_log_0.txt.gz');
    expect(statSync(log).size).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(`${log}.json`, 'utf8')) as CollectManifest;
    expect(manifest.tenants.map((t) => t.model)).toEqual(['e1000', 'virtio']);

    for (const tenants of [1, 2]) {
      for (const suffix of ['iotlb_trace', 'cc_data', 'slpt_data']) {
        expect(existsSync(join(outDir, 'traces', `http_tnt_${tenants}_rr3_${suffix}.bin`)), `${tenants} tenants ${suffix}`).toBe(true);
      }
    }

    const records = readFileSync(join(outDir, 'results', 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { status: string; tenants: number; iotlbSize: number; linkUtilization: number });
    expect(records).toHaveLength(4);
    expect(records.every((r) => r.status === 'ok')).toBe(true);
    expect(new Set(records.map((r) => `${r.tenants}/${r.iotlbSize}`))).toEqual(new Set(['1/64', '1/256', '2/64', '2/256']));
    for (const r of records) expect(r.linkUtilization).toBeGreaterThan(0);
    const csvLines = readFileSync(join(outDir, 'results', 'results.csv'), 'utf8').trim().split('\n');
    expect(csvLines).toHaveLength(5);

    const charts = ['link-utilization-vs-tenants', 'iotlb-hit-rate-vs-tenants'].flatMap((n) => [`${n}.svg`, `${n}.png`]);
    for (const chart of charts) expect(statSync(join(outDir, 'results', chart)).size, chart).toBeGreaterThan(0);

    // Each trace's spread over the cache sets (the dma-api layout: one 2 MiB region, a warning).
    expect(first.stdout).toMatch(/^trace +.*_iotlb_trace\.bin\naddress spread over the default caches \(\d+ translations, 2 tenants\):$/m);
    expect(first.stdout).toMatch(/^warning: .* one 2 MiB region/m);
    // Ends by saying where the results and charts are.
    expect(first.stdout).toContain(`results  ${join(outDir, 'results', 'results.jsonl')}`);
    expect(first.stdout.trim().split('\n').at(-1)).toMatch(/^chart +.*\.png$/);

    // Nothing temporary or partial left behind.
    const leftovers = [...filesWithTimes(outDir).keys()].filter((f) => /\.tmp$|partial|console\.txt$/.test(f));
    expect(leftovers).toEqual([]);
  });

  it('a second invocation skips every stage and rewrites nothing', () => {
    expect(first.status, first.stderr).toBe(0);
    const before = filesWithTimes(outDir);
    const second = cli(args);
    expect(second.status, second.stderr).toBe(0);
    for (const stage of ['collect', 'trace-gen', 'sweep', 'charts']) expect(second.stderr).toMatch(new RegExp(`^pipeline: ${stage}: skipped`, 'm'));
    expect(second.stderr).toContain('every stage skipped');
    expect(filesWithTimes(outDir)).toEqual(before);
    expect(second.stdout).toContain(`results  ${join(outDir, 'results', 'results.jsonl')}`);
  });

  it('a changed trace makes the sweep and charts run again; other collect settings are refused', () => {
    expect(first.status, first.stderr).toBe(0);
    const trace = join(outDir, 'traces', 'http_tnt_2_rr3_iotlb_trace.bin');
    // A newer time alone is not a change: the trace's content identifies it.
    spawnSync('touch', ['-d', new Date(Date.now() + 2000).toISOString(), trace]);
    expect(cli(args).stderr).toMatch(/^pipeline: sweep: skipped/m);
    // A rebuilt trace of the same name with other content (a host frame bit of one
    // record, which the model does not read): its old results must not be reused.
    const bytes = readFileSync(trace);
    bytes[TRACE_FIELD.slpte + 4] = bytes[TRACE_FIELD.slpte + 4]! ^ 0x10;
    writeFileSync(trace, bytes);
    spawnSync('touch', ['-d', new Date(Date.now() + 4000).toISOString(), trace]);
    const again = cli(args);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/^pipeline: collect: skipped/m);
    expect(again.stderr).toMatch(/^pipeline: trace-gen: skipped/m);
    expect(again.stderr).toContain(`sweep: ${trace} changed since 2 result(s) of it were saved (its content differs); its configurations run again`);
    expect(again.stderr).toContain('pipeline: sweep: 4 configuration(s)');
    expect(again.stderr).toContain('pipeline: charts: drawing');

    const other = cli(args.map((a) => (a === '0.5' ? '1' : a)));
    expect(other.status, other.stderr).toBe(2);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr).toMatch(/collected with --mb 0\.5, not 1: remove .* or choose another --out-dir/);
  });
});
