/** `hypersio run`: output, the original tool's flag names, and one-line errors on bad input. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError, GOLDEN_DIR, runCli } from './helpers.js';
import { accesses, traceBytes } from './model-harness.js';

const trace = resolve(GOLDEN_DIR, 'traces/syn_tnt_3_rr3_iotlb_trace.bin');
const scratch = mkdtempSync(join(tmpdir(), 'hypersio-run-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const hypersio = (...args: string[]) => runCli(args);

function writeScratch(name: string, content: string | Uint8Array): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

const goodConfig = readBase();
function readBase(): string {
  return `CC\nsize:1536\nassoc:1536\ngroups:1\nhistlen:0\nIOTLB\nsize:64\nassoc:8\ngroups:1\nhistlen:0\nL2PAGE\nsize:512\nassoc:16\ngroups:1\nhistlen:0\nL3PAGE\nsize:1024\nassoc:16\ngroups:1\nhistlen:0\nPREFETCH\nsize:0\nassoc:32\ngroups:0\nhistlen:2\n`;
}

describe('hypersio run', () => {
  it('prints a readable report', () => {
    const r = hypersio('run', '--trace', trace);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/link utilization\s+12\.11 % of 200 Gb\/s\s+\(24,210 Mb\/s\)/);
    expect(r.stdout).toMatch(/^IOTLB\s+/m);
    expect(r.stdout).toMatch(/slowest flows/);
  });

  it('--json prints one object with the reference statistics', () => {
    const r = hypersio('run', '--trace', trace, '--config', resolve(GOLDEN_DIR, 'configs/tq8.cfg'), '--tq', '8', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const key of ['simTimeNs', 'translations', 'packetsDropped', 'mbps', 'flows', 'caches', 'prefetcher']) expect(out).toHaveProperty(key);
    expect(out['simTimeNs']).toBe(686348);
    expect(out['mbps']).toBe(102753);
  });

  it("accepts the original tool's flag names", () => {
    const modern = JSON.parse(hypersio('run', '--trace', trace, '--tq', '2', '--in-order', '--iotlb-policy', 'oracle', '--link-gbps', '100', '--json').stdout);
    const legacy = JSON.parse(hypersio('run', '--trace', trace, '--tqueue', '2', '--inorder', '--iotlbrepl', 'oracle', '--linkbwgbps', '100', '--json').stdout);
    expect(legacy).toEqual(modern);
    expect(modern.config).toMatchObject({ tq: 2, outOfOrder: false, iotlbPolicy: 'oracle', linkGbps: 100 });
  });
});

describe('bad input: one line naming the file or flag, exit status 2, nothing on stdout', () => {
  const badRecord = (patch: (view: DataView) => void) => {
    const bytes = traceBytes(accesses(0, 0x1000n, 1, 6));
    patch(new DataView(bytes.buffer));
    return bytes;
  };
  const cases: [string, () => string[], RegExp][] = [
    ['missing --trace', () => ['run'], /--trace: required/],
    ['missing trace file', () => ['run', '--trace', join(scratch, 'nope_iotlb_trace.bin')], /nope_iotlb_trace\.bin: no such trace file/],
    ['trace is a directory', () => ['run', '--trace', scratch], /not a regular file/],
    ['size not a multiple of 48', () => ['run', '--trace', writeScratch('short_iotlb_trace.bin', new Uint8Array(100))], /trace size 100 is not a multiple of 48/],
    ['empty trace', () => ['run', '--trace', writeScratch('empty_iotlb_trace.bin', new Uint8Array(0))], /trace is empty/],
    ['record type other than 1', () => ['run', '--trace', writeScratch('type_iotlb_trace.bin', badRecord((v) => v.setInt32(4 * 48, 2, true)))], /record 4 has record type 2, not 1/],
    ['page level 4', () => ['run', '--trace', writeScratch('level_iotlb_trace.bin', badRecord((v) => v.setBigUint64(2 * 48 + 24, 4n, true)))], /record 2 has page level 4, not 1, 2 or 3/],
    ['page level 0', () => ['run', '--trace', writeScratch('level0_iotlb_trace.bin', badRecord((v) => v.setBigUint64(24, 0n, true)))], /record 0 has page level 0, not 1, 2 or 3/],
    ['missing config', () => ['run', '--trace', trace, '--config', join(scratch, 'none.cfg')], /none\.cfg: cannot read config file/],
    ['unknown section', () => ['run', '--trace', trace, '--config', writeScratch('s.cfg', 'L4PAGE\nsize:1\n')], /s\.cfg:1: unknown section 'L4PAGE'/],
    ['unknown key', () => ['run', '--trace', trace, '--config', writeScratch('k.cfg', 'IOTLB\nways:8\n')], /k\.cfg:2: unknown key 'ways' in section IOTLB/],
    ['non-numeric value', () => ['run', '--trace', trace, '--config', writeScratch('n.cfg', 'IOTLB\nsize:lots\n')], /n\.cfg:2: IOTLB size is not a non-negative integer: 'lots'/],
    ['size not divisible by assoc', () => ['run', '--trace', trace, '--config', writeScratch('d.cfg', 'IOTLB\nsize:60\nassoc:8\n')], /d\.cfg:1: IOTLB size 60 is not divisible by assoc 8/],
    ['sets not a power of two', () => ['run', '--trace', trace, '--config', writeScratch('p.cfg', 'IOTLB\nsize:48\nassoc:8\n')], /p\.cfg:1: IOTLB has 6 sets/],
    ['groups not a power of two', () => ['run', '--trace', trace, '--config', writeScratch('g.cfg', 'L2PAGE\ngroups:3\n')], /g\.cfg:1: L2PAGE groups 3 is not a power of two/],
    ['groups not dividing sets', () => ['run', '--trace', trace, '--config', writeScratch('gd.cfg', 'IOTLB\ngroups:16\n')], /gd\.cfg:1: IOTLB groups 16 do not divide its 8 sets/],
    ['prefetch history length 0', () => ['run', '--trace', trace, '--config', writeScratch('h.cfg', 'PREFETCH\nhistlen:0\n')], /h\.cfg:2: PREFETCH histlen \(history length\) must be/],
    ['prefetch distance 0', () => ['run', '--trace', trace, '--config', writeScratch('pd.cfg', 'PREFETCH\nassoc:0\n')], /pd\.cfg:2: PREFETCH assoc \(prediction distance\) must be/],
    ['tq 0', () => ['run', '--trace', trace, '--tq', '0'], /--tq: expected an integer >= 1, got '0'/],
    ['link 0', () => ['run', '--trace', trace, '--link-gbps', '0'], /--link-gbps: expected a positive decimal number, got '0'/],
    ['link too fast for 1 ns slots', () => ['run', '--trace', trace, '--link-gbps', '20000'], /--link-gbps: must be a number from 1 to 12336/],
    ['unknown policy', () => ['run', '--trace', trace, '--iotlb-policy', 'mru'], /--iotlb-policy: unknown policy 'mru'/],
    ['unknown flag', () => ['run', '--trace', trace, '--turbo'], /unknown option '--turbo'/],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const r = hypersio(...args());
      expectOneLineInputError(r, message);
      expect(r.stdout).toBe('');
    });
  }

  it('a valid config file in the reference format is accepted', () => {
    expect(hypersio('run', '--trace', trace, '--config', writeScratch('ok.cfg', goodConfig), '--json').status).toBe(0);
  });
});
