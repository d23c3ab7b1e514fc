/**
 * `npm start`: the default job. Synthesizes hyper-tenant traces (tracegen's synthetic
 * generator) for a range of tenant counts and sweeps IOTLB size × tq on them; then does
 * the same on traces built from the real QEMU logs bundled in samples/qemu/ (one per
 * workload), in a folder of their own so the tenants chart is not mixed. Ends with the
 * summary tables and the chart paths. Under a minute on 2 cores.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { ensureOutputDir } from '../../core/atomic-write.js';
import { projectPath } from '../../core/paths.js';
import { integerFlag, outDirFlag } from '../flags.js';
import { runSweep } from '../sweep/runner.js';
import { printSweepOutputs } from './sweep-outputs.js';

export const DEMO_OUT = 'build/demo-job';
export const DEMO_TENANTS = [4, 8, 16, 32, 64, 128, 256];
export const DEMO_IOTLB_SIZES = [64, 256, 1024, 4096];
export const DEMO_TQ = [1, 32];
/** Packets per tenant (3 translations each): enough for every tenant to wrap its ring a few times. */
export const DEMO_PACKETS_PER_TENANT = 768;
/** Real vIOMMU logs collected by `hypersio collect` and shipped with the repository. */
export const SAMPLE_LOG_DIR = projectPath('samples', 'qemu');

export interface DemoJobOptions {
  out?: string;
  workers?: number;
  /**
   * Drop the results of an earlier run and start over. By default they are kept and only
   * what is missing runs (the traces are rebuilt, byte for byte the same), so an
   * interrupted demo-job goes on when the same command is run again.
   */
  fresh?: boolean;
}

export async function runDemoJob(options: DemoJobOptions = {}) {
  const out = options.out ?? DEMO_OUT;
  const traceDir = join(out, 'traces');
  ensureOutputDir(out, '--out-dir');
  if (options.fresh) rmSync(join(out, 'results.jsonl'), { force: true });
  const started = performance.now();
  // Loaded on use: the CLI's other commands need not load the trace constructor.
  const { synthesizeTrace } = await import('../../tracegen/index.js');
  const traces: string[] = [];
  for (const tenants of DEMO_TENANTS) {
    const trace = await synthesizeTrace({ tenants, packets: DEMO_PACKETS_PER_TENANT, order: 'rr', burst: 1, seed: 1, name: 'synth', outDir: traceDir });
    traces.push(trace.path);
  }
  const traceMs = performance.now() - started;
  process.stderr.write(`demo-job: ${traces.length} synthetic traces (${DEMO_TENANTS.join(', ')} tenants) in ${traceDir} (${(traceMs / 1000).toFixed(1)} s)\n`);
  const summary = await runSweep(
    { traces, axes: { iotlbSize: DEMO_IOTLB_SIZES, tq: DEMO_TQ } },
    { out, workers: options.workers, charts: true },
  );
  const samples = await sweepSampleLogs(join(out, 'qemu-samples'), options);
  return { summary, samples, traceMs, elapsedMs: performance.now() - started };
}

/** Traces from the bundled QEMU logs (all tenants of each log, rr), swept like the synthetic ones. */
async function sweepSampleLogs(out: string, options: DemoJobOptions) {
  const { buildTrace } = await import('../../tracegen/index.js');
  if (options.fresh) rmSync(join(out, 'results.jsonl'), { force: true });
  const traces: string[] = [];
  for (const log of readdirSync(SAMPLE_LOG_DIR).filter((name) => name.endsWith('_log_0.txt.gz')).sort()) {
    const logPrefix = log.replace(/_0\.txt\.gz$/, '');
    const workload = /^hypersio_(.+)_vm_(\d+)_log$/.exec(logPrefix);
    if (!workload) continue;
    const built = await buildTrace({ logDir: SAMPLE_LOG_DIR, logPrefix, tenants: Number(workload[2]), order: 'rr', consec: 3, test: workload[1]!, outDir: join(out, 'traces') });
    traces.push(built.paths.iotlb);
  }
  process.stderr.write(`demo-job: ${traces.length} traces from the QEMU logs in ${SAMPLE_LOG_DIR}\n`);
  return runSweep({ traces, axes: { iotlbSize: DEMO_IOTLB_SIZES, tq: DEMO_TQ } }, { out, workers: options.workers, charts: true });
}

export function registerDemoJob(program: Command): void {
  program
    .command('demo-job')
    .description(`the default job (npm start): synthetic traces with ${DEMO_TENANTS[0]}…${DEMO_TENANTS[DEMO_TENANTS.length - 1]} tenants × IOTLB ${DEMO_IOTLB_SIZES.join('/')} × tq ${DEMO_TQ.join('/')}, into ${DEMO_OUT}`)
    .option('--out-dir <dir>', `output folder (default ${DEMO_OUT})`)
    .addOption(new Option('--out <dir>').hideHelp())
    .option('--workers <n>', "parallel simulations (default: the machine's cores)")
    .option('--fresh', 'drop the results of an earlier run and start over (by default they are kept and only what is missing runs)')
    // Resuming is the default; the flag that asked for it is still accepted.
    .addOption(new Option('--resume').hideHelp())
    .action(async (flags: { outDir?: string; out?: string; workers?: string; fresh?: boolean }) => {
      const workers = integerFlag('--workers', flags.workers, 1);
      const { summary, samples, elapsedMs } = await runDemoJob({ out: outDirFlag(flags), workers, fresh: flags.fresh });
      const skipped = summary.skipped + samples.skipped;
      if (skipped > 0) process.stderr.write(`demo-job: ${skipped} of ${summary.total + samples.total} configurations already done by an earlier run (resumed; --fresh starts over)\n`);
      process.stdout.write('\nSynthetic tenants');
      printSweepOutputs(summary);
      process.stdout.write('\nReal QEMU logs (samples/qemu)');
      printSweepOutputs(samples);
      process.stdout.write(`\ndemo-job: ${summary.total + samples.total} configurations in ${(elapsedMs / 1000).toFixed(1)} s\n`);
      if (summary.failed + samples.failed > 0) process.exitCode = 1;
    });
}
