/**
 * What README and help promise (issue 22, item 24): the trace-gen example names a log that
 * ships, a missing prefix lists those that exist, `--prefetch-buffer` says the prefetcher
 * still runs without a buffer, and `sweep --help` names the sweep-file keys' spellings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError, PROJECT_ROOT, runCli } from './helpers.js';
import { tempDir } from './sweep-helpers.js';

const dir = tempDir('docs-examples');
afterAll(() => dir.cleanup());
const samples = join(PROJECT_ROOT, 'samples', 'qemu');

describe('README and help', () => {
  it("the trace-gen examples (README, --help) name logs that ship in samples/qemu, and the README's runs", () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const help = runCli(['trace-gen', '--help']).stdout.replace(/\s+/g, ' ');
    const prefixes = [...readme.matchAll(/--log-prefix (hypersio_\w+)/g), ...help.matchAll(/e\.g\. (hypersio_\w+) for/g)].map((m) => m[1]!);
    expect(prefixes.length).toBeGreaterThanOrEqual(2);
    for (const prefix of prefixes) expect(existsSync(join(samples, `${prefix}_0.txt.gz`)), prefix).toBe(true);
    const example = /trace-gen (--log-dir samples\/qemu [^\n]*)\\\n\s+([^#\n]*)/.exec(readme);
    expect(example).not.toBeNull();
    const args = `${example![1]!} ${example![2]!}`.trim().split(/\s+/);
    const r = runCli(['trace-gen', ...args, '--out-dir', join(dir.path, 'traces')]);
    expect(r.status, r.stderr).toBe(0);
  });

  it('a missing log prefix lists the prefixes there are', () => {
    expectOneLineInputError(
      runCli(['trace-gen', '--log-dir', samples, '--log-prefix', 'hypersio_iperf3_vm_4_log', '--tenants', '4', '--order', 'rr', '--burst', '1', '--test', 'x', '--out-dir', join(dir.path, 'x')]),
      /hypersio_iperf3_vm_4_log_0\.txt: log not found \(nor .*\.gz\); log prefixes in .*qemu: hypersio_http_vm_8_log, hypersio_iperf3_vm_8_log, hypersio_rr_vm_8_log$/,
    );
  });

  it('--prefetch-buffer help: no buffer is not no prefetching', () => {
    const help = runCli(['run', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).not.toContain('0 = no prefetching');
    expect(help).toContain('0 = no buffer, but the prefetcher still runs');
  });

  it('sweep --help names the sweep-file spellings that differ from the flags', () => {
    const help = runCli(['sweep', '--help']).stdout.replace(/\s+/g, ' ');
    for (const pair of ['trace or traces', 'outDir or out', 'order or tenantOrder', 'burst or tenantBurstPkt', 'config or configFile']) expect(help).toContain(pair);
  });
});
