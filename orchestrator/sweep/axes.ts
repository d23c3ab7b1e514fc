/**
 * The sweep's axes: every model parameter a sweep can vary. One table drives the CLI
 * flags and their help, the sweep-file JSON schema, parsing, and how a value is applied
 * to a ModelConfig. Options the `run` command already has are taken from MODEL_OPTIONS
 * (their description, parsing and validation), so the two commands cannot drift apart.
 */
import { existsSync, statSync } from 'node:fs';
import { baseConfig, IOTLB_POLICIES, MODEL_OPTIONS, type CacheGeometry, type ModelConfig, type ModelOption } from '../config.js';
import { readCacheConfigFile } from '../config-file.js';
import { InputError } from '../../core/errors.js';

export type AxisValue = number | string | boolean;

/** A JSON-schema fragment for one value of an axis. */
export type ValueSchema = Record<string, unknown>;

export interface SweepAxis {
  /** Key in the sweep file, in results.jsonl and in results.csv (camelCase). */
  key: string;
  /** Long flag without dashes. */
  flag: string;
  /** The original tools' names, accepted but not shown in help. */
  legacyFlags: readonly string[];
  /** Shown in help: `--flag <valueName...>`. */
  valueName: string;
  description: string;
  /** One value, as JSON schema (the sweep file accepts a value or an array of them). */
  schema: ValueSchema;
  /** Text (a flag value, or a sweep-file value turned to text) → value; throws InputError. */
  parse(text: string): AxisValue;
  apply(config: ModelConfig, value: AxisValue): void;
  /** The effective value in a finished configuration, for results. */
  read(config: ModelConfig): AxisValue | null;
}

function modelOption(flag: string): ModelOption {
  const option = MODEL_OPTIONS.find((o) => o.flag === flag);
  if (!option) throw new Error(`MODEL_OPTIONS has no '${flag}'`);
  return option;
}

/**
 * An axis backed by a MODEL_OPTIONS entry: parsed by applying the text to a scratch
 * configuration (so `run` and `sweep` reject the same values with the same message) and
 * reading the result back.
 */
function optionAxis(key: string, flag: string, schema: ValueSchema, read: (c: ModelConfig) => AxisValue, extraLegacy: string[] = []): SweepAxis {
  const option = modelOption(flag);
  return {
    key,
    flag,
    legacyFlags: [...(option.legacyFlag ? [option.legacyFlag] : []), ...extraLegacy],
    valueName: `${option.valueName ?? 'value'}...`,
    description: option.description,
    schema,
    parse(text) {
      const scratch = baseConfig();
      option.apply(scratch, text);
      return read(scratch);
    },
    apply: (config, value) => option.apply(config, String(value)),
    read,
  };
}

function parseCount(flag: string, text: string, min: number, max: number): number {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
    throw new InputError(`--${flag}: expected an integer from ${min} to ${max}, got '${text}'`);
  }
  return Number(t);
}

/**
 * Sets a cache's size keeping its shape: a fully associative cache stays fully
 * associative, a set-associative one keeps its ways unless it becomes smaller than
 * them (then it is fully associative); size 0 removes the cache. Ways can still be set
 * explicitly by a ways axis, which is applied after the size.
 */
function setCacheSize(cache: CacheGeometry, size: number): void {
  if (size === 0) {
    cache.assoc = 0;
  } else if (cache.assoc === 0 || cache.assoc === cache.size || cache.assoc > size) {
    cache.assoc = size;
  }
  cache.size = size;
}

type CacheKey = 'cc' | 'iotlb' | 'l2page' | 'l3page';
const MAX_CACHE = 1 << 24;
const INTEGER_SCHEMA = (minimum: number, maximum: number): ValueSchema => ({ type: 'integer', minimum, maximum });

function cacheSizeAxis(key: string, flag: string, cache: CacheKey, name: string, legacyFlags: string[] = []): SweepAxis {
  return {
    key,
    flag,
    legacyFlags,
    valueName: 'entries...',
    description: `${name} entries (0 = no ${name}); a fully associative ${name} stays so, otherwise its ways are kept (fewer if the size is smaller)`,
    schema: INTEGER_SCHEMA(0, MAX_CACHE),
    parse: (text) => parseCount(flag, text, 0, MAX_CACHE),
    apply: (config, value) => setCacheSize(config[cache], Number(value)),
    read: (config) => config[cache].size,
  };
}

function integerAxis(key: string, flag: string, valueName: string, description: string, min: number, max: number, set: (c: ModelConfig, v: number) => void, read: (c: ModelConfig) => number): SweepAxis {
  return {
    key,
    flag,
    legacyFlags: [],
    valueName: `${valueName}...`,
    description,
    schema: INTEGER_SCHEMA(min, max),
    parse: (text) => parseCount(flag, text, min, max),
    apply: (config, value) => set(config, Number(value)),
    read,
  };
}

const QUEUES = ['ooo', 'in-order'] as const;
const ON_OFF = ['on', 'off'] as const;
const inOrderOption = modelOption('in-order');
const sallocOption = modelOption('salloc');

/**
 * The `.cfg` file axis. Applied first, so the other axes change the file's values. Its
 * value is the path as given (checked to exist when parsed).
 */
export const CONFIG_AXIS: SweepAxis = {
  key: 'configFile',
  flag: 'config',
  legacyFlags: [],
  valueName: 'file.cfg...',
  description: "cache configuration(s) in the reference's .cfg format, applied before the other axes (default: the base architecture)",
  schema: { type: 'string', minLength: 1 },
  parse(text) {
    if (!existsSync(text) || !statSync(text).isFile()) throw new InputError(`--config: ${text}: no such config file`);
    readCacheConfigFile(baseConfig(), text); // reject a malformed file now, not once per configuration
    return text;
  },
  apply: (config, value) => void readCacheConfigFile(config, String(value)),
  read: () => null,
};

/** Every axis, in grid nesting order (the first varies slowest). */
export const SWEEP_AXES: readonly SweepAxis[] = [
  CONFIG_AXIS,
  cacheSizeAxis('iotlbSize', 'iotlb-size', 'iotlb', 'IOTLB', ['iotlbsize']),
  {
    key: 'iotlbWays',
    flag: 'iotlb-ways',
    legacyFlags: [],
    valueName: 'n|fa...',
    description: "IOTLB ways; 'fa' = fully associative (default: the configuration's ways, see --iotlb-size)",
    schema: { anyOf: [INTEGER_SCHEMA(1, MAX_CACHE), { const: 'fa' }] },
    parse: (text) => (text.trim().toLowerCase() === 'fa' ? 'fa' : parseCount('iotlb-ways', text, 1, MAX_CACHE)),
    apply: (config, value) => (config.iotlb.assoc = value === 'fa' ? config.iotlb.size : Number(value)),
    read: (config) => config.iotlb.assoc,
  },
  integerAxis('iotlbGroups', 'iotlb-groups', 'n', 'IOTLB partitions, chosen by the low bits of the did (power of two)', 1, MAX_CACHE, (c, v) => (c.iotlb.groups = v), (c) => c.iotlb.groups),
  optionAxis('iotlbPolicy', 'iotlb-policy', { enum: [...IOTLB_POLICIES] }, (c) => c.iotlbPolicy),
  cacheSizeAxis('ccSize', 'cc-size', 'cc', 'context cache (CC)'),
  cacheSizeAxis('l2pageSize', 'l2page-size', 'l2page', 'L2PAGE walk cache'),
  cacheSizeAxis('l3pageSize', 'l3page-size', 'l3page', 'L3PAGE walk cache'),
  integerAxis(
    'walkGroups',
    'walk-groups',
    'n',
    'L2PAGE and L3PAGE walk-cache partitions, chosen by the low bits of the did (power of two)',
    1,
    MAX_CACHE,
    (c, v) => {
      c.l2page.groups = v;
      c.l3page.groups = v;
    },
    (c) => c.l2page.groups,
  ),
  {
    key: 'salloc',
    flag: 'salloc',
    legacyFlags: [],
    valueName: 'on|off...',
    description: `${sallocOption.description} (--salloc alone = on)`,
    schema: { anyOf: [{ type: 'boolean' }, { enum: [...ON_OFF] }] },
    parse(text) {
      const t = text.trim().toLowerCase();
      if (t === 'on' || t === 'true') return true;
      if (t === 'off' || t === 'false') return false;
      throw new InputError(`--salloc: unknown value '${text}' (expected on or off)`);
    },
    apply: (config, value) => sallocOption.apply(config, value === true),
    read: (config) => config.selectiveAlloc,
  },
  integerAxis('prefetchBuffer', 'prefetch-buffer', 'entries', 'prefetch-buffer entries (0 = no prefetching)', 0, 1 << 20, (c, v) => (c.prefetch.bufferSize = v), (c) => c.prefetch.bufferSize),
  integerAxis('prefetchHistory', 'prefetch-history', 'n', 'prefetcher: pages remembered per sid', 1, 4096, (c, v) => (c.prefetch.historyLength = v), (c) => c.prefetch.historyLength),
  integerAxis('prefetchDistance', 'prefetch-distance', 'n', 'prefetcher: prediction distance (requests between a sid and the successor it learns)', 1, 1 << 20, (c, v) => (c.prefetch.distance = v), (c) => c.prefetch.distance),
  optionAxis('tq', 'tq', INTEGER_SCHEMA(1, 1 << 20), (c) => c.tq),
  {
    key: 'queue',
    flag: 'queue',
    legacyFlags: [],
    valueName: 'ooo|in-order...',
    description: `translation queue order: ooo (out-of-order, default) or in-order (${inOrderOption.description})`,
    schema: { enum: [...QUEUES] },
    parse(text) {
      const t = text.trim().toLowerCase();
      if (t === 'ooo' || t === 'out-of-order') return 'ooo';
      if (t === 'in-order' || t === 'inorder') return 'in-order';
      throw new InputError(`--queue: unknown value '${text}' (expected ${QUEUES.join(' or ')})`);
    },
    apply: (config, value) => inOrderOption.apply(config, value === 'in-order'),
    read: (config) => (config.outOfOrder ? 'ooo' : 'in-order'),
  },
  optionAxis('linkGbps', 'link-gbps', { type: 'number', exclusiveMinimum: 0 }, (c) => c.linkGbps, ['linkgbps']),
  optionAxis('seed', 'seed', INTEGER_SCHEMA(0, Number.MAX_SAFE_INTEGER), (c) => c.seed),
];

export function axisByKey(key: string): SweepAxis {
  const axis = SWEEP_AXES.find((a) => a.key === key);
  if (!axis) throw new Error(`no sweep axis '${key}'`);
  return axis;
}

/** Parameter keys of a result line, in column order (configFile first). */
export const PARAMETER_KEYS: readonly string[] = SWEEP_AXES.map((a) => a.key);

/** Short legend/table labels of axis values (`IOTLB 64`, `tq 32`, …). */
const AXIS_LABELS: Record<string, (value: AxisValue) => string> = {
  configFile: (v) => String(v).replace(/^.*\//, '').replace(/\.cfg$/, ''),
  iotlbSize: (v) => `IOTLB ${String(v)}`,
  iotlbWays: (v) => `${String(v)}-way`,
  iotlbGroups: (v) => `IOTLB ${String(v)} groups`,
  iotlbPolicy: (v) => String(v),
  ccSize: (v) => `CC ${String(v)}`,
  l2pageSize: (v) => `L2 ${String(v)}`,
  l3pageSize: (v) => `L3 ${String(v)}`,
  walkGroups: (v) => `walk ${String(v)} groups`,
  salloc: (v) => (v === true ? 'salloc' : 'no salloc'),
  prefetchBuffer: (v) => `prefetch ${String(v)}`,
  prefetchHistory: (v) => `history ${String(v)}`,
  prefetchDistance: (v) => `distance ${String(v)}`,
  tq: (v) => `tq ${String(v)}`,
  queue: (v) => String(v),
  linkGbps: (v) => `${String(v)} Gb/s`,
  seed: (v) => `seed ${String(v)}`,
};

export function axisValueLabel(key: string, value: unknown): string {
  if (value === null || value === undefined) return key === 'configFile' ? 'base' : `${key} -`;
  const label = AXIS_LABELS[key];
  return label ? label(value as AxisValue) : `${key} ${String(value)}`;
}
