/**
 * `npm run bench:big-traces`: peak memory and time of `trace-info` and `sweep` (one
 * configuration, one worker) against trace size, up to 8 GB by default
 * (BIG_TRACE_SIZES_GB=1,2,4,8), and the cost of a trace's content fingerprint (a sweep
 * hashes a trace once, then remembers it). Each trace is made with `synth` (1024 tenants)
 * in BIG_TRACE_DIR (default build/bench/big, on disk: not /tmp, which may be memory) and
 * deleted after it was measured.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { traceFingerprint } from '../orchestrator/sweep/trace-fingerprint.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(ROOT, 'bin', 'hypersio');
const sizes = (process.env['BIG_TRACE_SIZES_GB'] ?? '1,2,4,8').split(',').map(Number);
const scratch = resolve(process.env['BIG_TRACE_DIR'] ?? join(ROOT, 'build', 'bench', 'big'));
const TENANTS = 1024;

/** Peak RSS (MB) and wall seconds of a command, from GNU time. */
function measure(args: string[]): { rssMb: number; seconds: number } {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %M %e', process.execPath, BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = r.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (r.status !== 0 || line === undefined) throw new Error(`${args.join(' ')}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  const [, kb, seconds] = line.split(' ');
  return { rssMb: Number(kb) / 1024, seconds: Number(seconds) };
}

mkdirSync(scratch, { recursive: true });
console.log(`trace size  translations  trace-info: peak RSS, time  sweep (1 config, 1 worker): peak RSS, time  fingerprint`);
for (const gb of sizes) {
  const packets = Math.round((gb * 1e9) / (48 * 3 * TENANTS));
  const folder = join(scratch, `${gb}gb`);
  try {
    const made = spawnSync(process.execPath, [BIN, 'synth', '--tenants', String(TENANTS), '--packets', String(packets), '--name', 'big', '--out-dir', folder], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    const trace = join(folder, `big_tnt_${TENANTS}_rr3_iotlb_trace.bin`);
    const bytes = statSync(trace).size;
    const info = measure(['trace-info', trace]);
    const sweep = measure(['sweep', '--trace', trace, '--workers', '1', '--no-charts', '--out-dir', join(folder, 'sweep')]);
    const started = performance.now();
    traceFingerprint(trace);
    const hashSeconds = (performance.now() - started) / 1000;
    console.log(
      `${(bytes / 1e9).toFixed(2).padStart(7)} GB  ${String(bytes / 48).padStart(12)}  ${info.rssMb.toFixed(0).padStart(8)} MB ${info.seconds.toFixed(1).padStart(6)} s  ${sweep.rssMb.toFixed(0).padStart(8)} MB ${sweep.seconds.toFixed(1).padStart(6)} s  ${hashSeconds.toFixed(2)} s (${(bytes / 1e9 / hashSeconds).toFixed(2)} GB/s)`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
