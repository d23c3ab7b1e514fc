/**
 * What a newcomer meets first: a bare `hypersio` prints the help (stdout, exit 0); help
 * marks required flags and states synth's tenant limit; one name per concept across
 * commands, old spellings still accepted; a report that shows only what exists, with Mb/s
 * that tell small flows apart; log-prefix errors that point at --first-slot.
 */
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import { PROJECT_ROOT } from './helpers.js';
import { tempDir, TRACE_8 } from './sweep-helpers.js';

const dir = tempDir('newcomer');
afterAll(() => dir.cleanup());

describe('newcomer path', () => {
  it('a bare hypersio prints the help on stdout and exits 0, like --help', () => {
    const bare = runCli([]);
    expect(bare.status).toBe(0);
    expect(bare.stderr).toBe('');
    expect(bare.stdout).toMatch(/^Usage: hypersio /);
    expect(bare.stdout).toBe(runCli(['--help']).stdout);
  });

  it('help marks required flags and states the synthetic tenant limit', () => {
    // Help is wrapped to 80 columns: compare with whitespace collapsed.
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    const synth = flat(runCli(['synth', '--help']).stdout);
    expect(synth).toMatch(/--tenants <N> number of tenants \(required\): 16-bit sids allow at most [\d,]+ with --max-dev-per-log 24, 65,279 with 0/);
    expect(synth).toMatch(/--packets <P> .*\(required\)/);
    const traceGen = flat(runCli(['trace-gen', '--help']).stdout);
    for (const flag of ['--log-prefix', '--tenants', '--order', '--test']) expect(traceGen).toMatch(new RegExp(`${flag} <[^>]+> .*\\(required\\)`));
    expect(traceGen).toContain('_log_0.txt.gz');
    expect(runCli(['synth', '--tenants', '65280', '--packets', '1', '--max-dev-per-log', '0']).stderr).toMatch(/--tenants 65280: must be an integer between 1 and 65279/);
  });

  it('--out-dir everywhere, --out still accepted; sweep --order/--burst and the old --tenantorder/--tenantburstpkt', () => {
    const traces = join(dir.path, 'traces');
    expect(runCli(['synth', '--tenants', '4', '--packets', '8', '--out', traces]).status).toBe(0);
    expect(readdirSync(traces)).toContain('synth_tnt_4_rr3_iotlb_trace.bin');
    for (const [order, burst] of [['--order', '--burst'], ['--tenantorder', '--tenantburstpkt']]) {
      const out = join(dir.path, `sweep${order}`);
      const r = runCli(['sweep', '--benchmark', 'synth', '--tenants', '4', order!, 'rr', burst!, '1', '--trace-dir', traces, '--out-dir', out, '--no-charts']);
      expect(r.status, r.stderr).toBe(0);
    }
    for (const command of ['sweep', 'merge', 'plot', 'synth', 'trace-gen', 'demo-job']) {
      expect(runCli([command, '--help']).stdout, command).toMatch(/--out-dir <\w+>/);
    }
    expect(runCli(['sweep', '--help']).stdout).toMatch(/--order <rr\|rand\.\.\.>/);
  });

  it('sweep --benchmark looks in build/traces by default, where synth writes', () => {
    const cwd = join(dir.path, 'project');
    mkdirSync(cwd);
    const synth = runCli(['synth', '--tenants', '4', '--packets', '8'], { cwd });
    expect(synth.status, synth.stderr).toBe(0);
    expect(synth.stdout).toContain('wrote build/traces/synth_tnt_4_rr3_iotlb_trace.bin');
    const sweep = runCli(['sweep', '--benchmark', 'synth', '--tenants', '4', '--no-charts'], { cwd });
    expect(sweep.status, sweep.stderr).toBe(0);
  });

  it('the report shows no prefetch-buffer figures without a buffer, and Mb/s to a useful precision', () => {
    const report = runCli(['run', '--trace', TRACE_8, '--link-gbps', '1']).stdout;
    expect(report).toMatch(/prefetcher .*; no prefetch buffer/);
    expect(report).not.toMatch(/buffer \d+ hits/);
    // 8 tenants sharing 1 Gb/s: about 125 Mb/s each, shown with a decimal, not as an integer.
    expect(report).toMatch(/slowest flows +did \d+ \d{3}\.\d Mb\/s/);
  });

  it('a log without manifest whose devices are not at --first-slot: the warning says so', () => {
    const logs = join(dir.path, 'logs');
    mkdirSync(logs);
    // The collector's own log, without its manifest: its devices sit at slots 3…10.
    cpSync(join(PROJECT_ROOT, 'samples/qemu/hypersio_rr_vm_8_log_0.txt.gz'), join(logs, 'hypersio_rr_vm_8_log_0.txt.gz'));
    const args = ['trace-gen', '--log-dir', logs, '--log-prefix', 'hypersio_rr_vm_8_log', '--tenants', '4', '--order', 'rr', '--burst', '1', '--test', 'rr', '--out-dir', join(dir.path, 'rr')];
    const r = runCli(args);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^hypersio: warning: --tenants 4: the logs ran out .*check --first-slot \(logs of `hypersio collect` start at slot 3\)$/m);
    const fixed = runCli([...args, '--first-slot', '3']);
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(fixed.stderr).not.toContain('warning');
  });
});
