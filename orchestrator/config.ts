/**
 * The model's configuration: one typed object, its defaults (the reference's "base"
 * architecture), the reference's `.cfg` cache-file format, and validation. This file is
 * the single source of truth for every model option: the CLI flags (run, sweep) and
 * their help text are generated from MODEL_OPTIONS below. No Node APIs here: the browser
 * demo uses this module too (reading a .cfg file from disk is in config-file.ts).
 */
import { InputError } from '../core/errors.js';

export interface CacheGeometry {
  /** Entries. */
  size: number;
  /** Ways per set (0 with size 0: the cache is absent). */
  assoc: number;
  /** Partitions of the sets, chosen by the low bits of the did. */
  groups: number;
}

export interface PrefetchConfig {
  /** Prefetch-buffer entries (fully associative, LRU); 0 = no buffer. */
  bufferSize: number;
  /** Pages remembered per sid. */
  historyLength: number;
  /** Prediction distance D: requests between a sid and the successor it learns. */
  distance: number;
}

export type IotlbPolicy = 'lru' | 'lfu' | 'oracle';
export const IOTLB_POLICIES: readonly IotlbPolicy[] = ['lru', 'lfu', 'oracle'];

export interface ModelConfig {
  cc: CacheGeometry;
  iotlb: CacheGeometry;
  l2page: CacheGeometry;
  l3page: CacheGeometry;
  prefetch: PrefetchConfig;
  /** Translation window: a packet is admitted only while fewer are in flight. */
  tq: number;
  outOfOrder: boolean;
  selectiveAlloc: boolean;
  iotlbPolicy: IotlbPolicy;
  linkGbps: number;
  /** Seed of the LFU policy's random tie-breaking. */
  seed: number;
}

/** The reference's "base" architecture (../shared/spec/model.md, last section). */
export function baseConfig(): ModelConfig {
  return {
    cc: { size: 1536, assoc: 1536, groups: 1 },
    iotlb: { size: 64, assoc: 8, groups: 1 },
    l2page: { size: 512, assoc: 16, groups: 1 },
    l3page: { size: 1024, assoc: 16, groups: 1 },
    prefetch: { bufferSize: 0, historyLength: 2, distance: 32 },
    tq: 1,
    outOfOrder: true,
    selectiveAlloc: false,
    iotlbPolicy: 'lru',
    linkGbps: 200,
    seed: 1,
  };
}

export const PACKET_BYTES = 1542;
/** Nanoseconds between packet slots at `linkGbps`: floor(1542 * 8 / linkGbps). */
export function interArrivalNs(linkGbps: number): number {
  return Math.floor((PACKET_BYTES * 8) / linkGbps);
}

// ---------------------------------------------------------------------------
// The reference's cache configuration file.

type CacheSection = 'cc' | 'iotlb' | 'l2page' | 'l3page';
const SECTIONS: Record<string, CacheSection | 'prefetch' | 'ignored'> = {
  CC: 'cc',
  IOTLB: 'iotlb',
  L2PAGE: 'l2page',
  L3PAGE: 'l3page',
  L1PAGE: 'ignored', // accepted by the reference, not modelled
  PREFETCH: 'prefetch',
};
const KEYS = ['size', 'assoc', 'groups', 'histlen'] as const;

/** Applies a `.cfg` text (the reference's format, ../shared/spec/formats.md) onto `config`. */
export function applyCacheConfigText(config: ModelConfig, text: string, fileName: string): ModelConfig {
  let section: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const where = `${fileName}:${i + 1}`;
    if (line === '' || line.startsWith('//')) return;
    const colon = line.indexOf(':');
    if (colon < 0) {
      if (!(line in SECTIONS)) {
        throw new InputError(`${where}: unknown section '${line}' (expected ${Object.keys(SECTIONS).join(', ')})`);
      }
      section = line;
      return;
    }
    const key = line.slice(0, colon).trim();
    const valueText = line.slice(colon + 1).trim();
    if (section === undefined) throw new InputError(`${where}: '${key}' appears before any section`);
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new InputError(`${where}: unknown key '${key}' in section ${section} (expected ${KEYS.join(', ')})`);
    }
    if (!/^\d+$/.test(valueText)) throw new InputError(`${where}: ${section} ${key} is not a non-negative integer: '${valueText}'`);
    const value = Number(valueText);
    const target = SECTIONS[section];
    if (target === 'ignored') return;
    if (target === 'prefetch') {
      // PREFETCH: size = buffer entries, assoc = prediction distance, histlen = history.
      if (key === 'size') config.prefetch.bufferSize = value;
      else if (key === 'assoc') config.prefetch.distance = value;
      else if (key === 'histlen') config.prefetch.historyLength = value;
      return;
    }
    if (target !== undefined && key !== 'histlen') config[target][key as keyof CacheGeometry] = value;
  });
  return config;
}

/** Writes `config`'s caches in the reference's `.cfg` format. */
export function formatCacheConfig(config: ModelConfig): string {
  const section = (name: string, size: number, assoc: number, groups: number, histlen: number) =>
    `${name}\nsize:${size}\nassoc:${assoc}\ngroups:${groups}\nhistlen:${histlen}\n//--------------------------------\n`;
  return (
    section('CC', config.cc.size, config.cc.assoc, config.cc.groups, 0) +
    section('IOTLB', config.iotlb.size, config.iotlb.assoc, config.iotlb.groups, 0) +
    section('L2PAGE', config.l2page.size, config.l2page.assoc, config.l2page.groups, 0) +
    section('L3PAGE', config.l3page.size, config.l3page.assoc, config.l3page.groups, 0) +
    section('PREFETCH', config.prefetch.bufferSize, config.prefetch.distance, 0, config.prefetch.historyLength)
  );
}

// ---------------------------------------------------------------------------
// Validation

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;
const CACHE_NAMES: Record<CacheSection, string> = { cc: 'CC', iotlb: 'IOTLB', l2page: 'L2PAGE', l3page: 'L3PAGE' };

/**
 * Checks everything the model relies on; throws an InputError naming `source` (the
 * config file or flags the values came from) and the problem.
 */
export function validateConfig(config: ModelConfig, source = 'config'): ModelConfig {
  for (const key of Object.keys(CACHE_NAMES) as CacheSection[]) {
    const { size, assoc, groups } = config[key];
    const name = CACHE_NAMES[key];
    for (const [field, value] of Object.entries({ size, assoc, groups })) {
      if (!Number.isInteger(value) || value < 0 || value > 1 << 24) {
        throw new InputError(`${source}: ${name} ${field} must be an integer from 0 to 16777216, got ${value}`);
      }
    }
    if (assoc === 0) {
      if (size !== 0) throw new InputError(`${source}: ${name} size ${size} with assoc 0 (use size 0 and assoc 0 for no cache)`);
      continue;
    }
    if (size % assoc !== 0) throw new InputError(`${source}: ${name} size ${size} is not divisible by assoc ${assoc}`);
    const sets = size / assoc;
    if (sets === 0) continue;
    if (!isPowerOfTwo(sets)) throw new InputError(`${source}: ${name} has ${sets} sets (size/assoc), not a power of two`);
    if (!isPowerOfTwo(groups)) throw new InputError(`${source}: ${name} groups ${groups} is not a power of two`);
    if (groups > sets) throw new InputError(`${source}: ${name} groups ${groups} do not divide its ${sets} sets`);
  }
  const p = config.prefetch;
  if (!Number.isInteger(p.bufferSize) || p.bufferSize < 0 || p.bufferSize > 1 << 20) {
    throw new InputError(`${source}: PREFETCH size must be an integer from 0 to 1048576, got ${p.bufferSize}`);
  }
  if (!Number.isInteger(p.historyLength) || p.historyLength < 1 || p.historyLength > 4096) {
    throw new InputError(`${source}: PREFETCH histlen (history length) must be an integer from 1 to 4096, got ${p.historyLength}`);
  }
  if (!Number.isInteger(p.distance) || p.distance < 1 || p.distance > 1 << 20) {
    throw new InputError(`${source}: PREFETCH assoc (prediction distance) must be an integer from 1 to 1048576, got ${p.distance}`);
  }
  if (!Number.isInteger(config.tq) || config.tq < 1 || config.tq > 1 << 20) {
    throw new InputError(`--tq: must be an integer from 1 to 1048576, got ${config.tq}`);
  }
  if (!(config.linkGbps > 0) || interArrivalNs(config.linkGbps) < 1) {
    throw new InputError(`--link-gbps: must be a number from 1 to ${PACKET_BYTES * 8}, got ${config.linkGbps}`);
  }
  if (!IOTLB_POLICIES.includes(config.iotlbPolicy)) {
    throw new InputError(`--iotlb-policy: unknown policy '${config.iotlbPolicy}' (expected ${IOTLB_POLICIES.join(', ')})`);
  }
  if (!Number.isInteger(config.seed) || config.seed < 0 || config.seed > Number.MAX_SAFE_INTEGER) {
    throw new InputError(`--seed: must be a non-negative integer, got ${config.seed}`);
  }
  return config;
}

// ---------------------------------------------------------------------------
// Options that the CLI exposes as flags (run, sweep). One entry per option: its flag,
// the original tool's name for it, help text, and how a flag value is parsed.

export interface ModelOption {
  /** Long flag without dashes, e.g. 'tq'. */
  flag: string;
  /** The original HyperSIO tool's flag, kept working. */
  legacyFlag?: string;
  /** Takes a value (else a boolean switch). */
  valueName?: string;
  description: string;
  apply(config: ModelConfig, value: string | boolean): void;
}

function parseInteger(flag: string, text: string, min: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) {
    throw new InputError(`--${flag}: expected an integer >= ${min}, got '${text}'`);
  }
  return Number(text);
}

function parsePositiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new InputError(`--${flag}: expected a positive number, got '${text}'`);
  return value;
}

export const MODEL_OPTIONS: readonly ModelOption[] = [
  {
    flag: 'tq',
    legacyFlag: 'tqueue',
    valueName: 'n',
    description: 'translation window: packets are admitted while fewer than n translations are in flight (default 1)',
    apply: (c, v) => (c.tq = parseInteger('tq', String(v), 1)),
  },
  {
    flag: 'in-order',
    legacyFlag: 'inorder',
    description: 'in-order (FIFO) queues instead of out-of-order',
    apply: (c, v) => (c.outOfOrder = !v),
  },
  {
    flag: 'salloc',
    description: 'selective allocation: IOTLB, L2PAGE, L3PAGE each filled only by their own did range',
    apply: (c, v) => (c.selectiveAlloc = Boolean(v)),
  },
  {
    flag: 'iotlb-policy',
    legacyFlag: 'iotlbrepl',
    valueName: 'lru|lfu|oracle',
    description: 'IOTLB replacement policy (default lru)',
    apply: (c, v) => {
      const policy = String(v).toLowerCase();
      if (!(IOTLB_POLICIES as readonly string[]).includes(policy)) {
        throw new InputError(`--iotlb-policy: unknown policy '${String(v)}' (expected ${IOTLB_POLICIES.join(', ')})`);
      }
      c.iotlbPolicy = policy as IotlbPolicy;
    },
  },
  {
    flag: 'link-gbps',
    legacyFlag: 'linkbwgbps',
    valueName: 'n',
    description: 'link bandwidth in Gb/s; packets of 1542 B arrive every floor(12336/n) ns (default 200)',
    apply: (c, v) => (c.linkGbps = parsePositiveNumber('link-gbps', String(v))),
  },
  {
    flag: 'seed',
    valueName: 'n',
    description: 'seed of the LFU policy\'s random choice among tied victims (default 1)',
    apply: (c, v) => (c.seed = parseInteger('seed', String(v), 0)),
  },
];
