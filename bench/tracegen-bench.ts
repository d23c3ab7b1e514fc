/**
 * Trace constructor benchmark: parser throughput in log lines per second.
 *
 * Generates (once, deterministically) a large patched-dialect QEMU log in build/bench/
 * with the event mix of a real iperf run (context hits, page hits, page-table fetches,
 * page updates, context updates, resets; 4 tenant devices plus one outside the valid
 * set), then times: line splitting alone, the full parse (TraceCollector.readLog), the
 * parse of a gzip copy of the same log, and a whole trace-gen build (parse + interleave +
 * nat + write).
 *
 * Usage: npm run bench:tracegen [-- --lines N]   (default 2,000,000 lines)
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { join } from 'node:path';
import { projectPath } from '../core/paths.js';
import { TraceCollector } from '../tracegen/log-reader.js';
import { forEachLine } from '../tracegen/line-stream.js';
import { buildTrace } from '../tracegen/build.js';
import { seededRandom } from '../tracegen/synth.js';

const benchDir = projectPath('build', 'bench');

function argLines(): number {
  const i = process.argv.indexOf('--lines');
  const value = i >= 0 ? Number(process.argv[i + 1]) : 2_000_000;
  if (!Number.isInteger(value) || value < 1000) throw new Error('--lines: an integer >= 1000');
  return value;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Writes `lines` log lines deterministically; returns the path. */
function generateLog(lines: number): string {
  mkdirSync(benchDir, { recursive: true });
  const path = join(benchDir, `hypersio_bench_vm_4_log_0.txt`);
  const stampPath = `${path}.lines`;
  if (existsSync(path) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === String(lines)) return path;
  const random = seededRandom(42);
  // Devices: slots 2..5 are tenants, slot 6 is not.
  const devices = [2, 3, 4, 5, 6].map((slot, i) => {
    const sid = slot << 3;
    const did = 0x80 + 0x11 * i;
    const high = (did << 8) | 2;
    const low = 0x7816001 + i * 0x100000;
    const root = 0x7819000 + i * 0x100000;
    const pages = Array.from({ length: 64 + 16 * i }, (_, j) => 0xc0000000 + i * 0x10000000 + j * 0x1000 + Math.floor(random() * 4) * 0x100000);
    return { sid, did, high, low, root, pages };
  });
  const fd = openSync(path, 'w');
  let chunk: string[] = [];
  let time = 1590000000000000;
  const at = (): string => {
    time += 1 + Math.floor(random() * 30);
    return `4242@${Math.floor(time / 1e6)}.${String(time % 1e6).padStart(6, '0')}:`;
  };
  chunk.push("qemu-system-x86_64: warning: host doesn't support requested feature");
  for (let n = 1; n < lines; n++) {
    const d = devices[Math.floor(random() * devices.length)]!;
    const page = d.pages[Math.floor(random() * d.pages.length)]!;
    const iova = page + Math.floor(random() * 256) * 16;
    const slpte = page + 0x40000000 + 3;
    const r = random();
    let line: string;
    if (r < 0.46) line = `${at()}vtd_iotlb_cc_hit IOTLB context hit bus 0x0 devfn ${hex(d.sid)} high ${hex(d.high)} low ${hex(d.low)} gen 2`;
    else if (r < 0.9) line = `${at()}vtd_iotlb_page_hit IOTLB page hit sid ${hex(d.sid)} iova ${hex(iova)} pmask 0xfffffffffffff000 slpte ${hex(slpte)} domain ${hex(d.did)}`;
    else if (r < 0.97) {
      const level = 1 + Math.floor(random() * 3);
      line = `${at()}vtd_slpte_fetch SLPTE fetch: high ${hex(d.high)} low ${hex(d.low)} iova ${hex(page)} level ${hex(level)} addr ${hex(d.root - (level - 1) * 0x1000)} slpte ${hex(slpte)}`;
    } else if (r < 0.995) line = `${at()}vtd_iotlb_page_update IOTLB page update sid ${hex(d.sid)} iova ${hex(page)} slpte ${hex(slpte)} level 0x1 domain ${hex(d.did)}`;
    else if (r < 0.998) line = `${at()}vtd_iotlb_cc_update IOTLB context update bus 0x0 devfn ${hex(d.sid)} high ${hex(d.high)} low ${hex(d.low)} gen 1 -> gen 2`;
    else line = `${at()}vtd_iotlb_reset IOTLB reset (reason: iotlb exceeds size limit)`;
    chunk.push(line);
    if (chunk.length === 65536) {
      writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  writeSync(fd, chunk.join('\n') + '\n');
  closeSync(fd);
  writeFileSync(stampPath, String(lines));
  return path;
}

/** Best wall time of `runs` runs, with that run's CPU time (user + system, all threads). */
async function best<T>(runs: number, body: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  let bestMs = Infinity;
  let cpuMs = 0;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    value = await body();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    if (ms < bestMs) {
      bestMs = ms;
      cpuMs = (cpu.user + cpu.system) / 1000;
    }
  }
  return { ms: bestMs, cpuMs, value };
}

// The machine is shared: wall time suffers from other load, CPU time much less.
const rate = (lines: number, ms: number): string => `${Math.round((lines / ms) * 1000).toLocaleString('en-US')} lines/s`;
const timing = (lines: number, r: { ms: number; cpuMs: number }): string =>
  `${(r.ms / 1000).toFixed(2)} s  ${rate(lines, r.ms).padStart(18)}   (CPU ${(r.cpuMs / 1000).toFixed(2)} s: ${rate(lines, r.cpuMs)})`;

async function main(): Promise<void> {
  const lines = argLines();
  const t0 = Date.now();
  const path = generateLog(lines);
  const megabytes = statSync(path).size / 2 ** 20;
  console.log(`log: ${path} (${lines.toLocaleString('en-US')} lines, ${megabytes.toFixed(0)} MiB; ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  const split = await best(3, () => forEachLine(path, () => {}));
  console.log(`line splitting only:   ${timing(lines, split)}`);

  const parse = await best(5, async () => {
    const collector = new TraceCollector();
    const summary = await collector.readLog(path, 0, [0x10, 0x18, 0x20, 0x28]);
    return summary;
  });
  console.log(`parse (readLog):       ${timing(lines, parse)}  ${parse.value.translations.toLocaleString('en-US')} translations, ${parse.value.tenants} tenants`);

  const gzPath = join(benchDir, 'gz', 'hypersio_bench_vm_4_log_0.txt.gz');
  if (!existsSync(gzPath) || statSync(gzPath).mtimeMs < statSync(path).mtimeMs) {
    mkdirSync(join(benchDir, 'gz'), { recursive: true });
    await pipeline(createReadStream(path), createGzip({ level: 6 }), createWriteStream(gzPath));
  }
  const gz = await best(2, () => new TraceCollector().readLog(gzPath, 0, [0x10, 0x18, 0x20, 0x28]));
  console.log(`parse of .txt.gz:      ${timing(lines, gz)}  ${(statSync(gzPath).size / 2 ** 20).toFixed(0)} MiB compressed`);

  const outDir = join(benchDir, 'out');
  const build = await best(2, () =>
    buildTrace({ logDir: benchDir, logPrefix: 'hypersio_bench_vm_4_log', tenants: 4, order: 'rr', consec: 3, test: 'bench', outDir }),
  );
  console.log(`trace-gen build (rr3): ${timing(lines, build)}  ${build.value.translations.toLocaleString('en-US')} translations written`);
  rmSync(outDir, { recursive: true, force: true });
}

await main();
