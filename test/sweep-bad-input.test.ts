import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError } from './helpers.js';
import { hypersio, sweepApi, tempDir, TRACE_3, TRACE_8 } from './sweep-helpers.js';

describe('bad sweep input: one-line error, exit 2', () => {
  const dir = tempDir('sweep-bad');
  afterAll(() => dir.cleanup());
  const out = join(dir.path, 'out');

  const cases: Array<[string, string[], RegExp]> = [
    ['unknown policy', ['--trace', TRACE_3, '--iotlb-policy', 'lru', 'fifo'], /--iotlb-policy: unknown policy 'fifo'/],
    ['unknown queue', ['--trace', TRACE_3, '--queue', 'sideways'], /--queue: unknown value 'sideways'/],
    ['non-integer tq', ['--trace', TRACE_3, '--tq', '1', 'x'], /--tq: expected an integer/],
    ['bad shard', ['--trace', TRACE_3, '--shard', '2/2'], /--shard: expected i\/n/],
    ['malformed shard', ['--trace', TRACE_3, '--shard', 'half'], /--shard/],
    ['missing trace', ['--trace', join(dir.path, 'nope_iotlb_trace.bin')], /nope_iotlb_trace\.bin: no such trace file/],
    ['no trace at all', ['--tq', '1'], /--trace: required/],
    ['missing benchmark trace', ['--benchmark', 'iperf3', '--tenants', '4', '--tenantorder', 'rr', '--tenantburstpkt', '1', '--trace-dir', dir.path], /iperf3_tnt_4_rr3_iotlb_trace\.bin: no such trace file/],
    ['missing config file', ['--trace', TRACE_3, '--config', join(dir.path, 'none.cfg')], /--config: .*none\.cfg: no such config file/],
    ['unknown flag', ['--trace', TRACE_3, '--iotlb-colour', 'red'], /unknown option '--iotlb-colour'/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const run = await hypersio(['sweep', ...args, '--out', out]);
      expectOneLineInputError({ status: run.exitCode, stderr: run.stderr }, message);
      expect(run.stdout).toBe('');
    });
  }

  it('a sweep file is validated against the schema', async () => {
    const file = join(dir.path, 'bad.json');
    writeFileSync(file, JSON.stringify({ traces: [TRACE_3], iotlbSize: [16], colour: 'red' }));
    const run = await hypersio(['sweep', '--sweep', file, '--out', out]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toMatch(/^hypersio: .*bad\.json: top level: unknown key 'colour' \(see hypersio sweep --schema\)$/);
    writeFileSync(file, JSON.stringify({ traces: [TRACE_3], tq: [1, 'many'] }));
    const typed = await hypersio(['sweep', '--sweep', file, '--out', out]);
    expect(typed.exitCode).toBe(2);
    expect(typed.stderr.trim()).toMatch(/^hypersio: .*bad\.json: tq/);
  });

  it('the original hypersio-perf-explore flags resolve benchmark traces', () => {
    const traceDir = join(dir.path, 'hypersio_traces');
    mkdirSync(traceDir, { recursive: true });
    // Names only matter for resolution; the golden traces stand in for the benchmark's.
    writeFileSync(join(traceDir, 'syn_tnt_8_rr3_iotlb_trace.bin'), new Uint8Array(48 * 3));
    const spec = sweepApi.sweepSpecFromInput({ benchmark: ['syn'], tenants: [8], tenantOrder: ['rr'], tenantBurstPkt: [1], traceDir, iotlbSize: ['16', '64'], linkGbps: [200] });
    const traces = sweepApi.resolveTraces(spec);
    expect(traces).toEqual([join(traceDir, 'syn_tnt_8_rr3_iotlb_trace.bin')]);
    expect(sweepApi.expandGrid(spec, traces)).toHaveLength(2);
    expect(TRACE_8).toMatch(/syn_tnt_8_rr3/);
  });
});
