/**
 * `hypersio trace-gen`: QEMU vIOMMU logs → a hyper-tenant trace (tracegen/build.ts).
 * Also accepts the original wrapper's flag names (--benchmark, --tenantorder,
 * --tenantburstpkt, --loggroupprefix).
 */
import { Option, type Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { formatAddressSpread, traceFileAddressSpread } from '../../core/address-spread.js';
import { DEFAULT_TRACE_DIR } from '../../core/trace-format.js';
import { buildTrace } from '../../tracegen/index.js';
import { baseConfig } from '../config.js';
import { integerFlag, oneOf, outDirFlag, progressReporter, requireFlag } from '../flags.js';
import { writeOutputsOrNothing } from '../interrupt.js';
import { redrawsInPlace } from '../sweep/progress.js';

interface TraceGenFlags {
  logDir: string;
  logPrefix?: string;
  loggroupprefix?: string;
  tenants?: string;
  maxDevPerLog?: string;
  firstSlot?: string;
  order?: string;
  tenantorder?: string;
  consec?: string;
  burst?: string;
  tenantburstpkt?: string;
  test?: string;
  benchmark?: string;
  outDir?: string;
  out?: string;
}

export function registerTraceGen(program: Command): void {
  program
    .command('trace-gen')
    .description('build a hyper-tenant trace from a group of QEMU vIOMMU logs (<P>_0.txt[.gz], <P>_1.txt[.gz], …)')
    .option('--log-dir <dir>', 'directory of the logs', '.')
    .option('--log-prefix <P>', 'log group prefix (required): logs are <P>_0.txt[.gz], <P>_1…; e.g. hypersio_iperf3_vm_8_log for samples/qemu/hypersio_iperf3_vm_8_log_0.txt.gz')
    .addOption(new Option('--loggroupprefix <P>').hideHelp())
    .option('--tenants <T>', 'number of tenants wanted (required)')
    .option('--max-dev-per-log <M>', 'tenant devices per log (default: the _vm_<M>_ part of the prefix)')
    .option('--first-slot <N>', "first PCI slot of the tenant devices of a log without manifest (the reference's logs: 2; hypersio collect's: 3, and they have manifests)", '2')
    .option('--order <order>', 'tenant interleaving: rr, rand or orig (required)')
    .addOption(new Option('--tenantorder <order>').hideHelp())
    .option('--consec <C>', 'consecutive translations per tenant turn (this or --burst required)')
    .option('--burst <B>', 'packets per tenant turn (consec = 3B)')
    .addOption(new Option('--tenantburstpkt <B>').hideHelp())
    .option('--test <name>', 'test (benchmark) name, used in the output name (required)')
    .addOption(new Option('--benchmark <name>').hideHelp())
    .option('--out-dir <dir>', `output directory (default ${DEFAULT_TRACE_DIR}, where sweep --benchmark looks)`)
    .addOption(new Option('--out <dir>').hideHelp())
    .action(async (flags: TraceGenFlags) => {
      const logPrefix = requireFlag('--log-prefix', oneOf({ '--log-prefix': flags.logPrefix, '--loggroupprefix': flags.loggroupprefix }));
      const order = requireFlag('--order', oneOf({ '--order': flags.order, '--tenantorder': flags.tenantorder }));
      const burstText = oneOf({ '--burst': flags.burst, '--tenantburstpkt': flags.tenantburstpkt });
      if (flags.consec !== undefined && burstText !== undefined) throw new InputError('--consec / --burst: give one, not both');
      const consec = flags.consec !== undefined ? integerFlag('--consec', flags.consec, 1) : burstText !== undefined ? 3 * integerFlag('--burst', burstText, 1)! : undefined;
      const progress = progressReporter('trace-gen');
      const started = Date.now();
      const outDir = outDirFlag(flags) ?? DEFAULT_TRACE_DIR;
      const options = {
        logDir: flags.logDir,
        logPrefix,
        tenants: requireFlag('--tenants', integerFlag('--tenants', flags.tenants, 1)),
        maxDevPerLog: integerFlag('--max-dev-per-log', flags.maxDevPerLog, 1),
        firstSlot: integerFlag('--first-slot', flags.firstSlot, 0, 31),
        order,
        consec: requireFlag('--consec or --burst', consec),
        test: requireFlag('--test', oneOf({ '--test': flags.test, '--benchmark': flags.benchmark })),
        outDir,
      };
      const result = await writeOutputsOrNothing(
        outDir,
        (trap, checkpoint) =>
          buildTrace({
            ...options,
            checkpoint,
            // Thrown while the logs are read (before any file is written).
            onProgress: (p) => {
              trap.check('nothing was written');
              progress(p.lines, p.elapsedMs, p.path);
            },
          }),
      );
      if (redrawsInPlace(process.stderr)) process.stderr.write('\r\x1b[K');
      if (result.shortfall !== undefined) process.stderr.write(`hypersio: warning: ${result.shortfall}\n`);
      const seconds = (Date.now() - started) / 1000;
      const lines = result.logs.reduce((sum, l) => sum + l.lines, 0);
      const paired = result.logs.reduce((sum, l) => sum + l.stockPaired, 0);
      const fallback = result.logs.reduce((sum, l) => sum + l.stockFallback, 0);
      const out: string[] = [
        `tenants found: ${result.tenants} in ${result.logs.length} log(s), ${lines} lines in ${seconds.toFixed(2)} s (${Math.round(lines / Math.max(seconds, 0.001))} lines/s)`,
        `translations: ${result.translations}`,
      ];
      if (paired + fallback > 0) {
        out.push(`stock-dialect page events: ${paired} sized by vtd_dmar_translate, ${fallback} by the slpte page-size bit`);
      }
      out.push(
        `wrote ${result.paths.iotlb}`,
        `wrote ${result.paths.context} (${result.contextRecords} context records)`,
        `wrote ${result.paths.pageTable} (${result.pageTableRecords} page-table records${
          result.pageTableRecords === 0 && paired + fallback > 0 ? ': stock QEMU has no vtd_slpte_fetch event; the model reads only the translation trace' : ''
        })`,
      );
      process.stdout.write(out.join('\n') + '\n' + formatAddressSpread(traceFileAddressSpread(result.paths.iotlb, baseConfig())));
    });
}
