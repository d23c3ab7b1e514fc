/** `hypersio synth`: a synthetic hyper-tenant trace from a per-tenant NIC model (tracegen/synth.ts). */
import { Option, type Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { DEFAULT_TRACE_DIR } from '../../core/trace-format.js';
import { maxSynthTenants, synthesizeTrace, type SynthOptions } from '../../tracegen/index.js';
import { integerFlag, numberFlag, outDirFlag, requireFlag } from '../flags.js';
import { writeOutputsOrNothing } from '../interrupt.js';

interface SynthFlags {
  tenants?: string;
  packets?: string;
  order: string;
  burst: string;
  seed: string;
  hugeFraction: string;
  poolMin: string;
  poolMax: string;
  ringSize: string;
  rateSpread: string;
  maxDevPerLog: string;
  name: string;
  outDir?: string;
  out?: string;
}

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('write a synthetic trace: per tenant a NIC ring page and a pool of buffer pages, 3 translations per packet')
    .option('--tenants <N>', `number of tenants (required): 16-bit sids allow at most ${maxSynthTenants(24).toLocaleString('en-US')} with --max-dev-per-log 24, ${maxSynthTenants(0).toLocaleString('en-US')} with 0`)
    .option('--packets <P>', 'packets per tenant (mean); 3 translations each, at most 2^31-1 translations in all (required)')
    .option('--order <order>', 'tenant interleaving: rr or rand', 'rr')
    .option('--burst <B>', 'packets per tenant turn', '1')
    .option('--seed <S>', 'random seed', '1')
    .option('--huge-fraction <F>', 'fraction of tenants with 2 MiB buffer pages', '0.3')
    .option('--pool-min <n>', 'fewest buffer pages per tenant', '16')
    .option('--pool-max <n>', 'most buffer pages per tenant', '96')
    .option('--ring-size <n>', 'descriptors per ring (one 4 KiB page holds 256)', '256')
    .option('--rate-spread <R>', 'per-tenant packet count varies by ±R (0 ≤ R < 1)', '0')
    .option('--max-dev-per-log <N>', "sid layout: tenants grouped as logs of N devices, sid ((2 + i) << 3) + 128·k for device i of log k, as trace-gen numbers them (N > 16 makes tenants share sids, as in the reference's workloads); 0: one sid per tenant", '24')
    .option('--name <name>', 'name at the start of the output files', 'synth')
    .option('--out-dir <dir>', `output directory (default ${DEFAULT_TRACE_DIR}, where sweep --benchmark looks)`)
    .addOption(new Option('--out <dir>').hideHelp())
    .action(async (flags: SynthFlags) => {
      if (flags.order !== 'rr' && flags.order !== 'rand') throw new InputError(`--order ${flags.order}: unknown order (expected rr or rand)`);
      const started = Date.now();
      const outDir = outDirFlag(flags) ?? DEFAULT_TRACE_DIR;
      const options: SynthOptions = {
        tenants: requireFlag('--tenants', integerFlag('--tenants', flags.tenants, 1)),
        packets: requireFlag('--packets', integerFlag('--packets', flags.packets, 1)),
        order: flags.order,
        burst: integerFlag('--burst', flags.burst, 1)!,
        seed: integerFlag('--seed', flags.seed, 0, 0xffffffff)!,
        hugeFraction: numberFlag('--huge-fraction', flags.hugeFraction, 0, 1)!,
        poolMin: integerFlag('--pool-min', flags.poolMin, 1)!,
        poolMax: integerFlag('--pool-max', flags.poolMax, 1)!,
        ringSize: integerFlag('--ring-size', flags.ringSize, 1, 256)!,
        rateSpread: numberFlag('--rate-spread', flags.rateSpread, 0, 0.999999)!,
        devicesPerLog: integerFlag('--max-dev-per-log', flags.maxDevPerLog, 0, 30)!,
        name: flags.name,
        outDir,
      };
      const result = await writeOutputsOrNothing(outDir, (_trap, checkpoint) => synthesizeTrace({ ...options, checkpoint }));
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(
        `tenants: ${result.tenants} (${result.hugeTenants} on 2 MiB buffer pages, ${result.sids} distinct sids), translations: ${result.translations}, pages: ${result.pages}, ${seconds.toFixed(2)} s\n` +
          `wrote ${result.paths.iotlb}\nwrote ${result.paths.context}\nwrote ${result.paths.pageTable}\n`,
      );
    });
}
