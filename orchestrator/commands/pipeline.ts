/**
 * `hypersio pipeline`: collect → trace-gen → sweep → charts (orchestrator/pipeline.ts),
 * skipping stages whose outputs exist. The collect flags are collect's own
 * (addCollectOptions), so both commands define and check them alike.
 */
import type { Command } from 'commander';
import { InputError, Interrupted } from '../../core/errors.js';
import { integerFlag, listFlag } from '../flags.js';
import { helpText, parameterByKey } from '../parameters.js';
import { addCollectOptions, collectOptionsFromFlags, type CollectFlags } from './collect.js';
import { printSweepOutputs } from './sweep-outputs.js';

interface PipelineFlags extends CollectFlags {
  tenants?: string[];
  order?: string;
  burst?: string;
  tq?: string[];
  iotlbSize?: string[];
  workers?: string;
  outDir?: string;
}

export function registerPipeline(program: Command): void {
  const command = program
    .command('pipeline')
    .description('collect logs under QEMU, build traces, sweep the model over them and draw charts; stages whose outputs exist are skipped');
  addCollectOptions(command)
    .option('--tenants <T...>', 'tenant count(s), one trace each; at most --nics × --runs (required)')
    .option('--order <order>', 'tenant interleaving of the traces: rr, rand or orig', 'rr')
    .option('--burst <B>', 'packets per tenant turn (3 translations each)', '1')
    .option('--tq <n...>', `sweep: ${helpText(parameterByKey('tq'))}`)
    .option('--iotlb-size <entries...>', `sweep: ${parameterByKey('iotlbSize').label} (default 64 256 1024)`)
    .option('--workers <n>', "sweep: parallel simulations (default: the machine's cores)")
    .option('--out-dir <D>', 'logs/, traces/ and results/ go here (default: build/pipeline/<workload>_vm_<N> in the repository)')
    .action(async (flags: PipelineFlags) => {
      const collectOptions = collectOptionsFromFlags(flags);
      const tenantTexts = flags.tenants && listFlag(flags.tenants, '--tenants');
      if (tenantTexts === undefined || tenantTexts.length === 0) throw new InputError('--tenants: required (one or more tenant counts, at most --nics × --runs)');
      const tenants = tenantTexts.map((t) => integerFlag('--tenants', t, 1) ?? 0);
      const axes: Record<string, string[]> = {};
      const tq = flags.tq && listFlag(flags.tq, '--tq');
      const iotlbSize = flags.iotlbSize && listFlag(flags.iotlbSize, '--iotlb-size');
      if (tq !== undefined) axes['tq'] = tq;
      if (iotlbSize !== undefined) axes['iotlbSize'] = iotlbSize;
      const workers = integerFlag('--workers', flags.workers, 1);
      // Loaded on use: QEMU, trace constructor and sweep code stay out of every other command's start-up.
      const { runPipeline, DEFAULT_PIPELINE_AXES } = await import('../pipeline.js');
      const { CollectError } = await import('../../qemu/index.js');
      const started = Date.now();
      try {
        const result = await runPipeline({
          collect: collectOptions,
          tenants,
          order: flags.order ?? 'rr',
          burst: integerFlag('--burst', flags.burst, 1) ?? 1,
          // Only the axes given replace the defaults: --tq alone still sweeps the IOTLB sizes.
          axes: { ...DEFAULT_PIPELINE_AXES, ...axes },
          ...(workers !== undefined ? { workers } : {}),
          ...(flags.outDir !== undefined ? { outDir: flags.outDir } : {}),
          progress: (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(`logs     ${result.logsDir} (${result.logs.length} log(s) with manifests)\n`);
        const { formatAddressSpread, traceFileAddressSpread } = await import('../../core/address-spread.js');
        const { baseConfig } = await import('../config.js');
        for (const trace of result.traces) process.stdout.write(`trace    ${trace}\n${formatAddressSpread(traceFileAddressSpread(trace, baseConfig()))}`);
        // Last: the summary table, then where the results and charts are.
        printSweepOutputs({ records: result.records, files: result.files });
        const ran = Object.entries(result.stages).filter(([, state]) => state === 'ran').map(([stage]) => stage);
        process.stderr.write(`pipeline: done in ${((Date.now() - started) / 1000).toFixed(1)} s (${ran.length > 0 ? `ran ${ran.join(', ')}` : 'every stage skipped'}); results and charts in ${result.resultsDir}\n`);
        if (result.failed > 0) {
          process.stderr.write(`hypersio: pipeline: ${result.failed} of ${result.records.length} configuration(s) failed (see ${result.files.results}); run again to retry them\n`);
          process.exitCode = 1;
        }
      } catch (err) {
        // Run failures and interruptions are not internal errors: one line, non-zero status.
        if (err instanceof Interrupted) {
          process.stderr.write(`hypersio: pipeline: ${err.message}\n`);
          process.exitCode = err.exitCode;
          return;
        }
        if (err instanceof CollectError) {
          process.stderr.write(`hypersio: pipeline: collect: ${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
    });
}
