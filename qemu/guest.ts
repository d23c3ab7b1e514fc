/**
 * Assembles the guest (kernel + initramfs) from Debian packages, without root for the
 * unpacking: `apt-get download` the distribution kernel, `dpkg-deb -x` it, take the NIC
 * modules (and what they depend on), busybox-static, iperf3 with its libraries when the
 * host has it, and our generated /init. Cached in build/guest/<kernel version>/ and
 * rebuilt only when an input (kernel package version, busybox, iperf3, /init) changes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { InputError } from '../core/errors.js';
import { buildCpioNewc, type CpioEntry } from './cpio.js';
import { generateInitScript, INIT_SCRIPT_VERSION } from './init-script.js';
import { projectPath } from '../core/paths.js';
import { findTool, requireTool } from './tools.js';

/** Modules the guest loads (their dependencies are added from the modules' own modinfo). */
export const GUEST_MODULES = ['e1000', 'e1000e', 'virtio_pci', 'virtio_net'] as const;
/** Modules an L1 guest of nested mode loads: KVM (TCG's -cpu max offers SVM) and VFIO. */
export const NESTED_MODULES = ['kvm_amd', 'vfio_pci', 'vfio_iommu_type1'] as const;
/** Firmware the L2 QEMU inside L1 needs, as the host's QEMU finds it. */
const L2_FIRMWARE = ['/usr/share/seabios/bios-256k.bin', '/usr/share/qemu/linuxboot_dma.bin', '/usr/share/qemu/kvmvapic.bin'];

/** A built guest, ready to boot. */
export interface GuestImage {
  dir: string;
  kernelVersion: string; // as `uname -r` reports it, e.g. 6.1.0-56-amd64
  kernelPackage: string; // Debian package name
  kernelPackageVersion: string;
  kernelPath: string;
  initrdPath: string;
  hasIperf3: boolean;
  /** true when this call reused a cached build */
  cached: boolean;
}

export interface GuestBuildOptions {
  /** where guests are cached; default <repo>/build/guest */
  cacheDir?: string;
  /** rebuild even when the cache matches */
  force?: boolean;
  /** progress lines */
  log?: (line: string) => void;
}

interface CacheRecord {
  key: string;
  kernelVersion: string;
  kernelPackage: string;
  kernelPackageVersion: string;
  hasIperf3: boolean;
}

export function defaultGuestCacheDir(): string {
  return projectPath('build', 'guest');
}

/** The kernel package linux-image-amd64 currently depends on, and its version. */
async function resolveKernelPackage(): Promise<{ name: string; version: string } | null> {
  const aptCache = requireTool('apt-cache', 'to find the Debian kernel package');
  let name: string | null = null;
  const depends = await execa(aptCache, ['depends', 'linux-image-amd64'], { reject: false });
  const dep = /Depends:\s*(linux-image-6\.\S+-amd64)\b/.exec(depends.stdout);
  if (dep?.[1] !== undefined && !dep[1].includes('cloud')) name = dep[1];
  if (name === null) {
    // Fall back to the highest-numbered plain amd64 flavour apt knows (the cloud one lacks e1000).
    const search = await execa(aptCache, ['search', '--names-only', '^linux-image-6\\.1\\.0-[0-9]+-amd64$'], { reject: false });
    const names = [...search.stdout.matchAll(/^(linux-image-6\.1\.0-(\d+)-amd64)\s/gm)]
      .map((m) => ({ name: m[1] ?? '', abi: Number(m[2]) }))
      .sort((a, b) => b.abi - a.abi);
    name = names[0]?.name ?? null;
  }
  if (name === null) return null;
  const policy = await execa(aptCache, ['policy', name], { reject: false });
  const candidate = /Candidate:\s*(\S+)/.exec(policy.stdout)?.[1];
  if (candidate === undefined || candidate === '(none)') return null;
  return { name, version: candidate };
}

/** The newest guest already in the cache (used when apt knows no kernel, e.g. offline). */
function newestCachedGuest(cacheDir: string): (CacheRecord & { dir: string }) | null {
  if (!existsSync(cacheDir)) return null;
  const found: (CacheRecord & { dir: string; mtime: number })[] = [];
  for (const entry of readdirSync(cacheDir)) {
    const dir = join(cacheDir, entry);
    const recordPath = join(dir, 'inputs.json');
    if (!existsSync(recordPath) || !existsSync(join(dir, 'vmlinuz')) || !existsSync(join(dir, 'initramfs.cpio.gz'))) continue;
    try {
      const record = JSON.parse(readFileSync(recordPath, 'utf8')) as CacheRecord;
      found.push({ ...record, dir, mtime: statSync(recordPath).mtimeMs });
    } catch {
      // a broken record is just not a usable cache entry
    }
  }
  found.sort((a, b) => b.mtime - a.mtime);
  return found[0] ?? null;
}

/** A host binary and every shared library it loads (path inside the guest = host path). */
async function binaryWithLibraries(binary: string): Promise<string[] | null> {
  const ldd = await execa('ldd', [binary], { reject: false });
  if (ldd.exitCode !== 0) return null;
  const libs = [...ldd.stdout.matchAll(/(\/\S+\.so[^\s]*)/g)].map((m) => m[1] ?? '').filter((p) => p.length > 0);
  return [binary, ...new Set(libs)];
}

/** The host iperf3 with its libraries, or null when iperf3 is not installed. */
async function iperf3Files(): Promise<string[] | null> {
  const iperf3 = findTool('iperf3');
  return iperf3 === null ? null : binaryWithLibraries(iperf3);
}

/** The skeleton every initramfs starts with: the usual directories plus `extraDirs`, and busybox as /bin/sh. */
function baseEntries(busybox: string, extraDirs: readonly string[]): CpioEntry[] {
  const entries: CpioEntry[] = [];
  for (const d of ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'proc', 'sys', 'dev', 'tmp', 'etc', ...extraDirs]) {
    entries.push({ kind: 'dir', path: d, mode: d === 'tmp' ? 0o1777 : 0o755 });
  }
  entries.push({ kind: 'file', path: 'bin/busybox', data: readFileSync(busybox), mode: 0o755 });
  entries.push({ kind: 'symlink', path: 'bin/sh', target: 'busybox' });
  return entries;
}

/** Entries for host files at their own paths, with the directories leading to them. */
function hostFileEntries(files: readonly string[], existing: readonly CpioEntry[]): CpioEntry[] {
  const entries: CpioEntry[] = [];
  const have = new Set(existing.map((e) => e.path));
  for (const file of files) {
    const parts = file.split('/').filter((p) => p.length > 0);
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!have.has(dir)) {
        have.add(dir);
        entries.push({ kind: 'dir', path: dir });
      }
    }
    if (!have.has(file.slice(1))) {
      have.add(file.slice(1));
      entries.push({ kind: 'file', path: file.slice(1), data: readFileSync(realpathSync(file)), mode: 0o755 });
    }
  }
  return entries;
}

function sha256Of(paths: readonly string[]): string {
  const hash = createHash('sha256');
  for (const path of paths) {
    hash.update(path);
    hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}

/** The `depends=` list from a kernel module's .modinfo section. */
function moduleDepends(ko: Buffer): string[] {
  const marker = Buffer.from('\0depends=');
  const at = ko.indexOf(marker);
  if (at < 0) return [];
  const start = at + marker.length;
  const end = ko.indexOf(0, start);
  return ko
    .subarray(start, end < 0 ? undefined : end)
    .toString('utf8')
    .split(',')
    .filter((d) => d.length > 0);
}

const normalizeModuleName = (name: string): string => name.replace(/-/g, '_');

/** Module files (under modulesRoot) for `wanted` plus dependencies, dependencies first. */
function resolveModules(modulesRoot: string, wanted: readonly string[]): string[] {
  const byName = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ko')) byName.set(normalizeModuleName(entry.name.slice(0, -3)), path);
    }
  };
  walk(join(modulesRoot, 'kernel'));
  const builtin = new Set(
    readFileSync(join(modulesRoot, 'modules.builtin'), 'utf8')
      .split('\n')
      .map((line) => normalizeModuleName(basename(line).replace(/\.ko.*$/, '')))
      .filter((n) => n.length > 0),
  );
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string): void => {
    const key = normalizeModuleName(name);
    if (builtin.has(key) || visiting.has(key)) return;
    visiting.add(key);
    const path = byName.get(key);
    if (path === undefined) throw new Error(`kernel module ${name} not found in ${modulesRoot}`);
    for (const dep of moduleDepends(readFileSync(path))) visit(dep);
    ordered.push(path);
  };
  for (const name of wanted) visit(name);
  return ordered;
}

/**
 * Builds (or reuses) the guest. Throws InputError when a needed tool or the kernel
 * package cannot be found, naming what to install.
 */
export async function buildGuest(options: GuestBuildOptions = {}): Promise<GuestImage> {
  const log = options.log ?? (() => {});
  const cacheDir = options.cacheDir ?? defaultGuestCacheDir();
  const busybox = requireTool('busybox', 'for the guest userland');
  const busyboxReal = realpathSync(busybox);
  // A dynamically linked busybox names its ELF interpreter near the start of the file.
  if (readFileSync(busyboxReal).subarray(0, 65536).includes('ld-linux')) {
    throw new InputError(`${busybox} is dynamically linked: install the Debian package busybox-static (apt-get install busybox-static)`);
  }
  const iperf3 = await iperf3Files();

  const kernel = await resolveKernelPackage();
  if (kernel === null) {
    const cached = newestCachedGuest(cacheDir);
    if (cached !== null) {
      log(`guest: apt knows no kernel package; reusing cached guest ${cached.kernelVersion}`);
      return imageFrom(cached.dir, cached, true);
    }
    throw new InputError('no Debian kernel package linux-image-6.1.0-*-amd64 known to apt: run apt-get update');
  }
  const kernelVersion = kernel.name.replace(/^linux-image-/, '');
  const dir = join(cacheDir, kernelVersion);
  const key = createHash('sha256')
    .update(JSON.stringify({ kernel, init: INIT_SCRIPT_VERSION, modules: GUEST_MODULES, nested: NESTED_MODULES }))
    .update(sha256Of([busyboxReal]))
    .update(iperf3 === null ? 'no-iperf3' : sha256Of(iperf3))
    .digest('hex');
  const recordPath = join(dir, 'inputs.json');
  if (!options.force && existsSync(recordPath) && existsSync(join(dir, 'vmlinuz')) && existsSync(join(dir, 'initramfs.cpio.gz'))) {
    try {
      const record = JSON.parse(await readFile(recordPath, 'utf8')) as CacheRecord;
      if (record.key === key) {
        log(`guest: ${kernelVersion} is up to date in ${dir}`);
        return imageFrom(dir, record, true);
      }
    } catch {
      // unreadable record: rebuild
    }
  }

  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'hypersio-guest-'));
  let staging: string | null = null;
  try {
    const kernelFiles = reusableKernelFiles(dir, kernel) ?? (await extractKernel(work, kernel, kernelVersion, log));
    const modules = kernelFiles.modules;

    const entries = baseEntries(busyboxReal, ['modules']);
    const guestModulePaths: string[] = [];
    for (const module of modules) {
      const inGuest = `/modules/${basename(module)}`;
      guestModulePaths.push(inGuest);
      entries.push({ kind: 'file', path: inGuest.slice(1), data: readFileSync(module) });
    }
    if (iperf3 !== null) entries.push(...hostFileEntries(iperf3, entries));
    entries.push({ kind: 'file', path: 'init', data: Buffer.from(generateInitScript(guestModulePaths)), mode: 0o755 });
    const initramfs = gzipSync(buildCpioNewc(entries), { level: 6 });

    // Write into a fresh directory and swap it in, so an interrupted build never leaves a
    // cache entry that looks complete.
    staging = await mkdtemp(join(cacheDir, `.${kernelVersion}-`));
    await writeFile(join(staging, 'vmlinuz'), readFileSync(kernelFiles.vmlinuz));
    // Keep the kernel's parts so a rebuild for another input needs no new download.
    await mkdir(join(staging, 'modules'));
    for (const module of modules) await writeFile(join(staging, 'modules', basename(module)), readFileSync(module));
    await mkdir(join(staging, 'modules-nested'));
    for (const module of kernelFiles.nestedModules) await writeFile(join(staging, 'modules-nested', basename(module)), readFileSync(module));
    const kernelRecord: KernelRecord = {
      package: kernel.name,
      version: kernel.version,
      modules: modules.map((m) => basename(m)),
      nestedModules: kernelFiles.nestedModules.map((m) => basename(m)),
    };
    await writeFile(join(staging, 'kernel.json'), JSON.stringify(kernelRecord, null, 2) + '\n');
    await writeFile(join(staging, 'initramfs.cpio.gz'), initramfs);
    const record: CacheRecord = { key, kernelVersion, kernelPackage: kernel.name, kernelPackageVersion: kernel.version, hasIperf3: iperf3 !== null };
    await writeFile(join(staging, 'inputs.json'), JSON.stringify(record, null, 2) + '\n');
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    staging = null;
    log(`guest: built ${kernelVersion} in ${dir} (initramfs ${(initramfs.length / 1048576).toFixed(1)} MiB, ${modules.length} modules${iperf3 === null ? ', no iperf3' : ', iperf3'})`);
    return imageFrom(dir, record, false);
  } finally {
    await rm(work, { recursive: true, force: true });
    if (staging !== null) await rm(staging, { recursive: true, force: true });
  }
}

interface KernelRecord {
  package: string;
  version: string;
  /** module file names in load order, kept in <dir>/modules/ */
  modules: string[];
  /** the nested-mode L1 modules, kept in <dir>/modules-nested/ */
  nestedModules: string[];
}

interface KernelFiles {
  vmlinuz: string;
  /** module files in load order */
  modules: string[];
  nestedModules: string[];
}

/** The kernel parts of a previous build of the same kernel package version, if complete. */
function reusableKernelFiles(dir: string, kernel: { name: string; version: string }): KernelFiles | null {
  try {
    const record = JSON.parse(readFileSync(join(dir, 'kernel.json'), 'utf8')) as KernelRecord;
    if (record.package !== kernel.name || record.version !== kernel.version) return null;
    if (!Array.isArray(record.nestedModules)) return null;
    const files = {
      vmlinuz: join(dir, 'vmlinuz'),
      modules: record.modules.map((m) => join(dir, 'modules', m)),
      nestedModules: record.nestedModules.map((m) => join(dir, 'modules-nested', m)),
    };
    return [files.vmlinuz, ...files.modules, ...files.nestedModules].every((f) => existsSync(f)) ? files : null;
  } catch {
    return null;
  }
}

/** apt-get download + dpkg-deb -x of the kernel package into `work`. */
async function extractKernel(work: string, kernel: { name: string; version: string }, kernelVersion: string, log: (line: string) => void): Promise<KernelFiles> {
  const aptGet = requireTool('apt-get', 'to download the Debian kernel');
  const dpkgDeb = requireTool('dpkg-deb', 'to unpack the Debian kernel');
  log(`guest: downloading ${kernel.name} ${kernel.version}`);
  const download = await execa(aptGet, ['download', `${kernel.name}=${kernel.version}`], { cwd: work, reject: false, all: true });
  const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
  if (download.exitCode !== 0 || deb === undefined) {
    const reason = (download.all ?? '').split('\n').filter((l) => /^E:/.test(l))[0] ?? `exit status ${download.exitCode}`;
    throw new Error(`apt-get download ${kernel.name} failed: ${reason}`);
  }
  log(`guest: unpacking ${deb}`);
  const root = join(work, 'root');
  const unpack = await execa(dpkgDeb, ['-x', join(work, deb), root], { reject: false, all: true });
  if (unpack.exitCode !== 0) throw new Error(`dpkg-deb -x ${deb} failed: ${(unpack.all ?? '').split('\n')[0] ?? ''}`);
  const modulesRoot = join(root, 'lib', 'modules', kernelVersion);
  const vmlinuz = join(root, 'boot', `vmlinuz-${kernelVersion}`);
  if (!existsSync(vmlinuz) || !existsSync(modulesRoot)) throw new Error(`${deb} has no boot/vmlinuz-${kernelVersion} or its modules`);
  return { vmlinuz, modules: resolveModules(modulesRoot, GUEST_MODULES), nestedModules: resolveModules(modulesRoot, NESTED_MODULES) };
}

function imageFrom(dir: string, record: CacheRecord, cached: boolean): GuestImage {
  return {
    dir,
    kernelVersion: record.kernelVersion,
    kernelPackage: record.kernelPackage,
    kernelPackageVersion: record.kernelPackageVersion,
    kernelPath: join(dir, 'vmlinuz'),
    initrdPath: join(dir, 'initramfs.cpio.gz'),
    hasIperf3: record.hasIperf3,
    cached,
  };
}

/**
 * The nested-mode L1 initramfs (built on first use, cached next to the guest): busybox,
 * the kvm/vfio modules, the host's qemu-system-x86_64 with its libraries and the firmware
 * an L2 boot needs, and the plain guest (/l2/vmlinuz, /l2/initramfs.cpio.gz) for the L2s.
 */
export async function buildNestedInitramfs(guest: GuestImage, log: (line: string) => void = () => {}): Promise<string> {
  const qemu = requireTool('qemu-system-x86_64', 'inside the nested-mode L1 guest');
  const record = JSON.parse(readFileSync(join(guest.dir, 'kernel.json'), 'utf8')) as KernelRecord;
  const qemuFiles = await binaryWithLibraries(realpathSync(qemu));
  if (qemuFiles === null) throw new Error(`ldd ${qemu} failed: cannot collect QEMU's libraries for the L1 guest`);
  for (const firmware of L2_FIRMWARE) {
    if (!existsSync(firmware)) throw new InputError(`${firmware} not found: install the Debian packages qemu-system-x86 and seabios`);
  }
  const busybox = realpathSync(requireTool('busybox', 'for the guest userland'));
  const nestedModulePaths = record.nestedModules.map((m) => `/modules-nested/${m}`);
  const init = generateInitScript([], nestedModulePaths);
  const key = createHash('sha256')
    .update(readFileSync(join(guest.dir, 'inputs.json')))
    .update(init)
    .update(sha256Of([...qemuFiles, ...L2_FIRMWARE, busybox]))
    .digest('hex');
  const path = join(guest.dir, 'initramfs-nested.cpio.gz');
  const recordPath = join(guest.dir, 'nested.json');
  try {
    if (existsSync(path) && (JSON.parse(readFileSync(recordPath, 'utf8')) as { key?: string }).key === key) return path;
  } catch {
    // rebuild below
  }
  log('guest: building the nested-mode L1 initramfs');
  const entries = baseEntries(busybox, ['modules-nested', 'l2']);
  for (const m of record.nestedModules) entries.push({ kind: 'file', path: `modules-nested/${m}`, data: readFileSync(join(guest.dir, 'modules-nested', m)) });
  entries.push(...hostFileEntries(qemuFiles, entries));
  // QEMU finds itself as /usr/bin/qemu-system-x86_64 on PATH.
  if (!qemuFiles[0]?.startsWith('/usr/bin/')) entries.push({ kind: 'symlink', path: 'usr/bin/qemu-system-x86_64', target: qemuFiles[0] ?? '' });
  entries.push(...hostFileEntries(L2_FIRMWARE, entries));
  entries.push({ kind: 'file', path: 'l2/vmlinuz', data: readFileSync(guest.kernelPath) });
  entries.push({ kind: 'file', path: 'l2/initramfs.cpio.gz', data: readFileSync(guest.initrdPath) });
  entries.push({ kind: 'file', path: 'init', data: Buffer.from(init), mode: 0o755 });
  const partial = `${path}.partial-${process.pid}`;
  try {
    await writeFile(partial, gzipSync(buildCpioNewc(entries), { level: 1 }));
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
  await writeFile(recordPath, JSON.stringify({ key }, null, 2) + '\n');
  log(`guest: nested-mode L1 initramfs ${path}`);
  return path;
}
