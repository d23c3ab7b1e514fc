/** `hypersio trace-info <trace>`: workload statistics of a translation trace (tracegen/trace-info.ts). */
import type { Command } from 'commander';
import { analyzeTrace, formatTraceInfo } from '../../tracegen/index.js';

export function registerTraceInfo(program: Command): void {
  program
    .command('trace-info')
    .description('tenants, translations and pages per tenant, page sizes, reuse distances of a trace')
    .argument('<trace>', 'a *_iotlb_trace.bin file, or its prefix')
    .option('--json', 'print everything as JSON')
    .option('--all', 'list every tenant (default: the first 16)')
    .action((trace: string, flags: { json?: boolean; all?: boolean }) => {
      const info = analyzeTrace(trace);
      process.stdout.write(flags.json ? JSON.stringify(info, null, 2) + '\n' : formatTraceInfo(info, flags.all ? Infinity : 16));
    });
}
