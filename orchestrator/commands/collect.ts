/**
 * `hypersio collect`: real vIOMMU logs from QEMU guests (qemu/collect.ts). Flags are
 * parsed here; every check and all the work is in the typed API.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { MAX_NICS, NESTED_MAX_NICS, type Accel, type CollectOptions } from '../../qemu/index.js';
import { registerGuest } from './guest.js';

export interface CollectFlags {
  mode?: string;
  iovaLayout?: string;
  nics?: string;
  workload?: string;
  nicModels?: string;
  duration?: string;
  mb?: string;
  runs?: string;
  name?: string;
  outDir?: string;
  timeout?: string;
  accel?: string;
  rrBytes?: string;
}

/** A numeric flag, or an InputError naming it. */
function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new InputError(`${flag}: not a number: "${text}"`);
  return value;
}

/**
 * Adds the collect flags (all but --out-dir, whose meaning depends on the command) to a
 * command; `pipeline` shares them so both commands define and check them alike.
 */
export function addCollectOptions(command: Command): Command {
  return command
    .option('--nics <N>', `NICs (tenants) in the guest, 1..${MAX_NICS} (nested: 1..${NESTED_MAX_NICS}) (required)`)
    .option('--mode <M>', 'direct (NICs driven by the guest) or nested (each NIC passed by VFIO to its own L2 VM, the original topology)', 'direct')
    .option('--iova-layout <L>', 'direct mode: dma-api (the kernel DMA API: every IOVA just below 4 GiB, one IOTLB set) or identity (IOVA = guest-physical address, spread over the sets; one tenant per log); default dma-api')
    .option('--workload <W>', 'http (bulk download/upload), rr (small request/response) or iperf3 (required)')
    .option('--nic-models <list>', 'NIC models cycled over the NICs: e1000, e1000e, virtio (default: all three; virtio beyond 24 NICs)')
    .option('--duration <S>', 'seconds of workload per NIC (instead of --mb)')
    .option('--mb <M>', 'MiB per NIC (default: http 4, rr 0.25, iperf3 4)')
    .option('--runs <R>', 'logs to collect (log_0 … log_R-1)', '1')
    .option('--name <PREFIX>', 'log name prefix instead of "hypersio"', 'hypersio')
    .option('--timeout <S>', 'seconds per run before QEMU is stopped (default grows with NICs and traffic)')
    .option('--accel <A>', 'auto (KVM only when VT-x/SVM is really there), tcg or kvm', 'auto')
    .option('--rr-bytes <B>', 'response size of one rr exchange', '2048');
}

/** The collect API's options from the flags of addCollectOptions (checked by validateCollectOptions). */
export function collectOptionsFromFlags(flags: CollectFlags): CollectOptions {
  if (flags.nics === undefined) throw new InputError('--nics: required (1..64)');
  if (flags.workload === undefined) throw new InputError('--workload: required (http, rr or iperf3)');
  const durationSeconds = numberFlag('--duration', flags.duration);
  const mb = numberFlag('--mb', flags.mb);
  const timeoutSeconds = numberFlag('--timeout', flags.timeout);
  return {
    nics: numberFlag('--nics', flags.nics) ?? 0,
    mode: flags.mode ?? 'direct',
    ...(flags.iovaLayout !== undefined ? { iovaLayout: flags.iovaLayout } : {}),
    workload: flags.workload,
    ...(flags.nicModels !== undefined ? { nicModels: flags.nicModels.split(',').map((s) => s.trim()) } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(mb !== undefined ? { mb } : {}),
    runs: numberFlag('--runs', flags.runs) ?? 1,
    name: flags.name ?? 'hypersio',
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    accel: (flags.accel ?? 'auto') as Accel,
    rrResponseBytes: numberFlag('--rr-bytes', flags.rrBytes) ?? 2048,
  };
}

export function registerCollect(program: Command): void {
  const command = program
    .command('collect')
    .description('boot a QEMU guest with an emulated IOMMU and N NICs, run a workload on every NIC, keep the vIOMMU log');
  addCollectOptions(command)
    .option('--out-dir <D>', 'where logs go (default: build/logs in the repository)')
    .action(async (flags: CollectFlags) => {
      // Loaded on use: execa and the QEMU code stay out of every other command's start-up.
      const { collect, CollectError, CollectInterrupted } = await import('../../qemu/index.js');
      const { formatAddressSpread } = await import('../../core/address-spread.js');
      const { baseConfig } = await import('../config.js');
      const options = collectOptionsFromFlags(flags);
      try {
        const results = await collect({
          ...options,
          ...(flags.outDir !== undefined ? { outDir: flags.outDir } : {}),
          progress: (line) => process.stderr.write(`${line}\n`),
        });
        for (const r of results) {
          const t = r.manifest.tenants;
          process.stdout.write(
            `${r.logPath}: ${t.length} tenants (sids ${t.map((x) => '0x' + x.sid.toString(16)).join(' ')}), ${r.logLines} lines, ${r.manifest.wallSeconds} s\n` +
              formatAddressSpread(r.addressRegions.result(baseConfig())),
          );
        }
      } catch (err) {
        // Run failures are not internal errors: one line, non-zero status.
        if (err instanceof CollectInterrupted) {
          process.stderr.write(`hypersio: collect: ${err.message}\n`);
          process.exitCode = err.exitCode;
          return;
        }
        if (err instanceof CollectError) {
          process.stderr.write(`hypersio: collect: ${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
    });
}

/** Registers `collect` and `guest` (the QEMU side of the pipeline). */
export function registerQemuCommands(program: Command): void {
  registerCollect(program);
  registerGuest(program);
}
