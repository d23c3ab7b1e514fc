/**
 * `hypersio guest build`: assembles the QEMU guest (Debian kernel + busybox initramfs) into
 * build/guest/<kernel version>/, reusing the cache when nothing changed (qemu/guest.ts).
 */
import type { Command } from 'commander';

interface GuestBuildFlags {
  force?: boolean;
  cacheDir?: string;
}

export function registerGuest(program: Command): void {
  const guest = program.command('guest').description('the QEMU guest used by collect');
  guest
    .command('build')
    .description('assemble the guest from Debian packages into build/guest/<kernel version>/ (cached)')
    .option('--force', 'rebuild even when the cached guest is up to date')
    .option('--cache-dir <dir>', 'where guests are kept (default: build/guest in the repository)')
    .action(async (flags: GuestBuildFlags) => {
      const { buildGuest } = await import('../../qemu/index.js');
      const { requireTool } = await import('../../qemu/index.js');
      // The guest is useless without QEMU: say so now rather than at the first collect.
      requireTool('qemu-system-x86_64', 'to run the guest');
      const image = await buildGuest({
        force: flags.force === true,
        ...(flags.cacheDir !== undefined ? { cacheDir: flags.cacheDir } : {}),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(
        `guest ${image.kernelVersion} (${image.kernelPackage} ${image.kernelPackageVersion})${image.cached ? ', cached' : ', built'}\n` +
          `kernel: ${image.kernelPath}\ninitramfs: ${image.initrdPath}\niperf3 in guest: ${image.hasIperf3 ? 'yes' : 'no (install iperf3 and rebuild with --force)'}\n`,
      );
    });
}
