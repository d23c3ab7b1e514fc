/** `hypersio trace-info <trace>`: workload statistics of a translation trace (tracegen/trace-info.ts). */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Option, type Command } from 'commander';
import { formatAddressSpread } from '../../core/address-spread.js';
import { InputError } from '../../core/errors.js';
import { formatTraceInfo } from '../../tracegen/index.js';
import { oneOf, requireFlag } from '../flags.js';
import type { TraceInfoReply } from '../trace-info-worker.js';

const WORKER_PATH = fileURLToPath(new URL('../trace-info-worker.js', import.meta.url));

/** The analysis, run in a worker so that Ctrl-C and SIGTERM end the command at once (the CLI's handler exits 130 / 143). */
function analyzeInWorker(trace: string): Promise<Extract<TraceInfoReply, { ok: true }>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_PATH, { workerData: { trace } });
    worker.once('message', (reply: TraceInfoReply) => {
      if (reply.ok) resolve(reply);
      else reject(reply.input ? new InputError(reply.message) : new Error(reply.message));
    });
    worker.once('error', reject);
  });
}

export function registerTraceInfo(program: Command): void {
  program
    .command('trace-info')
    .description('tenants, translations and pages per tenant, page sizes, reuse distances, and the spread over cache sets of a trace')
    .argument('[trace]', 'a *_iotlb_trace.bin file, or its prefix (as run --trace)')
    .addOption(new Option('--trace <file>', 'the same, as run spells it').hideHelp())
    .option('--json', 'print everything as JSON')
    .option('--all', 'list every tenant (default: the first 16)')
    .action(async (argument: string | undefined, flags: { trace?: string; json?: boolean; all?: boolean }) => {
      const trace = requireFlag('<trace>', oneOf({ '<trace>': argument, '--trace': flags.trace }));
      const { info, addressSpread } = await analyzeInWorker(trace);
      process.stdout.write(
        flags.json ? JSON.stringify({ ...info, addressSpread }, null, 2) + '\n' : formatTraceInfo(info, flags.all ? Infinity : 16) + formatAddressSpread(addressSpread),
      );
    });
}
