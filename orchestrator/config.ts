/**
 * The model's configuration: one typed object, its defaults (the reference's "base"
 * architecture), the reference's `.cfg` cache-file format, and validation, all derived
 * from the parameter table (parameters.ts). No Node APIs here: the browser demo uses
 * this module too (reading a .cfg file from disk is in config-file.ts).
 */
import { InputError } from '../core/errors.js';
import { checkParameterValue, MODEL_PARAMETERS, PACKET_BYTES, type CacheGeometry, type CacheKey, type CfgKey, type CfgSection, type ModelConfig } from './parameters.js';

export { IOTLB_POLICIES, type CacheGeometry, type IotlbPolicy, type ModelConfig } from './parameters.js';

/** The reference's "base" architecture (spec model.md, last section): every parameter's default. */
export function baseConfig(): ModelConfig {
  // The skeleton fixes the key order (it is part of a sweep job's identity); the values
  // are MODEL_PARAMETERS' defaults.
  const geometry = (): CacheGeometry => ({ size: 0, assoc: 0, groups: 1 });
  const config: ModelConfig = {
    cc: geometry(),
    iotlb: geometry(),
    l2page: geometry(),
    l3page: geometry(),
    prefetch: { bufferSize: 0, historyLength: 0, distance: 0 },
    tq: 0,
    outOfOrder: true,
    selectiveAlloc: false,
    iotlbPolicy: 'lru',
    setIndex: 'group-bits',
    prefetchScheme: 'sid-successor',
    linkGbps: 0,
    seed: 0,
    idealIotlb: false,
    idealCc: false,
    idealWalkCaches: false,
  };
  for (const p of MODEL_PARAMETERS) p.write(config, p.default);
  return config;
}

/** Nanoseconds between packet slots at `linkGbps`: floor(1542 * 8 / linkGbps). */
export function interArrivalNs(linkGbps: number): number {
  return Math.floor((PACKET_BYTES * 8) / linkGbps);
}

/** The rate packets are offered at: one packet of 1542 B every floor(12336 / linkGbps) ns. */
export function offeredLinkGbps(linkGbps: number): number {
  return (PACKET_BYTES * 8) / interArrivalNs(linkGbps);
}

/** How far the offered rate may be from the nominal one before the results say so. */
export const OFFERED_RATE_TOLERANCE = 0.01;

/** Whether the offered rate is more than 1 % from the nominal `linkGbps` (above ~1000 Gb/s, up to 2×). */
export function offeredRateDiffers(linkGbps: number): boolean {
  return Math.abs(offeredLinkGbps(linkGbps) - linkGbps) > OFFERED_RATE_TOLERANCE * linkGbps;
}

/**
 * The note shown when the offered rate differs (the reference's arithmetic is kept, so
 * utilization, a share of the nominal rate, can pass 100 %), or undefined.
 */
export function offeredRateNote(linkGbps: number): string | undefined {
  if (!offeredRateDiffers(linkGbps)) return undefined;
  const offered = offeredLinkGbps(linkGbps);
  const off = ((offered - linkGbps) / linkGbps) * 100;
  return (
    `at ${linkGbps} Gb/s packets arrive every ${interArrivalNs(linkGbps)} ns (floor(${PACKET_BYTES * 8} / ${linkGbps}), the reference's arithmetic): ` +
    `${offered.toFixed(1)} Gb/s offered, ${off.toFixed(1)} % above the nominal rate that utilization is a share of`
  );
}

// ---------------------------------------------------------------------------
// The reference's cache configuration file.

/** Sections of the `.cfg` format, in the reference's order; L1PAGE is accepted by the reference, not modelled. */
const CFG_SECTIONS: readonly (CfgSection | 'L1PAGE')[] = ['CC', 'IOTLB', 'L2PAGE', 'L3PAGE', 'L1PAGE', 'PREFETCH'];
const CFG_KEYS: readonly CfgKey[] = ['size', 'assoc', 'groups', 'histlen'];
const cfgParameter = (section: string, key: string) => MODEL_PARAMETERS.find((p) => p.cfg?.section === section && p.cfg.key === key);

/**
 * Applies a `.cfg` text (the reference's format, docs/cfg-format.md) onto `config`. A key
 * no parameter reads in its section (e.g. `histlen` of a cache) is accepted and ignored,
 * as the reference does; a section or key given twice, a file with no setting at all, a
 * value out of range or a cache of impossible shape is an error naming `file:line`.
 */
export function applyCacheConfigText(config: ModelConfig, text: string, fileName: string): ModelConfig {
  let section: string | undefined;
  /** Line of each section and `section.key` seen so far. */
  const seen = new Map<string, number>();
  const once = (what: string, line: number, described: string) => {
    const first = seen.get(what);
    if (first !== undefined) throw new InputError(`${fileName}:${line}: ${described} again (first at line ${first})`);
    seen.set(what, line);
  };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const where = `${fileName}:${i + 1}`;
    if (line === '' || line.startsWith('//')) return;
    const colon = line.indexOf(':');
    if (colon < 0) {
      if (!(CFG_SECTIONS as readonly string[]).includes(line)) {
        throw new InputError(`${where}: unknown section '${line}' (expected ${CFG_SECTIONS.join(', ')})`);
      }
      once(line, i + 1, `section ${line}`);
      section = line;
      return;
    }
    const key = line.slice(0, colon).trim();
    const valueText = line.slice(colon + 1).trim();
    if (section === undefined) throw new InputError(`${where}: '${key}' appears before any section`);
    if (!(CFG_KEYS as readonly string[]).includes(key)) {
      throw new InputError(`${where}: unknown key '${key}' in section ${section} (expected ${CFG_KEYS.join(', ')})`);
    }
    once(`${section}.${key}`, i + 1, `key '${key}' of section ${section}`);
    if (!/^\d+$/.test(valueText)) throw new InputError(`${where}: ${section} ${key} is not a non-negative integer: '${valueText}'`);
    const parameter = cfgParameter(section, key);
    if (parameter) (parameter.cfg?.write ?? parameter.write)(config, Number(valueText));
  });
  if (seen.size === 0) throw new InputError(`${fileName}: empty config file (no section; see docs/cfg-format.md)`);
  checkCacheConfigLines(config, seen, fileName);
  return config;
}

/** Writes `config`'s caches in the reference's `.cfg` format (0 for a key no parameter reads). */
export function formatCacheConfig(config: ModelConfig): string {
  return CFG_SECTIONS.filter((section) => section !== 'L1PAGE')
    .map((section) => `${section}\n${CFG_KEYS.map((key) => `${key}:${String(cfgParameter(section, key)?.read(config) ?? 0)}\n`).join('')}//--------------------------------\n`)
    .join('');
}

// ---------------------------------------------------------------------------
// Validation

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;
const CACHES: Record<CacheKey, CfgSection> = { cc: 'CC', iotlb: 'IOTLB', l2page: 'L2PAGE', l3page: 'L3PAGE' };

/**
 * Checks everything the model relies on: each parameter's declared range, then the
 * caches' shape; throws an InputError naming `source` (the config file or flags the
 * values came from) and the problem.
 */
export function validateConfig(config: ModelConfig, source = 'config'): ModelConfig {
  for (const p of MODEL_PARAMETERS) checkParameterValue(p, config, source);
  for (const key of Object.keys(CACHES) as CacheKey[]) {
    const problem = cacheShapeProblem(CACHES[key], config[key]);
    if (problem) throw new InputError(`${source}: ${problem}`);
  }
  return config;
}

/** What is wrong with the shape of a cache (`name`: its `.cfg` section), or undefined. */
function cacheShapeProblem(name: CfgSection, { size, assoc, groups }: CacheGeometry): string | undefined {
  if (assoc === 0) return size === 0 ? undefined : `${name} size ${size} with assoc 0 (use size 0 and assoc 0 for no cache)`;
  if (size % assoc !== 0) return `${name} size ${size} is not divisible by assoc ${assoc}`;
  const sets = size / assoc;
  if (sets === 0) return undefined;
  if (!isPowerOfTwo(sets)) return `${name} has ${sets} sets (size/assoc), not a power of two`;
  if (!isPowerOfTwo(groups)) return `${name} groups ${groups} is not a power of two`;
  if (groups > sets) return `${name} groups ${groups} do not divide its ${sets} sets`;
  return undefined;
}

/**
 * The file's own values, checked where they are written (`file:line`): each against its
 * parameter's range at its line, each cache's shape at its section's line. The flags
 * applied after the file are checked with the whole configuration.
 */
function checkCacheConfigLines(config: ModelConfig, seen: ReadonlyMap<string, number>, fileName: string): void {
  for (const p of MODEL_PARAMETERS) {
    const line = p.cfg && seen.get(`${p.cfg.section}.${p.cfg.key}`);
    if (line !== undefined) checkParameterValue(p, config, `${fileName}:${line}`);
  }
  for (const key of Object.keys(CACHES) as CacheKey[]) {
    const line = seen.get(CACHES[key]);
    const problem = line === undefined ? undefined : cacheShapeProblem(CACHES[key], config[key]);
    if (problem) throw new InputError(`${fileName}:${line}: ${problem}`);
  }
}

/**
 * Link utilizations this close (a fraction: 0.001 = 0.1 percentage point) are ties: in a
 * sweep summary's best configuration and in explain's ranking, a difference this small
 * is not worth buying hardware for.
 */
export const TIE_TOLERANCE = 0.001;
