/** `hypersio trace-info <trace>`: workload statistics of a translation trace (tracegen/trace-info.ts). */
import { Option, type Command } from 'commander';
import { formatAddressSpread, traceFileAddressSpread } from '../../core/address-spread.js';
import { analyzeTrace, formatTraceInfo } from '../../tracegen/index.js';
import { baseConfig } from '../config.js';
import { oneOf, requireFlag } from '../flags.js';

export function registerTraceInfo(program: Command): void {
  program
    .command('trace-info')
    .description('tenants, translations and pages per tenant, page sizes, reuse distances, and the spread over cache sets of a trace')
    .argument('[trace]', 'a *_iotlb_trace.bin file, or its prefix (as run --trace)')
    .addOption(new Option('--trace <file>', 'the same, as run spells it').hideHelp())
    .option('--json', 'print everything as JSON')
    .option('--all', 'list every tenant (default: the first 16)')
    .action((argument: string | undefined, flags: { trace?: string; json?: boolean; all?: boolean }) => {
      const trace = requireFlag('<trace>', oneOf({ '<trace>': argument, '--trace': flags.trace }));
      const info = analyzeTrace(trace);
      // How the translations fall into the default IOTLB and walk-cache sets.
      const addressSpread = traceFileAddressSpread(info.path, baseConfig());
      process.stdout.write(
        flags.json ? JSON.stringify({ ...info, addressSpread }, null, 2) + '\n' : formatTraceInfo(info, flags.all ? Infinity : 16) + formatAddressSpread(addressSpread),
      );
    });
}
