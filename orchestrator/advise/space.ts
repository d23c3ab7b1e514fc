/**
 * What advise may change: every hardware parameter of MODEL_PARAMETERS (cache sizes, ways
 * and groups, IOTLB policy, selective allocation, prefetch buffer, history and distance,
 * tq), each over an ordered list of values (powers of two, and the starting value),
 * narrowed by the user's --fix, --min, --max and --vary. A point of the space is one value
 * per parameter; its configuration is the starting one with those values written in the
 * table's order.
 */
import { InputError } from '../../core/errors.js';
import { validateConfig, type ModelConfig } from '../config.js';
import { MODEL_PARAMETERS, parseParameter, type ModelParameter, type ParameterValue } from '../parameters.js';

const powersOfTwo = (from: number, to: number) => {
  const values: number[] = [];
  for (let v = from; v <= to; v *= 2) values.push(v);
  return values;
};

/**
 * The values advise tries for each parameter it may change, smallest (cheapest) first.
 * Not here, and never changed: the queue order (costs nothing in the model), the link
 * rate and the LFU seed (not hardware), the ideal modes (limit studies), and the
 * `oracle` policy (it needs the future: a limit study too).
 */
const DEFAULT_DOMAINS: Readonly<Record<string, readonly ParameterValue[]>> = {
  iotlbSize: powersOfTwo(16, 65_536),
  iotlbWays: [...powersOfTwo(1, 1024), 'fa'],
  iotlbGroups: powersOfTwo(1, 256),
  iotlbPolicy: ['lru', 'lfu'],
  ccSize: powersOfTwo(16, 16_384),
  ccWays: [...powersOfTwo(1, 1024), 'fa'],
  ccGroups: powersOfTwo(1, 256),
  l2pageSize: [0, ...powersOfTwo(16, 65_536)],
  l2pageWays: [...powersOfTwo(1, 1024), 'fa'],
  l2pageGroups: powersOfTwo(1, 256),
  l3pageSize: [0, ...powersOfTwo(16, 65_536)],
  l3pageWays: [...powersOfTwo(1, 1024), 'fa'],
  l3pageGroups: powersOfTwo(1, 256),
  salloc: [false, true],
  prefetchBuffer: [0, ...powersOfTwo(4, 1024)],
  prefetchHistory: powersOfTwo(1, 64),
  prefetchDistance: powersOfTwo(1, 1024),
  tq: powersOfTwo(1, 1024),
};

const parameterOf = (key: string) => MODEL_PARAMETERS.find((p) => p.key === key) as ModelParameter;

/** Keys advise may change, in MODEL_PARAMETERS order. */
export const ADVISE_KEYS: readonly string[] = MODEL_PARAMETERS.map((p) => p.key).filter((key) => key in DEFAULT_DOMAINS);

export interface SearchLimits {
  /** Parameters held at one value (`--fix tq=32`), as text. */
  fix?: Readonly<Record<string, string>>;
  /** Largest and smallest values of numeric parameters (`--max iotlbSize=4096`), as text. */
  max?: Readonly<Record<string, string>>;
  min?: Readonly<Record<string, string>>;
  /** Only these parameters change (default: every one of ADVISE_KEYS); the rest keep the start's values. */
  vary?: readonly string[];
}

export type Point = Record<string, ParameterValue>;

export interface SearchSpace {
  /** The configuration points are written onto (`--config` and the model flags). */
  base: ModelConfig;
  /** The values of each parameter that varies, in order (cheapest first). */
  domains: Record<string, ParameterValue[]>;
  /** The starting point: the base's values, moved inside the limits. */
  start: Point;
}

/** A parameter named by its key (`iotlbSize`) or its flag (`iotlb-size`), for --fix/--min/--max/--vary. */
export function adviseParameter(name: string, flag: string): ModelParameter {
  const p = MODEL_PARAMETERS.find((q) => q.key === name || q.flag === name || q.aliases.includes(name));
  if (!p) throw new InputError(`${flag} ${name}: unknown parameter (expected one of ${ADVISE_KEYS.join(', ')})`);
  if (!ADVISE_KEYS.includes(p.key)) {
    const why = p.key === 'queue' ? 'the queue order costs nothing in the cost model' : p.key.startsWith('ideal') ? 'an ideal mode is a limit study, not hardware' : 'it is not hardware advise buys';
    throw new InputError(`${flag} ${name}: advise never changes ${p.key} (${why}); set it for every configuration with --${p.flag}`);
  }
  return p;
}

/** Ways: `fa` (fully associative, as many ways as entries) comes after every number. */
const numericValue = (value: ParameterValue) => (typeof value === 'number' ? value : value === 'fa' ? Number.POSITIVE_INFINITY : Number.NaN);
const isOrdered = (p: ModelParameter) => p.kind === 'integer' || p.kind === 'number';

/** A parameter's value in `config`, as a point holds it (ways equal to the size: `fa`). */
function pointValue(p: ModelParameter, config: ModelConfig): ParameterValue {
  const value = p.read(config);
  const cache = /^(cc|iotlb|l2page|l3page)Ways$/.exec(p.key)?.[1] as 'cc' | 'iotlb' | 'l2page' | 'l3page' | undefined;
  return cache !== undefined && (value === config[cache].size || config[cache].size === 0) ? 'fa' : value;
}
const sameValue = (a: ParameterValue, b: ParameterValue) => a === b;

/** The search space from the starting configuration and the user's limits (InputError naming the flag). */
export function buildSearchSpace(base: ModelConfig, limits: SearchLimits = {}): SearchSpace {
  const parse = (flag: string, entries: Readonly<Record<string, string>> | undefined) => {
    const parsed = new Map<string, ParameterValue>();
    for (const [name, text] of Object.entries(entries ?? {})) {
      const p = adviseParameter(name, flag);
      let value: ParameterValue;
      try {
        value = parseParameter(p, text);
      } catch (err) {
        throw new InputError(`${flag} ${name}=${text}: ${(err as Error).message.replace(/^--[\w-]+:\s*/, '')}`);
      }
      if (flag !== '--fix' && !isOrdered(p)) throw new InputError(`${flag} ${name}=${text}: ${p.key} is not numeric (use --fix)`);
      if (parsed.has(p.key)) throw new InputError(`${flag} ${name}: given twice`);
      parsed.set(p.key, value);
    }
    return parsed;
  };
  const fix = parse('--fix', limits.fix);
  const max = parse('--max', limits.max);
  const min = parse('--min', limits.min);
  const vary = limits.vary?.map((name) => adviseParameter(name, '--vary').key);
  for (const key of fix.keys()) {
    if (max.has(key) || min.has(key)) throw new InputError(`--fix ${key}: also given to ${max.has(key) ? '--max' : '--min'}`);
  }

  const domains: Record<string, ParameterValue[]> = {};
  const start: Point = {};
  for (const key of ADVISE_KEYS) {
    const p = parameterOf(key);
    const current = pointValue(p, base);
    const fixed = fix.get(key);
    if (fixed !== undefined) {
      domains[key] = [fixed];
      start[key] = fixed;
      continue;
    }
    if (vary !== undefined && !vary.includes(key)) continue;
    let values = [...(DEFAULT_DOMAINS[key] ?? [])];
    if (!values.some((v) => sameValue(v, current))) values.push(current);
    if (isOrdered(p)) values.sort((a, b) => numericValue(a) - numericValue(b));
    const lo = min.get(key);
    const hi = max.get(key);
    if (lo !== undefined && hi !== undefined && numericValue(lo) > numericValue(hi)) throw new InputError(`--min ${key}=${String(lo)}: above --max ${key}=${String(hi)}`);
    if (lo !== undefined) values = values.filter((v) => numericValue(v) >= numericValue(lo));
    if (hi !== undefined) values = values.filter((v) => numericValue(v) <= numericValue(hi));
    // A limit that is itself a value (--max iotlbSize=3000) is one too.
    for (const bound of [lo, hi]) if (bound !== undefined && !values.some((v) => sameValue(v, bound))) values.push(bound);
    if (isOrdered(p)) values.sort((a, b) => numericValue(a) - numericValue(b));
    domains[key] = values;
    // The start moves inside the limits: to the nearest allowed value (fully associative
    // counting as its size: under --max ways=16 a 64-entry one starts at 16 ways).
    const cacheSize = (value: ParameterValue) => (value === 'fa' ? (base[key.replace(/Ways$/, '') as 'cc'].size ?? 0) : numericValue(value));
    const distance = (v: ParameterValue) => (sameValue(v, current) ? -1 : isOrdered(p) ? Math.abs(Math.log2(cacheSize(v) + 1) - Math.log2(cacheSize(current) + 1)) : 0);
    start[key] = values.reduce((best, v) => (distance(v) < distance(best) ? v : best), values[0] as ParameterValue);
  }
  // A bound on a parameter that --vary leaves out would bound nothing.
  for (const key of [...max.keys(), ...min.keys()]) {
    if (!(key in domains)) throw new InputError(`--${max.has(key) ? 'max' : 'min'} ${key}: not among --vary's parameters`);
  }
  const space = { base, domains, start };
  try {
    validateConfig(applyPoint(space, start), 'advise: the starting configuration within the limits');
  } catch (err) {
    throw new InputError(`${(err as Error).message} (adjust --fix, --min or --max)`);
  }
  return space;
}

function applyPoint(space: SearchSpace, point: Point): ModelConfig {
  const config = structuredClone(space.base);
  for (const p of MODEL_PARAMETERS) {
    const value = point[p.key];
    if (value !== undefined) p.write(config, value);
  }
  for (const cache of [config.cc, config.iotlb, config.l2page, config.l3page]) {
    cache.assoc = cache.size === 0 ? 0 : Math.min(cache.assoc, cache.size);
    if (cache.size === 0) cache.groups = 1;
  }
  return config;
}

/**
 * The configuration of `point`: the base with the point's values written in table
 * order; each cache's ways are at most its size (more ways than entries is the fully
 * associative cache), and a cache of size 0 is absent. Null when the configuration is
 * not one the model accepts (sets not a power of two, more groups than sets).
 */
export function pointConfig(space: SearchSpace, point: Point): ModelConfig | null {
  try {
    return validateConfig(applyPoint(space, point));
  } catch {
    return null;
  }
}

/** Points one move away: each varying parameter one value up or down (`stride` values for a jump). */
export function neighbours(space: SearchSpace, point: Point, stride = 1): { point: Point; key: string; from: ParameterValue; to: ParameterValue }[] {
  const moves: { point: Point; key: string; from: ParameterValue; to: ParameterValue }[] = [];
  for (const [key, values] of Object.entries(space.domains)) {
    const from = point[key] as ParameterValue;
    const at = values.findIndex((v) => sameValue(v, from));
    // A choice (policy, salloc) has no order: every other value is one move.
    const targets = !isOrdered(parameterOf(key)) ? (stride === 1 ? values.filter((v) => !sameValue(v, from)) : []) : [values[at - stride], values[at + stride]];
    for (const to of targets) if (to !== undefined) moves.push({ point: { ...point, [key]: to }, key, from, to });
  }
  return moves;
}
