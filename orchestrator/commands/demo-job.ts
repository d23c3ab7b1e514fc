/**
 * `npm start`: the default job. Synthesizes hyper-tenant traces (tracegen's synthetic
 * generator) for a range of tenant counts and sweeps IOTLB size × tq on them, ending
 * with the summary table and the chart paths. Under a minute on 2 cores.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { runSweep } from '../sweep/runner.js';
import { printSweepOutputs } from './sweep.js';

export const DEMO_OUT = 'build/demo-job';
export const DEMO_TENANTS = [4, 8, 16, 32, 64, 128, 256];
export const DEMO_IOTLB_SIZES = [64, 256, 1024, 4096];
export const DEMO_TQ = [1, 32];
/** Packets per tenant (3 translations each): enough for every tenant to wrap its ring a few times. */
export const DEMO_PACKETS_PER_TENANT = 768;

export interface DemoJobOptions {
  out?: string;
  workers?: number;
  /** Keep results of a previous demo run (default: start afresh, the traces are rebuilt). */
  resume?: boolean;
}

export async function runDemoJob(options: DemoJobOptions = {}) {
  const out = options.out ?? DEMO_OUT;
  const traceDir = join(out, 'traces');
  if (!options.resume) rmSync(join(out, 'results.jsonl'), { force: true });
  const started = performance.now();
  // Loaded on use: the CLI's other commands need not load the trace constructor.
  const { synthesizeTrace } = await import('../../tracegen/synth.js');
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
  return { summary, traceMs, elapsedMs: performance.now() - started };
}

export function registerDemoJob(program: Command): void {
  program
    .command('demo-job')
    .description(`the default job (npm start): synthetic traces with ${DEMO_TENANTS[0]}…${DEMO_TENANTS[DEMO_TENANTS.length - 1]} tenants × IOTLB ${DEMO_IOTLB_SIZES.join('/')} × tq ${DEMO_TQ.join('/')}, into ${DEMO_OUT}`)
    .option('--out <dir>', `output folder (default ${DEMO_OUT})`)
    .option('--workers <n>', "parallel simulations (default: the machine's cores)")
    .option('--resume', 'keep the results of a previous run')
    .action(async (flags: { out?: string; workers?: string; resume?: boolean }) => {
      const workers = flags.workers === undefined ? undefined : Math.max(1, Number.parseInt(flags.workers, 10) || 1);
      const { summary, elapsedMs } = await runDemoJob({ out: flags.out, workers, resume: flags.resume });
      printSweepOutputs(summary);
      process.stdout.write(`\ndemo-job: ${summary.total} configurations in ${(elapsedMs / 1000).toFixed(1)} s\n`);
      if (summary.failed > 0) process.exitCode = 1;
    });
}
