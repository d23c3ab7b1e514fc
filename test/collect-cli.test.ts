/** The collect/guest commands' input errors: one line on stderr, exit status 2, nothing started. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError as expectOneLine, runCli } from './helpers.js';

const outDir = mkdtempSync(join(tmpdir(), 'hypersio-collect-cli-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function expectOneLineInputError(args: string[], pattern: RegExp, env?: NodeJS.ProcessEnv): void {
  expectOneLine(runCli(args, env ? { env } : {}), pattern);
}

describe('hypersio collect: bad inputs', () => {
  const base = ['collect', '--out-dir', outDir];
  it('--nics 0, --nics 65, --nics x', () => {
    expectOneLineInputError([...base, '--nics', '0', '--workload', 'http'], /--nics: must be an integer from 1 to 64, got 0/);
    expectOneLineInputError([...base, '--nics', '65', '--workload', 'http'], /--nics/);
    expectOneLineInputError([...base, '--nics', 'x', '--workload', 'http'], /--nics: not a number/);
  });
  it('unknown workload, missing workload', () => {
    expectOneLineInputError([...base, '--nics', '2', '--workload', 'ftp'], /--workload: unknown workload "ftp" \(use http, rr, iperf3\)/);
    expectOneLineInputError([...base, '--nics', '2'], /--workload: required/);
  });
  it('unknown NIC model', () => {
    expectOneLineInputError([...base, '--nics', '2', '--workload', 'http', '--nic-models', 'e1000,rtl8139'], /--nic-models: unknown NIC model "rtl8139"/);
  });
  it('--mb with --duration, bad --runs, bad --timeout', () => {
    expectOneLineInputError([...base, '--nics', '2', '--workload', 'rr', '--mb', '1', '--duration', '5'], /not both/);
    expectOneLineInputError([...base, '--nics', '2', '--workload', 'rr', '--runs', '0'], /--runs/);
    expectOneLineInputError([...base, '--nics', '2', '--workload', 'rr', '--timeout', '-1'], /--timeout/);
  });
  it('unknown --iova-layout, and a layout for nested mode', () => {
    expectOneLineInputError([...base, '--nics', '2', '--workload', 'http', '--iova-layout', 'random'], /--iova-layout: use dma-api or identity, got "random"/);
    expectOneLineInputError([...base, '--nics', '2', '--workload', 'http', '--mode', 'nested', '--iova-layout', 'identity'], /--iova-layout: only for --mode direct/);
  });
  it('too many e1000 NICs for pcie.0', () => {
    expectOneLineInputError([...base, '--nics', '30', '--workload', 'http', '--nic-models', 'e1000'], /do not fit on pcie.0/);
  });
  it('a missing QEMU names the Debian package to install', () => {
    const emptyPath = mkdtempSync(join(tmpdir(), 'hypersio-empty-path-'));
    try {
      const env = { ...process.env, PATH: emptyPath };
      expectOneLineInputError([...base, '--nics', '2', '--workload', 'http'], /qemu-system-x86_64 not found .*install the Debian package qemu-system-x86/, env);
      expectOneLineInputError(['guest', 'build'], /install the Debian package qemu-system-x86/, env);
    } finally {
      rmSync(emptyPath, { recursive: true, force: true });
    }
  });
  it('left nothing behind', () => {
    expect(readdirSync(outDir)).toEqual([]);
  });
});
