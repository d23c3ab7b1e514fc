/**
 * `hypersio advise` from the command line: the --json object, the winner's run command
 * and .cfg reproducing it, --fix/--max/--vary honoured, an unreachable target (exit 3
 * with the best found), resuming (a second run simulates nothing), and bad flags.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineInputError } from './helpers.js';
import { hypersio, sweepApi, tempDir, TRACE_3, TRACE_8 } from './sweep-helpers.js';

const dir = tempDir('advise-cli');
afterAll(() => dir.cleanup());

interface AdviseJson {
  reached: boolean;
  evaluated: number;
  simulated: number;
  best: { config: { tq: number; iotlb: { size: number } }; costBytes: number; linkUtilization: Record<string, number>; worstLinkUtilization: number; changes: string[] };
  start: { costBytes: number };
  frontier: { costBytes: number; worstLinkUtilization: number; config: { tq: number } }[];
  path: { phase: string; changes: { key: string }[]; costBytes: number }[];
  runCommand: string;
  files: { cfg: string; csv: string; charts: string[] };
}

// Small and quick: two parameters, two traces.
const search = ['--trace', TRACE_3, TRACE_8, '--vary', 'tq', 'iotlbSize', '--max', 'tq=64', 'iotlbSize=1024', '--workers', '2'];
let first: AdviseJson;
let firstStderr: string;

beforeAll(async () => {
  const r = await hypersio(['advise', ...search, '--target', '60', '--json', '--out-dir', join(dir.path, 'a')]);
  expect(r.exitCode, r.stderr).toBe(0);
  first = JSON.parse(r.stdout) as AdviseJson;
  firstStderr = r.stderr;
});

describe('advise --json', () => {
  it('one object: best (configuration, costBytes, utilization per trace), evaluated, frontier, path, reached', () => {
    expect(first.reached).toBe(true);
    expect(Object.keys(first.best.linkUtilization).sort()).toEqual([TRACE_3, TRACE_8].sort());
    for (const u of Object.values(first.best.linkUtilization)) expect(u).toBeGreaterThanOrEqual(0.6);
    expect(first.best.costBytes).toBeGreaterThan(0);
    expect(first.evaluated).toBeGreaterThan(1);
    expect(first.simulated).toBe(first.evaluated * 2); // simulations: every configuration on both traces
    expect(first.path[0]?.phase).toBe('start');
    expect(first.path.at(-1)?.costBytes).toBe(first.best.costBytes);
    // The frontier is cheapest first, each better than the one before, and holds the winner.
    for (let i = 1; i < first.frontier.length; i++) {
      expect(first.frontier[i]!.costBytes).toBeGreaterThan(first.frontier[i - 1]!.costBytes);
      expect(first.frontier[i]!.worstLinkUtilization).toBeGreaterThan(first.frontier[i - 1]!.worstLinkUtilization);
    }
    expect(first.frontier.map((f) => f.costBytes)).toContain(first.best.costBytes);
    expect(first.files.charts.map((f) => f.replace(/.*\//, ''))).toEqual(['cost-vs-utilization.svg', 'cost-vs-utilization.png']);
    expect(firstStderr).toMatch(/advise: round 1 \(start\): 1 configuration × 2 traces/);
  });

  it('the run command (with best.cfg) reproduces the winner', async () => {
    const [, ...args] = first.runCommand.split(' ');
    expect(first.runCommand).toMatch(new RegExp(`^hypersio run --trace ${TRACE_3} --config \\S+best\\.cfg`));
    const run = await hypersio([...args, '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { linkUtilization: number; costBytes: number; config: unknown };
    expect(result.linkUtilization).toBe(first.best.linkUtilization[TRACE_3]);
    expect(result.costBytes).toBe(first.best.costBytes);
    expect(result.config).toEqual(first.best.config);
    expect(readFileSync(first.files.cfg, 'utf8')).toMatch(new RegExp(`^IOTLB\\nsize:${first.best.config.iotlb.size}\\n`, 'm'));
  });

  it('results.csv lists every configuration evaluated on every trace, with costBytes', () => {
    const rows = sweepApi.parseCsv(readFileSync(first.files.csv, 'utf8'));
    expect(rows.length - 1).toBe(first.evaluated * 2);
    expect(rows[0]).toContain('costBytes');
  });

  it('a second run resumes: nothing simulated, the same answer', async () => {
    const again = await hypersio(['advise', ...search, '--target', '60', '--json', '--out-dir', join(dir.path, 'a')]);
    expect(again.exitCode, again.stderr).toBe(0);
    const second = JSON.parse(again.stdout) as AdviseJson;
    expect(second.simulated).toBe(0);
    expect(second.evaluated).toBe(first.evaluated);
    expect(second.best).toEqual(first.best);
  });

  it('the text report names the answer, the path, the frontier and the files', async () => {
    const text = await hypersio(['advise', ...search, '--target', '60', '--out-dir', join(dir.path, 'a'), '--no-charts']);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Target: 60 % link utilization on every trace \(3 tnt, 8 tnt\)\n\nReached\. Cheapest configuration found: [\d,]+ bytes/);
    expect(text.stdout).toMatch(/\nPath \(\d+ steps?\)\n/);
    expect(text.stdout).toMatch(/\nCost vs\. utilization: Pareto frontier/);
    expect(text.stdout).toMatch(/\nrun {6}hypersio run --trace /);
    expect(text.stdout).toMatch(/0 simulations run now/);
  });
});

describe('limits', () => {
  it('--fix holds a parameter, --max bounds one, and only --vary parameters change', async () => {
    const r = await hypersio(['advise', '--trace', TRACE_8, '--target', '40', '--vary', 'iotlbSize', 'iotlbWays', '--fix', 'tq=8', '--max', 'iotlbSize=256', '--json', '--out-dir', join(dir.path, 'fix'), '--workers', '2', '--no-charts']);
    expect(r.exitCode, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as AdviseJson;
    expect(result.best.config.tq).toBe(8);
    const records = sweepApi.readResultsFile(join(dir.path, 'fix', 'results.jsonl'));
    for (const record of records) {
      expect(record.config.tq).toBe(8);
      expect(record.config.iotlb.size).toBeLessThanOrEqual(256);
      expect(record.config.cc).toEqual({ size: 1536, assoc: 1536, groups: 1 });
    }
  });

  it('an unreachable target: says so, gives the best found, exits 3', async () => {
    const r = await hypersio(['advise', '--trace', TRACE_8, '--target', '99', '--vary', 'tq', '--max', 'tq=2', '--out-dir', join(dir.path, 'unreachable'), '--workers', '2', '--no-charts']);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/NOT reached within the limits\. Best found \(highest worst-trace utilization, then cheapest\): [\d,]+ bytes/);
    const json = await hypersio(['advise', '--trace', TRACE_8, '--target', '99', '--vary', 'tq', '--max', 'tq=2', '--out-dir', join(dir.path, 'unreachable'), '--json', '--no-charts']);
    expect(json.exitCode).toBe(3);
    const result = JSON.parse(json.stdout) as AdviseJson;
    expect(result.reached).toBe(false);
    expect(result.best.config.tq).toBe(2);
  });

  it('--budget stops the search and says so', async () => {
    const r = await hypersio(['advise', '--trace', TRACE_8, '--target', '99', '--vary', 'tq', 'iotlbSize', '--budget', '3', '--out-dir', join(dir.path, 'budget'), '--workers', '2', '--no-charts']);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/NOT reached within the limits \(the search stopped at --budget: 3 configurations\)/);
  });
});

describe('bad flags: one line, exit 2', () => {
  const base = ['advise', '--trace', TRACE_3, '--out-dir', join(dir.path, 'bad')];
  it.each([
    [['--target', '60', '--fix', 'nosuch=1'], /--fix nosuch: unknown parameter \(expected one of iotlbSize, /],
    [['--target', '60', '--fix', 'linkGbps=100'], /--fix linkGbps: advise never changes linkGbps .*--link-gbps/],
    [['--target', '60', '--max', 'seed=3'], /--max seed: advise never changes seed/],
    [['--target', '60', '--fix', 'tq'], /--fix tq: expected parameter=value \(e\.g\. --fix tq=32\)/],
    [['--target', '60', '--fix', 'tq=abc'], /--fix tq=abc: expected an integer >= 1, got 'abc'/],
    [['--target', '60', '--max', 'iotlbPolicy=lru'], /--max iotlbPolicy=lru: iotlbPolicy is not numeric \(use --fix\)/],
    [['--target', '60', '--min', 'tq=8', '--max', 'tq=4'], /--min tq=8: above --max tq=4/],
    [['--target', '60', '--fix', 'tq=4', '--max', 'tq=8'], /--fix tq: also given to --max/],
    [['--target', '60', '--vary', 'queue'], /--vary queue: advise never changes queue \(the queue order costs nothing in the cost model\)/],
    [['--target', '60', '--vary', 'idealIotlb'], /--vary idealIotlb: advise never changes idealIotlb \(an ideal mode is a limit study, not hardware\)/],
    [['--target', '60', '--ideal-cc'], /advise: idealCc on: ideal modes are limit studies, and advise looks for real hardware/],
    [['--target', '60', '--vary', 'ccWays', '--max', 'ccWays=16'], /advise: the starting configuration within the limits: CC has 96 sets \(size\/assoc\), not a power of two \(adjust --fix, --min or --max\)/],
    [['--target', 'abc'], /--target abc: not a decimal number/],
    [['--target', '0'], /--target 0: must be between/],
    [[], /--target: required/],
    [['--target', '60', '--slurm-tasks', '2'], /--slurm-tasks: only with --slurm/],
  ])('%j', (flags, message) => {
    return hypersio([...base, ...flags]).then((r) => expectOneLineInputError({ status: r.exitCode, stderr: r.stderr }, message));
  });

  it('no --trace', async () => {
    const r = await hypersio(['advise', '--target', '60']);
    expectOneLineInputError({ status: r.exitCode, stderr: r.stderr }, /--trace: required/);
  });
});
