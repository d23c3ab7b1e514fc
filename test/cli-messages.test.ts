/**
 * Messages of the second round of abuse (issue 22, items 14, 15 and 25): each is one line
 * naming the flag or file and saying what was expected, exit 2.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError, runCli } from './helpers.js';
import { tempDir, TRACE_3 } from './sweep-helpers.js';

const dir = tempDir('cli-messages');
afterAll(() => dir.cleanup());

describe('a flag with no value', () => {
  it('does not swallow the next flag', () => {
    expectOneLineInputError(runCli(['sweep', '--trace', '--out-dir', join(dir.path, 'x')]), /^hypersio: --trace: missing its value \(before --out-dir\)$/);
    expectOneLineInputError(runCli(['run', '--tq', '--trace', TRACE_3]), /^hypersio: --tq: missing its value \(before --trace\)$/);
    expectOneLineInputError(runCli(['run', '--trace', TRACE_3, '--tq']), /^hypersio: --tq: missing its value$/);
  });

  it('a value that starts with a dash is still a value', () => {
    expectOneLineInputError(runCli(['synth', '--tenants', '-1', '--packets', '4', '--out-dir', join(dir.path, 's')]), /^hypersio: --tenants -1: must be at least 1$/);
  });
});

describe('help', () => {
  it('help of an unknown command exits 2', () => {
    expectOneLineInputError(runCli(['help', 'nosuch']), /^hypersio: help: no command 'nosuch' \(commands: run, .*sweep/);
    expect(runCli(['help', 'run']).status).toBe(0);
  });
});

describe('.cfg errors carry file:line', () => {
  it('a cache of impossible shape, a value out of range', () => {
    const file = join(dir.path, 'arch.cfg');
    writeFileSync(file, '// arch\nCC\nsize:16\nassoc:16\nIOTLB\nsize:60\nassoc:8\n');
    expectOneLineInputError(runCli(['run', '--trace', TRACE_3, '--config', file]), /arch\.cfg:5: IOTLB size 60 is not divisible by assoc 8$/);
    writeFileSync(file, 'IOTLB\nsize:64\nL2PAGE\ngroups:3\n');
    expectOneLineInputError(runCli(['run', '--trace', TRACE_3, '--config', file]), /arch\.cfg:3: L2PAGE groups 3 is not a power of two$/);
    writeFileSync(file, 'PREFETCH\nhistlen:99999\n');
    expectOneLineInputError(runCli(['run', '--trace', TRACE_3, '--config', file]), /arch\.cfg:2: PREFETCH histlen \(history length\) must be an integer from 1 to 4096, got 99999$/);
  });
});

describe('sweep files', () => {
  const sweep = (json: string) => {
    const file = join(dir.path, 'sweep.json');
    writeFileSync(file, json);
    return runCli(['sweep', '--sweep', file, '--no-charts']);
  };

  it('a schema error says what was expected and what was given', () => {
    expectOneLineInputError(sweep(JSON.stringify({ traces: TRACE_3, tq: [] })), /sweep\.json: tq: expected an integer from 1 to 1048576, or a non-empty list of such values, got \[\] \(an empty list\)$/);
    expectOneLineInputError(sweep(JSON.stringify({ traces: TRACE_3, shard: 3 })), /sweep\.json: shard: expected a string 'i\/n', got 3$/);
    expectOneLineInputError(sweep('[1]'), /sweep\.json: top level: expected a JSON object of sweep keys, got \[1\]$/);
  });

  it('a key given twice is an error', () => {
    expectOneLineInputError(sweep(`{"traces": ${JSON.stringify(TRACE_3)}, "tq": 1, "tq": 2}`), /sweep\.json: tq: key given twice/);
  });

  it('the flags in camelCase are keys too (trace, outDir, order, burst, config), but not two names of one key', () => {
    const out = join(dir.path, 'camel');
    const ok = sweep(JSON.stringify({ trace: TRACE_3, outDir: out, tq: 1 }));
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(join(out, 'results.jsonl'));
    expectOneLineInputError(sweep(JSON.stringify({ trace: TRACE_3, traces: TRACE_3 })), /sweep\.json: 'trace' and 'traces': both set traces; give only one$/);
  });
});

describe('numbers', () => {
  it('--packets states the bound that applies', () => {
    expectOneLineInputError(
      runCli(['synth', '--tenants', '4', '--packets', '3000000000', '--out-dir', join(dir.path, 's')]),
      /--packets 3000000000: must be an integer between 1 and 178956970 with 4 tenants \(a trace holds at most 2,147,483,647 translations/,
    );
  });

  it('--link-gbps 0x10 is not a number; an empty list item is an error', () => {
    expectOneLineInputError(runCli(['run', '--trace', TRACE_3, '--link-gbps', '0x10']), /--link-gbps: expected a positive decimal number, got '0x10'$/);
    expectOneLineInputError(runCli(['sweep', '--trace', TRACE_3, '--tq', '1,,2']), /--tq 1,,2: empty item in the list$/);
    expectOneLineInputError(runCli(['sweep', '--trace', TRACE_3, '--tq', '1,']), /--tq 1,: empty item in the list$/);
  });

  it('integers in exponent notation are accepted when exact, and 1.5 says why it is refused', () => {
    const r = runCli(['run', '--trace', TRACE_3, '--iotlb-size', '1.28e2', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { config: { iotlb: { size: number } } }).config.iotlb.size).toBe(128);
    expectOneLineInputError(runCli(['run', '--trace', TRACE_3, '--tq', '1.5']), /--tq: expected an integer >= 1, got '1\.5'$/);
    expectOneLineInputError(runCli(['synth', '--tenants', '2.5', '--packets', '4']), /--tenants 2\.5: not an integer \(a whole number is expected\)$/);
    const synth = runCli(['synth', '--tenants', '4', '--packets', '1e2', '--out-dir', join(dir.path, 'e')]);
    expect(synth.status, synth.stderr).toBe(0);
  });
});
