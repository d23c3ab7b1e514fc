/**
 * The log collector: boots the guest under QEMU with an emulated Intel IOMMU and N NICs,
 * drives a workload on every NIC against host-loopback servers, and keeps QEMU's vIOMMU
 * trace events as `<prefix>_<workload>_vm_<N>_log_<k>.txt.gz` plus a manifest.
 *
 * Everything started here (QEMU, the in-process HTTP or iperf3 servers) is stopped on
 * success, failure, timeout and SIGINT/SIGTERM/SIGHUP; a failed run leaves only its
 * console output (`<log name>.console.txt`) next to where the log would have been. If the
 * collector itself dies (SIGKILL), a watchdog stops QEMU and removes the run's temporary
 * and partial files (run-guard.ts).
 */
import { createReadStream, createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { execa, type Result } from 'execa';
import { InputError, Interrupted, type InterruptSignal } from '../core/errors.js';
import { logBaseName, manifestPathForLog, NIC_MODELS, WORKLOADS, type CollectManifest, type ManifestTenant, type Workload } from '../core/manifest.js';
import { projectPath } from '../core/paths.js';
import type { AddressSpreadCounter } from '../core/address-spread.js';
import { ConsoleProtocol, plannedAddress } from './console-protocol.js';
import { buildGuest, buildNestedInitramfs, type GuestImage } from './guest.js';
import { startHttpServer, startIperf3Servers } from './host-servers.js';
import { isNicModel, MAX_FLAT_NICS, MAX_NICS, NESTED_MAX_NICS, nicArguments, planNics, sidFromBdf, type NicPlacement } from './layout.js';
import { compressAndScanLog, type LogStats } from './log-compress.js';
import { makeRunFolder, processCpuSeconds, removeAbandonedRunFiles, startWatchdog, type Watchdog } from './run-guard.js';
import { requireTool } from './tools.js';

/** The vIOMMU events we record (stock QEMU 7.2 names). */
export const TRACE_EVENTS = ['vtd_iotlb_page_hit', 'vtd_iotlb_page_update', 'vtd_dmar_translate', 'vtd_iotlb_cc_hit', 'vtd_iotlb_cc_update'] as const;

/** MiB per NIC when neither --mb nor --duration is given; rr exchanges cost a process each under TCG. */
export const DEFAULT_MB_PER_NIC: Record<Workload, number> = { http: 4, rr: 0.25, iperf3: 4 };
export const DEFAULT_RR_RESPONSE_BYTES = 2048;

export type Accel = 'auto' | 'tcg' | 'kvm';
export type CollectMode = 'direct' | 'nested';
/**
 * Direct mode's IOVAs. `dma-api`: the guest kernel maps each buffer through its DMA API
 * (4 KiB pages, IOVAs allocated top-down just below 4 GiB: one 2 MiB region, one IOTLB
 * set). `identity`: the guest puts its NICs in an identity-mapped domain (`iommu=pt`,
 * with QEMU's pass-through capability off so the identity map is real page tables), so
 * IOVAs are guest-physical addresses (4 KiB pages), spread like a VM's memory behind an
 * assigned device; all NICs of a guest share that one domain, so a log holds one tenant.
 */
export const IOVA_LAYOUTS = ['dma-api', 'identity'] as const;
export type IovaLayout = (typeof IOVA_LAYOUTS)[number];
/**
 * Nested mode: each L2 VM's memory (L1 holds this + 64 MiB per L2 running at once, on top
 * of 1 GiB). 384, not 256: with up to 126 MiB of ballast a 256 MiB L2 ran short (one
 * iperf3 L2 of 8 reported a cut result and moved nothing).
 */
const L2_MEMORY_MIB = 384;
/**
 * MiB of ballast between tenants (init-script.ts): nested L2 k fills k × this modulo
 * 128 MiB, direct identity-layout run k k × this modulo 512 MiB, before loading its NIC
 * driver, so tenants' DMA buffers lie in different 2 MiB regions (9 regions apart:
 * different IOTLB sets).
 */
const BALLAST_STEP_MIB = 18;
/** Nested mode: L2 VMs running at once by default (see init-script.ts, run_nested). */
export const DEFAULT_NESTED_PARALLEL = 1;

export interface CollectOptions {
  nics: number;
  workload: string;
  /** direct (default): NICs driven by the guest; nested: each NIC passed by VFIO to its own L2 VM */
  mode?: string;
  /** direct mode: dma-api (default) or identity, see IOVA_LAYOUTS */
  iovaLayout?: string;
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
  /** nested mode: L2 VMs running at once, default DEFAULT_NESTED_PARALLEL */
  nestedParallel?: number;
  /**
   * Tests only: nested mode's first L1 boot gives its first L2 VM this many seconds and then
   * reports it stuck in L1's kernel, as a real hang does, so the L1 restart runs for real.
   */
  injectStuckL2AfterSeconds?: number;
  /** install SIGINT/SIGTERM/SIGHUP handlers for the duration of the call; default true */
  handleSignals?: boolean;
}

export interface CollectRunResult {
  logPath: string;
  manifestPath: string;
  manifest: CollectManifest;
  logLines: number;
  /** the log's translations per tenant and 2 MiB region: `.result(geometry)` says how they fall into cache sets */
  addressRegions: AddressSpreadCounter;
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
  constructor(signal: InterruptSignal) {
    super(signal, 'QEMU and servers stopped, partial files removed');
  }
}

interface ValidatedOptions {
  mode: CollectMode;
  iovaLayout: IovaLayout;
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
  nestedParallel: number;
  l2TimeoutSeconds: number;
  injectStuckL2AfterSeconds: number | null;
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
  const iovaLayout = options.iovaLayout ?? 'dma-api';
  if (!(IOVA_LAYOUTS as readonly string[]).includes(iovaLayout)) throw new InputError(`--iova-layout: use ${IOVA_LAYOUTS.join(' or ')}, got "${iovaLayout}"`);
  if (mode === 'nested' && iovaLayout !== 'dma-api') throw new InputError('--iova-layout: only for --mode direct (nested-mode IOVAs are L2 guest-physical addresses already)');
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
  // Nested: an L2 VM under KVM-on-TCG takes 50-110 s at load 10-12 (boot, 1 MiB, power-off),
  // and L1 runs nestedParallel of them at once; their traffic is slower too.
  const nestedParallel = Math.min(nics, options.nestedParallel === undefined ? DEFAULT_NESTED_PARALLEL : positiveInteger('nestedParallel', options.nestedParallel));
  const expectedSeconds = mode === 'nested' ? 120 + 180 * Math.ceil(nics / nestedParallel) + trafficSeconds * 6 : 90 + 3 * nics + trafficSeconds * 2;
  // One L2 VM that takes longer than this has hung (seen under load): L1 kills it and tries once more.
  const l2TimeoutSeconds = Math.ceil(240 + (trafficSeconds / nics) * 6);
  const timeoutSeconds = options.timeoutSeconds === undefined ? Math.ceil(expectedSeconds) : positiveNumber('--timeout', options.timeoutSeconds);
  const accelChoice = options.accel ?? 'auto';
  if (!['auto', 'tcg', 'kvm'].includes(accelChoice)) throw new InputError(`--accel: use auto, tcg or kvm, got "${accelChoice}"`);
  const accel = accelChoice === 'auto' ? (kvmUsable() ? 'kvm' : 'tcg') : accelChoice;
  const outDir = resolve(options.outDir ?? projectPath('build', 'logs'));
  return { mode, iovaLayout: iovaLayout as IovaLayout, nics, workload, placements, durationSeconds, bytesPerNic, runs, prefix, outDir, timeoutSeconds, accel, rrResponseBytes, nestedParallel, l2TimeoutSeconds,
    injectStuckL2AfterSeconds: options.injectStuckL2AfterSeconds ?? null };
}

/** `qemu-system-x86_64 --version` → "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)". */
export async function qemuVersion(qemuPath: string): Promise<string> {
  const result = await execa(qemuPath, ['--version'], { reject: false });
  return /version\s+(.+)$/m.exec(result.stdout)?.[1]?.trim() ?? 'unknown';
}


/** Between progress lines while the guest runs. */
const HEARTBEAT_INTERVAL_MS = 10_000;
/** After SIGTERM, QEMU gets this long before SIGKILL. */
const QEMU_STOP_GRACE_MS = 3_000;
const INTERRUPT_SIGNALS: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Host programs and facts every run uses. */
interface HostTools {
  qemuPath: string;
  qemuVersion: string;
}

/** What one run needs (collectOneRun's options). */
interface RunContext {
  v: ValidatedOptions;
  runIndex: number;
  guest: GuestImage;
  initrdPath: string;
  tools: HostTools;
  cancelSignal: AbortSignal;
  progress: (line: string) => void;
}

/**
 * Collects `runs` logs. Throws InputError for bad options or missing tools, CollectError
 * when a run fails, CollectInterrupted on SIGINT/SIGTERM/SIGHUP.
 */
export async function collect(options: CollectOptions): Promise<CollectRunResult[]> {
  const v = validateCollectOptions(options);
  const progress = options.progress ?? (() => {});
  const qemuPath = requireTool('qemu-system-x86_64', 'to run the guest');
  const guest = options.guest ?? (await buildGuest({ log: progress }));
  if (v.workload === 'iperf3' && !guest.hasIperf3) {
    throw new InputError(`guest ${guest.kernelVersion} was built without iperf3: run hypersio guest build --force after installing iperf3`);
  }
  const tools: HostTools = { qemuPath, qemuVersion: await qemuVersion(qemuPath) };
  const initrdPath = v.mode === 'nested' ? await buildNestedInitramfs(guest, progress) : guest.initrdPath;
  await mkdir(v.outDir, { recursive: true });
  const abandoned = await removeAbandonedRunFiles(v.outDir);
  if (abandoned.length > 0) progress(`collect: removed ${abandoned.length} temporary file(s) of collector runs that died: ${abandoned.join(', ')}`);

  const abort = new AbortController();
  let interruptedBy: InterruptSignal | null = null;
  const handlers = INTERRUPT_SIGNALS.map((signal) => {
    const handler = (): void => {
      if (interruptedBy !== null) return; // already stopping
      interruptedBy = signal;
      progress(`collect: ${signal} received, stopping QEMU and servers`);
      abort.abort(new CollectInterrupted(signal));
    };
    return { signal, handler };
  });
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) for (const { signal, handler } of handlers) process.on(signal, handler);
  const results: CollectRunResult[] = [];
  try {
    for (let runIndex = 0; runIndex < v.runs; runIndex++) {
      if (abort.signal.aborted) break;
      results.push(await collectOneRun({ v, runIndex, guest, initrdPath, tools, cancelSignal: abort.signal, progress }));
    }
  } catch (err) {
    if (interruptedBy !== null) throw new CollectInterrupted(interruptedBy);
    throw err;
  } finally {
    if (handleSignals) for (const { signal, handler } of handlers) process.off(signal, handler);
  }
  if (interruptedBy !== null) throw new CollectInterrupted(interruptedBy);
  return results;
}

/** Nested mode: `boot` counts L1 restarts; `l2Done`, the NICs (L1 PCI addresses) a restarted L1 skips: they have their results. */
function qemuArguments(v: ValidatedOptions, runIndex: number, guest: GuestImage, initrdPath: string, eventsFile: string, rawLog: string, port: number, boot: number, l2Done: readonly string[], monitorSocket: string | null): string[] {
  const injectFault = v.injectStuckL2AfterSeconds !== null && boot === 0;
  const ballast = v.mode === 'nested' ? BALLAST_STEP_MIB : v.iovaLayout === 'identity' ? (runIndex * BALLAST_STEP_MIB) % 512 : 0;
  const cmdline = [
    'console=ttyS0',
    'panic=-1',
    // Under TCG on a loaded host the boot-time timer check through the remapped IO-APIC
    // can fail ("timer doesn't work through Interrupt-remapped IO-APIC": a panic).
    'no_timer_check',
    'intel_iommu=on',
    ...(v.iovaLayout === 'identity' ? ['iommu=pt', 'page_alloc.shuffle=1'] : ['iommu=nopt', 'iommu.strict=1']),
    'quiet',
    'loglevel=3',
    `hs.mode=${v.mode}`,
    `hs.l2mem=${L2_MEMORY_MIB}`,
    `hs.l2par=${v.nestedParallel}`,
    `hs.l2timeout=${injectFault ? v.injectStuckL2AfterSeconds : v.l2TimeoutSeconds}`,
    ...(injectFault ? ['hs.fault=stuck-l2'] : []),
    `hs.ballast=${ballast}`,
    ...(l2Done.length > 0 ? [`hs.l2done=${l2Done.join(',')}`] : []),
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
    // (Nested: a second vCPU for the L2 VMs, and memory for the L2s running at once.)
    '-smp', v.nics > MAX_FLAT_NICS || v.mode === 'nested' ? '2' : '1',
    '-m', v.mode === 'nested' ? `${1024 + (L2_MEMORY_MIB + 64) * v.nestedParallel}M` : '1G',
    '-display', 'none', '-vga', 'none', '-monitor', monitorSocket === null ? 'none' : `unix:${monitorSocket},server=on,wait=off`, '-serial', 'stdio',
    '-nic', 'none', '-no-reboot', '-nodefaults',
    '-device', `intel-iommu,intremap=on,caching-mode=on${v.iovaLayout === 'identity' ? ',pt=off' : ''}`,
    ...nicArguments(v.placements),
    '-kernel', guest.kernelPath,
    '-initrd', initrdPath,
    '-append', cmdline,
    '-trace', `events=${eventsFile}`,
    '-D', rawLog,
    '-msg', 'timestamp=on',
  ];
}

/** Where a run's outputs go, and their temporary names until they are complete. */
interface RunFiles {
  base: string;
  logPath: string;
  manifestPath: string;
  consolePath: string;
  partialLog: string;
  partialManifest: string;
}

function runFiles(v: ValidatedOptions, runIndex: number): RunFiles {
  const base = logBaseName(v.prefix, v.workload, v.nics, runIndex);
  const logPath = join(v.outDir, `${base}.txt.gz`);
  const manifestPath = manifestPathForLog(logPath);
  return {
    base,
    logPath,
    manifestPath,
    consolePath: join(v.outDir, `${base}.console.txt`),
    partialLog: `${logPath}.partial-${process.pid}`,
    partialManifest: `${manifestPath}.partial-${process.pid}`,
  };
}

/** The host end of the workload, inside this process: the HTTP server, or one iperf3 server per NIC. */
interface WorkloadServers {
  port: number;
  /** payload bytes moved per NIC number */
  bytesByNic: Map<number, number>;
  /** host CPU seconds used since the servers started (this process's: they live in it) */
  cpuSeconds(): number;
  close(): Promise<void>;
}

async function startWorkloadServers(ctx: RunContext): Promise<WorkloadServers> {
  const before = process.cpuUsage();
  const cpuSeconds = (): number => {
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1e6;
  };
  if (ctx.v.workload === 'iperf3') {
    const servers = await startIperf3Servers(ctx.v.nics);
    return { port: servers.basePort, get bytesByNic() { return servers.bytesByNic; }, cpuSeconds, close: servers.close };
  }
  const server = await startHttpServer();
  return { port: server.port, bytesByNic: server.bytesByNic, cpuSeconds, close: server.close };
}

/** How the guest's QEMU ended, and what its console said. */
interface GuestOutcome {
  /** the last L1 boot's QEMU */
  result: Result;
  guestConsole: ConsoleProtocol;
  wallSeconds: number;
  /** QEMU's CPU seconds (all threads, every boot), last sampled before each exited */
  guestCpuSeconds: number;
  hostCpuSeconds: number;
  /** nested mode: the L2 VMs (L1 PCI addresses) that got stuck (ConsoleProtocol.stuckL2), each costing an L1 restart */
  l1RestartsFor: string[];
}

/**
 * Nested mode: L1 boots a run may add after an L2 VM got stuck (L1 could not kill it, or
 * L1 wedged while it ran): the new L1 runs only the NICs with no result yet, and its trace
 * log is appended to the first one's.
 */
const MAX_L1_RESTARTS = 2;

/** Monitor commands whose answers show where interrupts go; `info irq` twice, a second apart, shows which pin is firing. */
const INTERRUPT_STATE_COMMANDS = ['info irq', 'info pic', 'info lapic 0', 'info lapic 1', 'info irq'];

/** The monitor's text without its line-editing escape sequences (ESC [ … letter) and carriage returns. */
function withoutTerminalCodes(text: string): string {
  return text.split(String.fromCharCode(27)).map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*[A-Za-z]/, ''))).join('').replace(/\r/g, '');
}

/** L0's interrupt state from the QEMU monitor, appended to the console file (at most ~8 s). */
async function dumpInterruptState(socketPath: string, out: WriteStream): Promise<void> {
  await new Promise<void>((done) => {
    let text = '';
    const socket = connect(socketPath);
    const giveUp = setTimeout(() => socket.destroy(), 8_000);
    socket.on('data', (data: Buffer) => {
      text += data.toString('utf8');
    });
    socket.on('connect', () => {
      let i = 0;
      const next = (): void => {
        const command = INTERRUPT_STATE_COMMANDS[i++];
        if (command === undefined) {
          socket.end();
          return;
        }
        socket.write(`${command}\n`);
        setTimeout(next, 1_000);
      };
      next();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(giveUp);
      out.write(`\n# L0 QEMU monitor, ${INTERRUPT_STATE_COMMANDS.join(', ')}:\n${withoutTerminalCodes(text)}\n`);
      done();
    });
  });
}

/** One QEMU boot, with its console fed to `guestConsole`: its result and CPU seconds. */
async function bootOnce(ctx: RunContext, args: string[], rawLog: string, monitorSocket: string | null, guestConsole: ConsoleProtocol, consoleOut: WriteStream, watchdog: Watchdog, tag: string, started: number): Promise<{ result: Result; cpuSeconds: number }> {
  const { v, tools, progress } = ctx;
  const qemu = execa(tools.qemuPath, args, {
    stdin: 'pipe', // kept open and silent: the serial console reads stdio
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    cancelSignal: ctx.cancelSignal,
    timeout: Math.round(v.timeoutSeconds * 1000),
    forceKillAfterDelay: QEMU_STOP_GRACE_MS,
  });
  watchdog.watchProcess(qemu.pid);
  let cpuSeconds = 0;
  const sampleQemuCpu = (): void => {
    cpuSeconds = (qemu.pid !== undefined ? processCpuSeconds(qemu.pid) : null) ?? cpuSeconds;
  };
  let stopping = false;
  // L1 is of no more use once an L2 is stuck: keep L0's view of its interrupts as evidence, then kill it.
  const abandonIfStuck = (): void => {
    if (guestConsole.stuckL2 === null || stopping) return;
    stopping = true;
    sampleQemuCpu();
    void (monitorSocket === null ? Promise.resolve() : dumpInterruptState(monitorSocket, consoleOut)).finally(() => qemu.kill('SIGKILL'));
  };
  let lastOutput = Date.now();
  const attach = (stream: NodeJS.ReadableStream | null | undefined): void => {
    if (!stream) return;
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      lastOutput = Date.now();
      consoleOut.write(chunk);
      const lines = (pending + chunk.toString('utf8')).split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) {
        guestConsole.line(line);
        if (guestConsole.stage === 'poweroff') sampleQemuCpu();
        abandonIfStuck();
      }
    });
    stream.on('end', () => {
      if (pending.length > 0) guestConsole.line(pending);
    });
  };
  attach(qemu.stdout);
  attach(qemu.stderr);
  const heartbeat = setInterval(() => {
    sampleQemuCpu();
    if (ctx.v.mode === 'nested') {
      guestConsole.noteSilence((Date.now() - lastOutput) / 1000);
      abandonIfStuck();
    }
    void stat(rawLog)
      .then((s) => s.size)
      .catch(() => 0)
      .then((size) => progress(`${tag}: ${Math.round((Date.now() - started) / 1000)} s, ${guestConsole.summary()}, log ${(size / 1048576).toFixed(0)} MB`));
  }, HEARTBEAT_INTERVAL_MS);
  try {
    return { result: await qemu, cpuSeconds };
  } finally {
    clearInterval(heartbeat);
    if (qemu.exitCode === null) {
      qemu.kill('SIGTERM');
      await Promise.allSettled([qemu]);
    }
  }
}

/**
 * Runs QEMU until the guest powers off (or the timeout, or a signal), feeding its console
 * to the protocol parser; in nested mode, boots L1 again (at most MAX_L1_RESTARTS times)
 * for the NICs left when an L2 VM got stuck.
 */
async function runGuest(ctx: RunContext, files: RunFiles, work: string, servers: WorkloadServers, consoleOut: WriteStream, watchdog: Watchdog): Promise<GuestOutcome> {
  const { v, tools, progress } = ctx;
  const tag = `collect: ${files.base}`;
  const eventsFile = join(work, 'events');
  const rawLog = join(work, 'vtd.log');
  await writeFile(eventsFile, TRACE_EVENTS.join('\n') + '\n');
  const guestConsole = new ConsoleProtocol(v.nics, v.workload, (line) => progress(`${tag}: ${line}`));
  const started = Date.now();
  const l1RestartsFor: string[] = [];
  let guestCpuSeconds = 0;
  for (;;) {
    const boot = l1RestartsFor.length;
    const bootLog = boot === 0 ? rawLog : join(work, `vtd-${boot}.log`);
    const monitorSocket = v.mode === 'nested' ? join(work, `monitor-${boot}.sock`) : null;
    const args = qemuArguments(v, ctx.runIndex, ctx.guest, ctx.initrdPath, eventsFile, bootLog, servers.port, boot, guestConsole.l2Done(), monitorSocket);
    consoleOut.write(`# ${tools.qemuPath} ${args.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
    if (boot === 0) progress(`${tag}: booting ${v.nics} NIC(s) (${v.mode}, ${v.accel}, timeout ${v.timeoutSeconds} s)`);
    else progress(`${tag}: restarting L1 for the ${v.nics - guestConsole.l2Done().length} NIC(s) without a result (restart ${boot} of at most ${MAX_L1_RESTARTS})`);
    const { result, cpuSeconds } = await bootOnce(ctx, args, bootLog, monitorSocket, guestConsole, consoleOut, watchdog, tag, started);
    guestCpuSeconds += cpuSeconds;
    if (boot > 0 && existsSync(bootLog)) await pipeline(createReadStream(bootLog), createWriteStream(rawLog, { flags: 'a' }));
    const stuck = guestConsole.stuckL2;
    if (stuck !== null && boot < MAX_L1_RESTARTS && !ctx.cancelSignal.aborted) {
      l1RestartsFor.push(stuck.bdf);
      guestConsole.restart();
      continue;
    }
    return { result, guestConsole, wallSeconds: (Date.now() - started) / 1000, guestCpuSeconds, hostCpuSeconds: servers.cpuSeconds(), l1RestartsFor };
  }
}

/** Throws the run's failure: timeout, guest error, QEMU's exit status, or the first NIC that did not succeed. */
function checkGuestOutcome(ctx: RunContext, files: RunFiles, outcome: GuestOutcome, servers: WorkloadServers): void {
  const { base, consolePath } = files;
  const { result, guestConsole } = outcome;
  const fail = (what: string): never => {
    throw new CollectError(`${base}: ${what} (console: ${consolePath})`, consolePath);
  };
  if (ctx.cancelSignal.aborted) throw ctx.cancelSignal.reason instanceof Error ? ctx.cancelSignal.reason : new Error('cancelled');
  if (result.timedOut) fail(`timed out after ${ctx.v.timeoutSeconds} s at ${guestConsole.summary()}${guestConsole.softLockup === null ? '' : ` (guest soft lockup: ${guestConsole.softLockup})`}`);
  if (guestConsole.kernelPanic !== null) fail(`the guest kernel panicked at stage ${guestConsole.stage}: ${guestConsole.kernelPanic}`);
  if (guestConsole.guestErrors.length > 0) fail(`guest: ${guestConsole.guestErrors[0]}`);
  const stuck = guestConsole.stuckL2;
  if (stuck !== null) {
    const p = ctx.v.placements.find((q) => plannedAddress(q) === stuck.bdf);
    fail(`the L2 VM of NIC ${p?.index ?? '?'} (${p?.model ?? '?'}, ${stuck.bdf}) got stuck: ${stuck.why}; L1 was restarted ${MAX_L1_RESTARTS} times already (for ${outcome.l1RestartsFor.join(', ')})`);
  }
  if (result.exitCode !== 0) fail(`QEMU exited with ${result.exitCode ?? result.signal ?? '?'} at stage ${guestConsole.stage}`);
  for (const p of ctx.v.placements) {
    const problem = guestConsole.nicProblem(p, servers.bytesByNic.get(p.index) ?? 0);
    if (problem !== null) fail(problem);
  }
}

/** The manifest's tenants: every NIC must have IOTLB page events in the log. */
function tenantsFromLog(ctx: RunContext, files: RunFiles, guestConsole: ConsoleProtocol, stats: LogStats): ManifestTenant[] {
  return ctx.v.placements.map((p) => {
    const report = guestConsole.reports.get(p.index);
    const address = report === undefined ? null : sidFromBdf(report.bdf);
    if (report === undefined || address === null) {
      throw new CollectError(`${files.base}: NIC ${p.index} reported an unreadable PCI address "${report?.bdf ?? ''}"`, files.consolePath);
    }
    const seen = stats.bySid.get(address.sid);
    if (seen === undefined || seen.pageEvents === 0) {
      throw new CollectError(
        `${files.base}: no IOTLB page events for NIC ${p.index} (${p.model}, sid 0x${address.sid.toString(16)}): is the IOMMU translating? (console: ${files.consolePath})`,
        files.consolePath,
      );
    }
    return { sid: address.sid, slot: address.slot, model: p.model, mac: report.mac, bytes: report.rx + report.tx, domain: seen.domain };
  });
}

function buildManifest(ctx: RunContext, tenants: ManifestTenant[], stats: LogStats, outcome: GuestOutcome): CollectManifest {
  const { v } = ctx;
  return {
    tenants,
    workload: v.workload,
    params: {
      mode: v.mode,
      ...(v.mode === 'direct' ? { iovaLayout: v.iovaLayout } : {}),
      nics: v.nics,
      nicModels: v.placements.map((p) => p.model),
      layout: v.nics > MAX_FLAT_NICS ? 'pcie.0 + root ports' : 'pcie.0',
      ...(v.durationSeconds !== null ? { durationSeconds: v.durationSeconds } : { mbPerNic: (v.bytesPerNic ?? 0) / 1048576 }),
      ...(v.workload === 'rr' ? { rrResponseBytes: v.rrResponseBytes } : {}),
      ...(v.mode === 'nested'
        ? {
            nestedParallel: v.nestedParallel,
            l2MemoryMiB: L2_MEMORY_MIB,
            ballastStepMiB: BALLAST_STEP_MIB,
            l2ExitStatus: Object.fromEntries([...outcome.guestConsole.l2.values()].map((l2) => [l2.bdf, l2.exitStatus])),
            l1RestartsFor: outcome.l1RestartsFor,
          }
        : {}),
      ...(v.iovaLayout === 'identity' ? { ballastMiB: (ctx.runIndex * BALLAST_STEP_MIB) % 512 } : {}),
      runIndex: ctx.runIndex,
      runs: v.runs,
      accel: v.accel,
      traceEvents: [...TRACE_EVENTS],
      logLines: stats.lines,
      rawLogBytes: stats.bytes,
      guestCpuSeconds: Math.round(outcome.guestCpuSeconds * 10) / 10,
      hostServerCpuSeconds: Math.round(outcome.hostCpuSeconds * 10) / 10,
    },
    qemuVersion: ctx.tools.qemuVersion,
    kernelVersion: ctx.guest.kernelVersion,
    wallSeconds: Math.round(outcome.wallSeconds * 10) / 10,
  };
}

/** One guest boot → one log and its manifest, written atomically; everything started is stopped on the way out. */
async function collectOneRun(ctx: RunContext): Promise<CollectRunResult> {
  const { v, progress } = ctx;
  const files = runFiles(v, ctx.runIndex);
  const tag = `collect: ${files.base}`;
  const work = await makeRunFolder();
  const watchdog = startWatchdog();
  for (const path of [work, files.partialLog, files.partialManifest, files.consolePath]) watchdog.watchPath(path);
  let servers: WorkloadServers | null = null;
  let consoleOut: WriteStream | null = null;
  let succeeded = false;
  let keepConsole = false; // a run that needed an L1 restart keeps the console that shows why
  try {
    // A previous run's output of the same name would be stale next to a failure of this one.
    await Promise.all([files.logPath, files.manifestPath, files.consolePath].map((p) => rm(p, { force: true })));
    servers = await startWorkloadServers(ctx);
    consoleOut = createWriteStream(files.consolePath);
    const outcome = await runGuest(ctx, files, work, servers, consoleOut, watchdog);
    checkGuestOutcome(ctx, files, outcome, servers);
    keepConsole = outcome.l1RestartsFor.length > 0;

    progress(`${tag}: guest done in ${outcome.wallSeconds.toFixed(1)} s; compressing log`);
    let stats: LogStats;
    try {
      stats = await compressAndScanLog(join(work, 'vtd.log'), files.partialLog);
    } catch (err) {
      throw new CollectError(`${files.base}: no trace log from QEMU (${err instanceof Error ? err.message : String(err)})`, files.consolePath);
    }
    const tenants = tenantsFromLog(ctx, files, outcome.guestConsole, stats);
    const manifest = buildManifest(ctx, tenants, stats, outcome);
    await writeFile(files.partialManifest, JSON.stringify(manifest, null, 2) + '\n');
    await rename(files.partialLog, files.logPath);
    await rename(files.partialManifest, files.manifestPath);
    succeeded = true;
    const totalBytes = tenants.reduce((sum, t) => sum + t.bytes, 0);
    progress(
      `${tag}: wrote ${files.logPath} (${stats.lines} lines, ${(totalBytes / 1048576).toFixed(1)} MB over ${tenants.length} NICs, ${outcome.wallSeconds.toFixed(1)} s; ` +
        `CPU: QEMU ${outcome.guestCpuSeconds.toFixed(1)} s, host servers ${outcome.hostCpuSeconds.toFixed(1)} s)`,
    );
    if (keepConsole) progress(`${tag}: L1 was restarted after a stuck L2 VM (${outcome.l1RestartsFor.join(', ')}); its console is kept: ${files.consolePath}`);
    return { logPath: files.logPath, manifestPath: files.manifestPath, manifest, logLines: stats.lines, addressRegions: stats.spread };
  } finally {
    await servers?.close();
    if (consoleOut !== null) {
      const stream = consoleOut;
      await new Promise<void>((done) => stream.end(() => done()));
    }
    await rm(work, { recursive: true, force: true });
    await Promise.all([files.partialLog, files.partialManifest].map((p) => rm(p, { force: true })));
    if (succeeded && !keepConsole) await rm(files.consolePath, { force: true });
    watchdog.release();
  }
}
