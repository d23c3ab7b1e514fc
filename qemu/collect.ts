/**
 * The log collector: boots the guest under QEMU with an emulated Intel IOMMU and N NICs,
 * drives a workload on every NIC against host-loopback servers, and keeps QEMU's vIOMMU
 * trace events as `<prefix>_<workload>_vm_<N>_log_<k>.txt.gz` plus a manifest.
 *
 * Everything started here (QEMU, iperf3 servers, the in-process HTTP server) is stopped
 * on success, failure, timeout and SIGINT/SIGTERM; a failed run leaves only its console
 * output (`<log name>.console.txt`) next to where the log would have been.
 */
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { InputError, Interrupted } from '../core/errors.js';
import { buildGuest, buildNestedInitramfs, type GuestImage } from './guest.js';
import { startHttpServer, startIperf3Servers, type HttpWorkloadServer, type Iperf3Servers } from './host-servers.js';
import { isNicModel, MAX_FLAT_NICS, MAX_NICS, nicArguments, planNics, sidFromBdf, type NicPlacement } from './layout.js';
import { compressAndScanLog, type LogStats } from './log-compress.js';
import { logBaseName, manifestPathForLog, NIC_MODELS, WORKLOADS, type CollectManifest, type ManifestTenant, type Workload } from '../core/manifest.js';
import { CONSOLE_MARKER } from './init-script.js';
import { projectPath } from '../core/paths.js';
import { requireTool } from './tools.js';

/** The vIOMMU events we record (stock QEMU 7.2 names). */
export const TRACE_EVENTS = ['vtd_iotlb_page_hit', 'vtd_iotlb_page_update', 'vtd_dmar_translate', 'vtd_iotlb_cc_hit', 'vtd_iotlb_cc_update'] as const;

/** MiB per NIC when neither --mb nor --duration is given; rr exchanges cost a process each under TCG. */
export const DEFAULT_MB_PER_NIC: Record<Workload, number> = { http: 4, rr: 0.25, iperf3: 4 };
export const DEFAULT_RR_RESPONSE_BYTES = 2048;

export type Accel = 'auto' | 'tcg' | 'kvm';
export type CollectMode = 'direct' | 'nested';
/** Nested mode: L1 memory holds one L2 of this size per NIC. */
export const NESTED_MAX_NICS = 8;
const L2_MEMORY_MIB = 256;

export interface CollectOptions {
  nics: number;
  workload: string;
  /** direct (default): NICs driven by the guest; nested: each NIC passed by VFIO to its own L2 VM */
  mode?: string;
  /** cycled over the NICs; default e1000,e1000e,virtio (virtio only beyond 24 NICs) */
  nicModels?: readonly string[];
  /** workload length in seconds per NIC (exclusive with mb) */
  durationSeconds?: number;
  /** MiB moved per NIC (exclusive with durationSeconds); default DEFAULT_MB_PER_NIC */
  mb?: number;
  runs?: number;
  /** file name prefix replacing "hypersio" */
  name?: string;
  outDir?: string;
  /** per run; default grows with NICs and traffic */
  timeoutSeconds?: number;
  accel?: Accel;
  /** response size of one rr exchange */
  rrResponseBytes?: number;
  /** a guest already built; default buildGuest() */
  guest?: GuestImage;
  /** progress lines (the CLI sends them to stderr) */
  progress?: (line: string) => void;
  /** install SIGINT/SIGTERM handlers for the duration of the call; default true */
  handleSignals?: boolean;
}

export interface CollectRunResult {
  logPath: string;
  manifestPath: string;
  manifest: CollectManifest;
  logLines: number;
}

/** A run failed (QEMU, guest, workload or timeout); the console file says more. */
export class CollectError extends Error {
  override name = 'CollectError';
  constructor(
    message: string,
    readonly consolePath: string | null = null,
  ) {
    super(message);
  }
}

/** The collection was stopped by a signal. */
export class CollectInterrupted extends Interrupted {
  override name = 'CollectInterrupted';
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super(signal, 'QEMU and servers stopped, partial files removed');
  }
}

interface ValidatedOptions {
  mode: CollectMode;
  nics: number;
  workload: Workload;
  placements: NicPlacement[];
  durationSeconds: number | null;
  bytesPerNic: number | null;
  runs: number;
  prefix: string;
  outDir: string;
  timeoutSeconds: number;
  accel: 'tcg' | 'kvm';
  rrResponseBytes: number;
}

function positiveNumber(flag: string, value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`${flag}: must be a positive number, got ${String(value)}`);
  return n;
}

function positiveInteger(flag: string, value: unknown): number {
  const n = positiveNumber(flag, value);
  if (!Number.isInteger(n)) throw new InputError(`${flag}: must be a whole number, got ${String(value)}`);
  return n;
}

/** KVM only when the host CPU really offers VT-x/SVM (a paravirtual /dev/kvm hangs guests). */
export function kvmUsable(): boolean {
  try {
    if (!existsSync('/dev/kvm')) return false;
    return /^flags\s*:.*\b(vmx|svm)\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

export function validateCollectOptions(options: CollectOptions): ValidatedOptions {
  const nics = Number(options.nics);
  if (!Number.isInteger(nics) || nics < 1 || nics > MAX_NICS) {
    throw new InputError(`--nics: must be an integer from 1 to ${MAX_NICS}, got ${String(options.nics)}`);
  }
  if (!(WORKLOADS as readonly string[]).includes(options.workload)) {
    throw new InputError(`--workload: unknown workload "${options.workload}" (use ${WORKLOADS.join(', ')})`);
  }
  const workload = options.workload as Workload;
  const mode = options.mode ?? 'direct';
  if (mode !== 'direct' && mode !== 'nested') throw new InputError(`--mode: use direct or nested, got "${mode}"`);
  if (mode === 'nested' && nics > NESTED_MAX_NICS) throw new InputError(`--nics ${nics}: nested mode runs at most ${NESTED_MAX_NICS} L2 VMs per guest; use --runs for more tenants`);
  const modelNames = options.nicModels ?? (nics > MAX_FLAT_NICS ? ['virtio'] : [...NIC_MODELS]);
  if (modelNames.length === 0) throw new InputError('--nic-models: empty list');
  const models = modelNames.map((name) => {
    if (!isNicModel(name)) throw new InputError(`--nic-models: unknown NIC model "${name}" (use ${NIC_MODELS.join(', ')})`);
    return name;
  });
  const placements = planNics(nics, models);
  if (options.durationSeconds !== undefined && options.mb !== undefined) throw new InputError('--duration and --mb: give one, not both');
  const durationSeconds = options.durationSeconds === undefined ? null : positiveInteger('--duration', options.durationSeconds);
  const mb = options.mb === undefined ? null : positiveNumber('--mb', options.mb);
  const bytesPerNic = durationSeconds !== null ? null : Math.round((mb ?? DEFAULT_MB_PER_NIC[workload]) * 1048576);
  const runs = options.runs === undefined ? 1 : positiveInteger('--runs', options.runs);
  const prefix = options.name ?? 'hypersio';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(prefix)) throw new InputError(`--name: "${prefix}" must be letters, digits, '.', '_' or '-'`);
  const rrResponseBytes = options.rrResponseBytes === undefined ? DEFAULT_RR_RESPONSE_BYTES : positiveInteger('--rr-bytes', options.rrResponseBytes);
  // TCG moves roughly 1 MB per NIC-second with one vCPU; rr exchanges cost a process each.
  const trafficSeconds = durationSeconds ?? ((bytesPerNic ?? 0) / 1048576) * nics * (workload === 'rr' ? 40 : 1.5);
  // Nested: L2 boots under KVM-on-TCG cost about 15 s each, and traffic is slower too.
  const expectedSeconds = mode === 'nested' ? 120 + 20 * nics + trafficSeconds * 6 : 90 + 3 * nics + trafficSeconds * 2;
  const timeoutSeconds = options.timeoutSeconds === undefined ? Math.ceil(expectedSeconds) : positiveNumber('--timeout', options.timeoutSeconds);
  const accelChoice = options.accel ?? 'auto';
  if (!['auto', 'tcg', 'kvm'].includes(accelChoice)) throw new InputError(`--accel: use auto, tcg or kvm, got "${accelChoice}"`);
  const accel = accelChoice === 'auto' ? (kvmUsable() ? 'kvm' : 'tcg') : accelChoice;
  const outDir = resolve(options.outDir ?? projectPath('build', 'logs'));
  return { mode, nics, workload, placements, durationSeconds, bytesPerNic, runs, prefix, outDir, timeoutSeconds, accel, rrResponseBytes };
}

/** `qemu-system-x86_64 --version` → "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)". */
export async function qemuVersion(qemuPath: string): Promise<string> {
  const result = await execa(qemuPath, ['--version'], { reject: false });
  return /version\s+(.+)$/m.exec(result.stdout)?.[1]?.trim() ?? 'unknown';
}

interface NicReport {
  idx: number;
  mac: string;
  ifname: string;
  bdf: string;
  rx: number;
  tx: number;
  status: number;
}

/** Parses `key=value` words of a console protocol line. */
function protocolFields(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const word of line.split(/\s+/)) {
    const eq = word.indexOf('=');
    if (eq > 0) fields.set(word.slice(0, eq), word.slice(eq + 1));
  }
  return fields;
}

/**
 * Collects `runs` logs. Throws InputError for bad options or missing tools, CollectError
 * when a run fails, CollectInterrupted on SIGINT/SIGTERM.
 */
export async function collect(options: CollectOptions): Promise<CollectRunResult[]> {
  const v = validateCollectOptions(options);
  const progress = options.progress ?? (() => {});
  const qemuPath = requireTool('qemu-system-x86_64', 'to run the guest');
  const iperf3Path = v.workload === 'iperf3' ? requireTool('iperf3', 'for the iperf3 workload') : null;
  const guest = options.guest ?? (await buildGuest({ log: progress }));
  if (v.workload === 'iperf3' && !guest.hasIperf3) {
    throw new InputError(`guest ${guest.kernelVersion} was built without iperf3: run hypersio guest build --force after installing iperf3`);
  }
  const version = await qemuVersion(qemuPath);
  const initrdPath = v.mode === 'nested' ? await buildNestedInitramfs(guest, progress) : guest.initrdPath;
  await mkdir(v.outDir, { recursive: true });

  const abort = new AbortController();
  let interruptedBy: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (interruptedBy !== null) return; // already stopping
    interruptedBy = signal;
    progress(`collect: ${signal} received, stopping QEMU and servers`);
    abort.abort(new CollectInterrupted(signal));
  };
  const onSigint = (): void => onSignal('SIGINT');
  const onSigterm = (): void => onSignal('SIGTERM');
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
  }
  const results: CollectRunResult[] = [];
  try {
    for (let k = 0; k < v.runs; k++) {
      if (abort.signal.aborted) break;
      results.push(await collectOneRun(v, k, guest, initrdPath, qemuPath, iperf3Path, version, abort.signal, progress));
    }
  } catch (err) {
    if (interruptedBy !== null) throw new CollectInterrupted(interruptedBy);
    throw err;
  } finally {
    if (handleSignals) {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    }
  }
  if (interruptedBy !== null) throw new CollectInterrupted(interruptedBy);
  return results;
}

function qemuArguments(v: ValidatedOptions, guest: GuestImage, initrdPath: string, eventsFile: string, rawLog: string, port: number): string[] {
  const cmdline = [
    'console=ttyS0',
    'panic=-1',
    'intel_iommu=on',
    'iommu=nopt',
    'iommu.strict=1',
    'quiet',
    'loglevel=3',
    `hs.mode=${v.mode}`,
    `hs.l2mem=${L2_MEMORY_MIB}`,
    `hs.workload=${v.workload}`,
    `hs.nics=${v.nics}`,
    `hs.port=${port}`,
    `hs.bytes=${v.bytesPerNic ?? 0}`,
    `hs.dur=${v.durationSeconds ?? 0}`,
    `hs.rrsize=${v.rrResponseBytes}`,
  ].join(' ');
  const accel = v.accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max'];
  return [
    ...accel,
    '-machine', 'q35,kernel-irqchip=split',
    // More NICs than fit on pcie.0 need a second vCPU for interrupt vectors (see the notes).
    // (Nested: a second vCPU for the L2 VMs, and memory for one L2 per NIC.)
    '-smp', v.nics > MAX_FLAT_NICS || v.mode === 'nested' ? '2' : '1',
    '-m', v.mode === 'nested' ? `${1024 + (L2_MEMORY_MIB + 64) * v.nics}M` : '1G',
    '-display', 'none', '-vga', 'none', '-monitor', 'none', '-serial', 'stdio',
    '-nic', 'none', '-no-reboot', '-nodefaults',
    '-device', 'intel-iommu,intremap=on,caching-mode=on',
    ...nicArguments(v.placements),
    '-kernel', guest.kernelPath,
    '-initrd', initrdPath,
    '-append', cmdline,
    '-trace', `events=${eventsFile}`,
    '-D', rawLog,
    '-msg', 'timestamp=on',
  ];
}

async function collectOneRun(
  v: ValidatedOptions,
  runIndex: number,
  guest: GuestImage,
  initrdPath: string,
  qemuPath: string,
  iperf3Path: string | null,
  qemuVersionText: string,
  cancelSignal: AbortSignal,
  progress: (line: string) => void,
): Promise<CollectRunResult> {
  const base = logBaseName(v.prefix, v.workload, v.nics, runIndex);
  const logPath = join(v.outDir, `${base}.txt.gz`);
  const manifestPath = manifestPathForLog(logPath);
  const consolePath = join(v.outDir, `${base}.console.txt`);
  const partialLog = `${logPath}.partial-${process.pid}`;
  const partialManifest = `${manifestPath}.partial-${process.pid}`;
  const tag = `collect: ${base}`;
  const work = await mkdtemp(join(tmpdir(), 'hypersio-collect-'));
  const eventsFile = join(work, 'events');
  const rawLog = join(work, 'vtd.log');
  let httpServer: HttpWorkloadServer | null = null;
  let iperf3Servers: Iperf3Servers | null = null;
  let consoleOut: WriteStream | null = null;
  let qemu: ResultPromise | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  let succeeded = false;
  try {
    // A previous run's output of the same name would be stale next to a failure of this one.
    await Promise.all([logPath, manifestPath, consolePath].map((p) => rm(p, { force: true })));
    await writeFile(eventsFile, TRACE_EVENTS.join('\n') + '\n');
    let port: number;
    if (v.workload === 'iperf3') {
      iperf3Servers = await startIperf3Servers(iperf3Path ?? 'iperf3', v.nics, cancelSignal);
      port = iperf3Servers.basePort;
    } else {
      httpServer = await startHttpServer();
      port = httpServer.port;
    }
    const args = qemuArguments(v, guest, initrdPath, eventsFile, rawLog, port);
    consoleOut = createWriteStream(consolePath);
    consoleOut.write(`# ${qemuPath} ${args.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
    progress(`${tag}: booting ${v.nics} NIC(s) (${v.accel}, timeout ${v.timeoutSeconds} s)`);
    const started = Date.now();
    qemu = execa(qemuPath, args, {
      stdin: 'pipe', // kept open and silent: the serial console reads stdio
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      cancelSignal,
      timeout: Math.round(v.timeoutSeconds * 1000),
      forceKillAfterDelay: 3000,
    });

    const reports = new Map<number, NicReport>();
    const nicsUp = new Set<number>();
    const guestErrors: string[] = [];
    const workloadTails: string[] = [];
    let stage = 'boot';
    const onConsoleLine = (line: string): void => {
      const at = line.indexOf(`${CONSOLE_MARKER} `);
      if (at < 0) return;
      const body = line.slice(at + CONSOLE_MARKER.length + 1).trim();
      const fields = protocolFields(body);
      if (body.startsWith('stage=')) {
        stage = fields.get('stage') ?? stage;
        if (stage === 'workload') progress(`${tag}: ${nicsUp.size} NIC(s) up, workload ${v.workload} running`);
        else if (stage === 'l2-boot') progress(`${tag}: L1 up, starting ${v.nics} L2 VM(s)`);
        else if (/^(only-|insmod-failed|vfio-bind-failed|l2-failed|\d+-links)/.test(stage)) progress(`${tag}: guest: ${stage}`);
      } else if (body.startsWith('nic ')) {
        nicsUp.add(Number(fields.get('idx')));
      } else if (body.startsWith('result ')) {
        const idx = Number(fields.get('idx'));
        reports.set(idx, {
          idx,
          mac: fields.get('mac') ?? '',
          ifname: fields.get('if') ?? '',
          bdf: fields.get('bdf') ?? '',
          rx: Number(fields.get('rx') ?? 0),
          tx: Number(fields.get('tx') ?? 0),
          status: Number(fields.get('status') ?? 255),
        });
      } else if (body.startsWith('wlog ')) {
        workloadTails.push(body.slice(5));
      } else if (body.startsWith('l2log ')) {
        workloadTails.push(body.slice(6));
      } else if (body.startsWith('error=')) {
        guestErrors.push(body.slice(6));
      }
    };
    const attach = (stream: NodeJS.ReadableStream | null | undefined): void => {
      if (!stream) return;
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        consoleOut?.write(chunk);
        const lines = (pending + chunk.toString('utf8')).split(/\r?\n/);
        pending = lines.pop() ?? '';
        for (const line of lines) onConsoleLine(line);
      });
      stream.on('end', () => {
        if (pending.length > 0) onConsoleLine(pending);
      });
    };
    attach(qemu.stdout);
    attach(qemu.stderr);
    heartbeat = setInterval(() => {
      void stat(rawLog)
        .then((s) => s.size)
        .catch(() => 0)
        .then((size) => progress(`${tag}: ${Math.round((Date.now() - started) / 1000)} s, stage ${stage}, log ${(size / 1048576).toFixed(0)} MB`));
    }, 10_000);
    const result = await qemu;
    const wallSeconds = (Date.now() - started) / 1000;
    clearInterval(heartbeat);
    heartbeat = null;
    if (cancelSignal.aborted) throw cancelSignal.reason instanceof Error ? cancelSignal.reason : new Error('cancelled');
    if (result.timedOut) throw new CollectError(`${base}: timed out after ${v.timeoutSeconds} s at stage ${stage} (console: ${consolePath})`, consolePath);
    if (guestErrors.length > 0) throw new CollectError(`${base}: guest: ${guestErrors[0]} (console: ${consolePath})`, consolePath);
    if (result.exitCode !== 0) {
      throw new CollectError(`${base}: QEMU exited with ${result.exitCode ?? result.signal ?? '?'} at stage ${stage} (console: ${consolePath})`, consolePath);
    }
    // Every NIC must have reported, succeeded and moved traffic.
    const hostBytes = httpServer?.bytesByNic;
    for (const p of v.placements) {
      const report = reports.get(p.index);
      if (report === undefined) {
        const l2 = workloadTails.filter((t) => t.startsWith('bdf='));
        const detail = l2.length > 0 ? `; L2: ${l2[l2.length - 1]}` : '';
        throw new CollectError(`${base}: NIC ${p.index} (${p.model}) never reported (stage ${stage}${detail}; console: ${consolePath})`, consolePath);
      }
      if (report.status !== 0) {
        const tail = workloadTails.filter((t) => t.startsWith(`idx=${p.index} `)).map((t) => t.replace(/^idx=\d+ /, ''));
        throw new CollectError(
          `${base}: workload failed on NIC ${p.index} (${p.model}, status ${report.status})${tail.length > 0 ? `: ${tail[tail.length - 1]}` : ''} (console: ${consolePath})`,
          consolePath,
        );
      }
      const served = hostBytes?.get(p.index);
      if (report.rx + report.tx < 1024 || served === 0 || (hostBytes !== undefined && served === undefined)) {
        throw new CollectError(`${base}: NIC ${p.index} (${p.model}) moved no traffic (console: ${consolePath})`, consolePath);
      }
    }

    progress(`${tag}: guest done in ${wallSeconds.toFixed(1)} s; compressing log`);
    let stats: LogStats;
    try {
      stats = await compressAndScanLog(rawLog, partialLog);
    } catch (err) {
      throw new CollectError(`${base}: no trace log from QEMU (${err instanceof Error ? err.message : String(err)})`, consolePath);
    }
    const tenants: ManifestTenant[] = [];
    for (const p of v.placements) {
      const report = reports.get(p.index) as NicReport;
      const address = sidFromBdf(report.bdf);
      if (address === null) throw new CollectError(`${base}: NIC ${p.index} reported an unreadable PCI address "${report.bdf}"`, consolePath);
      const seen = stats.bySid.get(address.sid);
      if (seen === undefined || seen.pageEvents === 0) {
        throw new CollectError(`${base}: no IOTLB page events for NIC ${p.index} (${p.model}, sid 0x${address.sid.toString(16)}): is the IOMMU translating? (console: ${consolePath})`, consolePath);
      }
      tenants.push({ sid: address.sid, slot: address.slot, model: p.model, mac: report.mac, bytes: report.rx + report.tx, domain: seen.domain });
    }
    const manifest: CollectManifest = {
      tenants,
      workload: v.workload,
      params: {
        mode: v.mode,
        nics: v.nics,
        nicModels: v.placements.map((p) => p.model),
        layout: v.nics > MAX_FLAT_NICS ? 'pcie.0 + root ports' : 'pcie.0',
        ...(v.durationSeconds !== null ? { durationSeconds: v.durationSeconds } : { mbPerNic: (v.bytesPerNic ?? 0) / 1048576 }),
        ...(v.workload === 'rr' ? { rrResponseBytes: v.rrResponseBytes } : {}),
        runIndex,
        runs: v.runs,
        accel: v.accel,
        traceEvents: [...TRACE_EVENTS],
        logLines: stats.lines,
        rawLogBytes: stats.bytes,
      },
      qemuVersion: qemuVersionText,
      kernelVersion: guest.kernelVersion,
      wallSeconds: Math.round(wallSeconds * 10) / 10,
    };
    await writeFile(partialManifest, JSON.stringify(manifest, null, 2) + '\n');
    await rename(partialLog, logPath);
    await rename(partialManifest, manifestPath);
    succeeded = true;
    const totalBytes = tenants.reduce((sum, t) => sum + t.bytes, 0);
    progress(`${tag}: wrote ${logPath} (${stats.lines} lines, ${(totalBytes / 1048576).toFixed(1)} MB over ${tenants.length} NICs, ${wallSeconds.toFixed(1)} s)`);
    return { logPath, manifestPath, manifest, logLines: stats.lines };
  } finally {
    if (heartbeat !== null) clearInterval(heartbeat);
    if (qemu !== null && qemu.exitCode === null) {
      qemu.kill('SIGTERM');
      await Promise.allSettled([qemu]);
    }
    await Promise.allSettled([httpServer?.close(), iperf3Servers?.close()]);
    if (consoleOut !== null) {
      const stream = consoleOut;
      await new Promise<void>((done) => stream.end(() => done()));
    }
    await rm(work, { recursive: true, force: true });
    await Promise.all([partialLog, partialManifest].map((p) => rm(p, { force: true })));
    if (succeeded) await rm(consolePath, { force: true });
  }
}
