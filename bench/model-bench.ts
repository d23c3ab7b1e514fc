/**
 * `npm run bench`: the performance model's speed on a hyper-tenant trace, whole process.
 *
 * Generates (once, deterministically, in build/bench/) the reference workload: a
 * 1024-tenant round-robin trace of 1,536,000 translations (each tenant a descriptor ring
 * page plus a pool of 16-96 buffer pages, about 30 % of tenants on 2 MiB pages, 3
 * translations per packet), then runs `hypersio run` on it at tq 1 and tq 32 with the
 * base configuration, as separate processes, several times each, and prints the best wall
 * time, translations/s, peak RSS, and the speed-up over the reference C++ model (g++ -O2
 * on this machine kind: 23.2 s at tq 1, 10.6 s at tq 32). Then the fixed cost of a run:
 * the same command on the trace's first 32 packets, beside `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { projectPath } from '../core/paths.js';
import { readFully } from '../orchestrator/model.js';
import { TRACE_RECORD_BYTES } from '../core/trace-format.js';
import { synthesizeTrace } from '../tracegen/synth.js';

const outDir = projectPath('build', 'bench');
const REFERENCE_SECONDS: Record<number, number> = { 1: 23.2, 32: 10.6 };
const repeats = Number(process.env['BENCH_REPEATS'] ?? 3);

// The reference's sid layout (24 devices per log: 688 distinct sids for 1024 tenants); the
// name says so, so a trace cached by an older build (one sid per tenant) is not reused.
const traceOptions = { tenants: 1024, packets: 500, order: 'rr' as const, seed: 1, devicesPerLog: 24, name: 'bench-sid24', outDir };
const tracePath = resolve(outDir, 'bench-sid24_tnt_1024_rr3_iotlb_trace.bin');
if (!existsSync(tracePath)) {
  const made = await synthesizeTrace(traceOptions);
  if (made.path !== tracePath) throw new Error(`unexpected trace name ${made.path}`);
}
const translations = 1024 * 500 * 3;
console.log(`trace: ${tracePath} (${translations.toLocaleString('en-US')} translations, 1024 tenants with 688 sids, rr)`);

const childScript = projectPath('dist', 'bench', 'run-child.js');

/** Runs `node args` `repeats` times: the best wall time, the largest peak RSS, the last stdout. */
function bestOf(args: string[]): { seconds: number; maxRssKb: number; stdout: string } {
  let seconds = Infinity;
  let maxRssKb = 0;
  let stdout = '';
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    const elapsed = (performance.now() - started) / 1000;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
    seconds = Math.min(seconds, elapsed);
    maxRssKb = Math.max(maxRssKb, Number(/maxRssKb=(\d+)/.exec(r.stderr)?.[1] ?? 0));
    stdout = r.stdout;
  }
  return { seconds, maxRssKb, stdout };
}

for (const tq of [1, 32]) {
  const { seconds, maxRssKb, stdout } = bestOf([childScript, 'run', '--trace', tracePath, '--tq', String(tq), '--json']);
  const mbps = (JSON.parse(stdout) as { mbps: number }).mbps;
  const reference = REFERENCE_SECONDS[tq]!;
  console.log(
    `tq ${String(tq).padStart(2)}: ${seconds.toFixed(3)} s whole process (best of ${repeats}), ` +
      `${(translations / seconds / 1e6).toFixed(2)} M translations/s, peak RSS ${(maxRssKb / 1024).toFixed(0)} MB, ` +
      `${(reference / seconds).toFixed(1)}x the reference's ${reference} s; ${mbps.toLocaleString('en-US')} Mb/s`,
  );
}

// The fixed cost: what start-up, loading the model and printing take whatever the trace.
const TINY_RECORDS = 96;
const tinyPath = resolve(outDir, 'bench_tiny_iotlb_trace.bin');
if (!existsSync(tinyPath)) {
  const head = new Uint8Array(TINY_RECORDS * TRACE_RECORD_BYTES);
  const fd = openSync(tracePath, 'r');
  readFully(fd, head, 0);
  closeSync(fd);
  writeFileSync(tinyPath, head);
}
const tiny = bestOf([childScript, 'run', '--trace', tinyPath, '--json']);
const bare = bestOf(['-e', '0']);
console.log(
  `fixed cost: ${tiny.seconds.toFixed(3)} s whole process for the first ${TINY_RECORDS} translations ` +
    `(best of ${repeats}); Node alone (node -e 0) ${bare.seconds.toFixed(3)} s`,
);
