/**
 * Every model parameter, declared once: its key (sweep files, results, CSV columns), its
 * flag and the reference's spelling of it, type, default, limits, unit, labels, help text
 * and `.cfg` section and key. `run`'s flags, `sweep`'s axes and sweep-file schema, the
 * `.cfg` reader and writer, validation and its messages, result labels, and the web
 * page's controls and command line are all derived from MODEL_PARAMETERS. Adding a
 * parameter is one entry here (and its ModelConfig field) plus the model code (README,
 * "Adding a parameter"). No Node APIs: the browser uses it too.
 */
import { InputError } from '../core/errors.js';
import { isPluginFile, looksLikePluginPath, pluginFileParts, type PluginFile } from './plugins/plugin-file.js';

export type ParameterValue = number | string | boolean;

/** `1 group`, `4 groups`: a count with its noun, singular or plural. */
export function counted(count: number | string, singular: string, plural = `${singular}s`): string {
  const text = typeof count === 'number' ? count.toLocaleString('en-US') : count;
  return `${text} ${Number(String(count).replace(/,/g, '')) === 1 ? singular : plural}`;
}

/** Bytes per packet; a packet slot lasts floor(PACKET_BYTES * 8 / Gb/s) ns. */
export const PACKET_BYTES = 1542;

/** The replacement policies the IOTLB can use (each one is a `POLICY_<NAME>` of the model module). */
export const IOTLB_POLICIES = ['lru', 'lfu', 'oracle'] as const;
export type IotlbPolicy = (typeof IOTLB_POLICIES)[number];
/** The built-in prefetcher (spec model.md, "Prefetcher") and set index; a plugin file may replace each. */
export const PREFETCH_SCHEMES = ['sid-successor'] as const;
export type PrefetchScheme = (typeof PREFETCH_SCHEMES)[number];
export const SET_INDEXES = ['group-bits'] as const;
export type SetIndex = (typeof SET_INDEXES)[number];
export type { PluginFile };

/** The model's configuration: what MODEL_PARAMETERS read and write. */
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
  /** A built-in policy, or a plugin file (docs/extending.md). */
  iotlbPolicy: IotlbPolicy | PluginFile;
  /** Which set each request uses: the reference's group bits, or a plugin file. */
  setIndex: SetIndex | PluginFile;
  /** Which prefetcher issues the prefetch requests: the built-in, or a plugin file. */
  prefetchScheme: PrefetchScheme | PluginFile;
  linkGbps: number;
  /** Seed of the LFU policy's random tie-breaking. */
  seed: number;
  /** Limit studies, not hardware: every IOTLB lookup hits. */
  idealIotlb: boolean;
  /** Every context-cache lookup hits. */
  idealCc: boolean;
  /** Every L2PAGE and L3PAGE lookup hits. */
  idealWalkCaches: boolean;
}

export type CfgSection = 'CC' | 'IOTLB' | 'L2PAGE' | 'L3PAGE' | 'PREFETCH';
export type CfgKey = 'size' | 'assoc' | 'groups' | 'histlen';

interface ParameterBase {
  /** camelCase key: the sweep file's key, the results' field and CSV column. */
  key: string;
  /** Long flag without dashes (`run`, and `sweep` with one or more values). */
  flag: string;
  /** Other spellings accepted (the reference's flags), hidden from help. */
  aliases: readonly string[];
  /** What it is, for controls and tables (`IOTLB entries`). */
  label: string;
  unit?: string;
  help: string;
  /**
   * Where the reference's `.cfg` file holds it: `means` when the key's name says
   * otherwise; `write` when the file sets the value as it is (a cache's size) rather than
   * as the flag does.
   */
  cfg?: { section: CfgSection; key: CfgKey; means?: string; write?: (config: ModelConfig, value: number) => void };
  /** Short legend and table text of a value (`IOTLB 64`, `tq 32`). */
  short(value: ParameterValue): string;
  read(config: ModelConfig): ParameterValue;
  write(config: ModelConfig, value: ParameterValue): void;
}

export interface IntegerParameter extends ParameterBase {
  kind: 'integer';
  default: number;
  min: number;
  max: number;
  /** Words accepted besides integers (`fa`: fully associative). */
  words?: readonly string[];
}
export interface NumberParameter extends ParameterBase {
  kind: 'number';
  default: number;
  min: number;
  max: number;
}
export interface ChoiceParameter extends ParameterBase {
  kind: 'choice';
  default: string;
  values: readonly string[];
  /** Other spellings of values (`inorder` → `in-order`). */
  synonyms?: Readonly<Record<string, string>>;
  /** How controls and prose name each value (`lru` → `LRU`). */
  valueLabels: Readonly<Record<string, string>>;
  /** What a value is, in the message for an unknown one (`unknown policy 'mru'`). */
  noun: string;
  /** A value may also be a plugin file (`./my-policy.ts`, docs/extending.md). */
  plugin?: boolean;
}
/** On or off; the bare flag means on (`--salloc`), `on`/`off` (or `true`/`false`) otherwise. */
export interface SwitchParameter extends ParameterBase {
  kind: 'switch';
  default: boolean;
}
export type ModelParameter = IntegerParameter | NumberParameter | ChoiceParameter | SwitchParameter;

export type CacheKey = 'cc' | 'iotlb' | 'l2page' | 'l3page';
const MAX_CACHE = 1 << 24;

/**
 * Sets a cache's size keeping its shape: a fully associative cache stays fully
 * associative, a set-associative one keeps its ways unless it becomes smaller than
 * them (then it is fully associative); size 0 removes the cache. A ways parameter,
 * later in the table, can still set the ways explicitly.
 */
function setCacheSize(cache: CacheGeometry, size: number): void {
  if (size === 0) {
    cache.assoc = 0;
  } else if (cache.assoc === 0 || cache.assoc === cache.size || cache.assoc > size) {
    cache.assoc = size;
  }
  cache.size = size;
}

/** size, ways and groups of one cache. */
function cacheParameters(cache: CacheKey, section: 'CC' | 'IOTLB' | 'L2PAGE' | 'L3PAGE', name: string, short: string, defaults: CacheGeometry, aliases: { size?: string[] } = {}): IntegerParameter[] {
  return [
    {
      kind: 'integer',
      key: `${cache}Size`,
      flag: `${cache}-size`,
      aliases: aliases.size ?? [],
      label: `${name} entries`,
      unit: 'entries',
      help: `${name} entries (0 = no ${name}); a fully associative ${name} stays so, otherwise its ways are kept (fewer if the size is smaller)`,
      cfg: { section, key: 'size', write: (c, v) => (c[cache].size = v) },
      default: defaults.size,
      min: 0,
      max: MAX_CACHE,
      short: (v) => `${short} ${String(v)}`,
      read: (c) => c[cache].size,
      write: (c, v) => setCacheSize(c[cache], Number(v)),
    },
    {
      kind: 'integer',
      key: `${cache}Ways`,
      flag: `${cache}-ways`,
      aliases: [],
      label: `${name} ways`,
      unit: 'ways',
      help: `${name} ways per set; 'fa' = fully associative (applied after --${cache}-size)`,
      cfg: { section, key: 'assoc' },
      default: defaults.assoc,
      min: 0,
      max: MAX_CACHE,
      words: ['fa'],
      short: (v) => `${short} ${String(v)}-way`,
      read: (c) => c[cache].assoc,
      write: (c, v) => (c[cache].assoc = v === 'fa' ? c[cache].size : Number(v)),
    },
    {
      kind: 'integer',
      key: `${cache}Groups`,
      flag: `${cache}-groups`,
      aliases: [],
      label: `${name} groups`,
      unit: 'groups',
      help: `${name} partitions of the sets, chosen by the low bits of the did (power of two)`,
      cfg: { section, key: 'groups' },
      default: defaults.groups,
      min: 1,
      max: MAX_CACHE,
      short: (v) => `${short} ${counted(String(v), 'group')}`,
      read: (c) => c[cache].groups,
      write: (c, v) => (c[cache].groups = Number(v)),
    },
  ];
}

const LINK_GBPS_MAX = PACKET_BYTES * 8;

/**
 * Every model parameter, in the order they are applied and a sweep nests them (the first
 * varies slowest). Defaults are the reference's "base" architecture (spec model.md).
 */
export const MODEL_PARAMETERS: readonly ModelParameter[] = [
  ...cacheParameters('iotlb', 'IOTLB', 'IOTLB', 'IOTLB', { size: 64, assoc: 8, groups: 1 }, { size: ['iotlbsize'] }),
  {
    kind: 'choice',
    key: 'iotlbPolicy',
    flag: 'iotlb-policy',
    aliases: ['iotlbrepl'],
    label: 'IOTLB replacement',
    help: 'IOTLB replacement policy, or a plugin file (docs/extending.md)',
    default: 'lru',
    values: IOTLB_POLICIES,
    noun: 'policy',
    valueLabels: { lru: 'LRU', lfu: 'LFU', oracle: 'oracle' } satisfies Record<IotlbPolicy, string>,
    plugin: true,
    short: (v) => pluginShort(v),
    read: (c) => c.iotlbPolicy,
    write: (c, v) => (c.iotlbPolicy = v as IotlbPolicy | PluginFile),
  },
  {
    kind: 'choice',
    key: 'setIndex',
    flag: 'set-index',
    aliases: [],
    label: 'set index',
    help: "how a request's set is chosen in every cache: group-bits (the reference's: the did's low bits pick the group, the address's low bits the set in it) or a plugin file (docs/extending.md)",
    default: 'group-bits',
    values: SET_INDEXES,
    noun: 'set index',
    valueLabels: { 'group-bits': 'group bits' } satisfies Record<SetIndex, string>,
    plugin: true,
    short: (v) => (v === 'group-bits' ? 'group-bits index' : `index ${pluginShort(v)}`),
    read: (c) => c.setIndex,
    write: (c, v) => (c.setIndex = v as SetIndex | PluginFile),
  },
  ...cacheParameters('cc', 'CC', 'context cache (CC)', 'CC', { size: 1536, assoc: 1536, groups: 1 }),
  ...cacheParameters('l2page', 'L2PAGE', 'L2PAGE walk cache', 'L2', { size: 512, assoc: 16, groups: 1 }),
  ...cacheParameters('l3page', 'L3PAGE', 'L3PAGE walk cache', 'L3', { size: 1024, assoc: 16, groups: 1 }),
  {
    kind: 'switch',
    key: 'salloc',
    flag: 'salloc',
    aliases: [],
    label: 'selective allocation',
    help: 'selective allocation: IOTLB, L2PAGE, L3PAGE each filled only by their own did range',
    default: false,
    short: (v) => (v === true ? 'salloc' : 'no salloc'),
    read: (c) => c.selectiveAlloc,
    write: (c, v) => (c.selectiveAlloc = v === true),
  },
  {
    kind: 'integer',
    key: 'prefetchBuffer',
    flag: 'prefetch-buffer',
    aliases: [],
    label: 'prefetch-buffer entries',
    unit: 'entries',
    help: 'prefetch-buffer entries, fully associative LRU; 0 = no buffer, but the prefetcher still runs: the pages it predicts are still walked (in the page-walk queues, not counted in --tq) and fill the L2PAGE and L3PAGE walk caches',
    cfg: { section: 'PREFETCH', key: 'size' },
    default: 0,
    min: 0,
    max: 1 << 20,
    short: (v) => `prefetch ${String(v)}`,
    read: (c) => c.prefetch.bufferSize,
    write: (c, v) => (c.prefetch.bufferSize = Number(v)),
  },
  {
    kind: 'integer',
    key: 'prefetchHistory',
    flag: 'prefetch-history',
    aliases: [],
    label: 'prefetch history',
    unit: 'pages',
    help: 'prefetcher: pages remembered per sid',
    cfg: { section: 'PREFETCH', key: 'histlen', means: 'history length' },
    default: 2,
    min: 1,
    max: 4096,
    short: (v) => `history ${String(v)}`,
    read: (c) => c.prefetch.historyLength,
    write: (c, v) => (c.prefetch.historyLength = Number(v)),
  },
  {
    kind: 'integer',
    key: 'prefetchDistance',
    flag: 'prefetch-distance',
    aliases: [],
    label: 'prefetch distance',
    unit: 'requests',
    help: 'prefetcher: prediction distance (requests between a sid and the successor it learns)',
    cfg: { section: 'PREFETCH', key: 'assoc', means: 'prediction distance' },
    default: 32,
    min: 1,
    max: 1 << 20,
    short: (v) => `distance ${String(v)}`,
    read: (c) => c.prefetch.distance,
    write: (c, v) => (c.prefetch.distance = Number(v)),
  },
  {
    kind: 'choice',
    key: 'prefetchScheme',
    flag: 'prefetcher',
    aliases: [],
    label: 'prefetcher',
    help: "the prefetcher: sid-successor (the reference's) or a plugin file (docs/extending.md)",
    default: 'sid-successor',
    values: PREFETCH_SCHEMES,
    noun: 'prefetcher',
    valueLabels: { 'sid-successor': 'sid successor' } satisfies Record<PrefetchScheme, string>,
    plugin: true,
    short: (v) => (v === 'sid-successor' ? 'sid-successor' : `prefetcher ${pluginShort(v)}`),
    read: (c) => c.prefetchScheme,
    write: (c, v) => (c.prefetchScheme = v as PrefetchScheme | PluginFile),
  },
  {
    kind: 'integer',
    key: 'tq',
    flag: 'tq',
    aliases: ['tqueue'],
    label: 'translations in flight (tq)',
    unit: 'translations',
    help: 'translation window: packets are admitted while fewer than n translations are in flight',
    default: 1,
    min: 1,
    max: 1 << 20,
    short: (v) => `tq ${String(v)}`,
    read: (c) => c.tq,
    write: (c, v) => (c.tq = Number(v)),
  },
  {
    kind: 'choice',
    key: 'queue',
    flag: 'queue',
    aliases: [],
    label: 'queue order',
    help: 'translation queue order: ooo (out-of-order) or in-order (FIFO); --in-order alone = in-order',
    default: 'ooo',
    values: ['ooo', 'in-order'],
    noun: 'value',
    synonyms: { 'out-of-order': 'ooo', inorder: 'in-order' },
    valueLabels: { ooo: 'out-of-order', 'in-order': 'in-order' },
    short: (v) => String(v),
    read: (c) => (c.outOfOrder ? 'ooo' : 'in-order'),
    write: (c, v) => (c.outOfOrder = v !== 'in-order'),
  },
  {
    kind: 'number',
    key: 'linkGbps',
    flag: 'link-gbps',
    aliases: ['linkbwgbps', 'linkgbps'],
    label: 'link rate',
    unit: 'Gb/s',
    help: `link bandwidth in Gb/s; packets of ${PACKET_BYTES} B arrive every floor(${LINK_GBPS_MAX}/n) ns`,
    default: 200,
    min: 1,
    max: LINK_GBPS_MAX,
    short: (v) => `${String(v)} Gb/s`,
    read: (c) => c.linkGbps,
    write: (c, v) => (c.linkGbps = Number(v)),
  },
  {
    kind: 'integer',
    key: 'seed',
    flag: 'seed',
    aliases: [],
    label: 'LFU seed',
    help: "seed of the LFU policy's random choice among tied victims",
    default: 1,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    short: (v) => `seed ${String(v)}`,
    read: (c) => c.seed,
    write: (c, v) => (c.seed = Number(v)),
  },
  idealSwitch('idealIotlb', 'ideal-iotlb', 'ideal IOTLB', 'every IOTLB lookup hits (IOTLB_HIT, 2 ns)'),
  idealSwitch('idealCc', 'ideal-cc', 'ideal context cache', 'every context-cache lookup hits (CC_HIT, 1 ns)'),
  idealSwitch('idealWalkCaches', 'ideal-walk-caches', 'ideal walk caches', 'every L2PAGE and L3PAGE lookup hits'),
];

/** A plugin file by its name (`my-policy.ts`), a built-in as it is. */
function pluginShort(value: ParameterValue): string {
  return isPluginFile(value) ? value.replace(/#.*$/, '').replace(/^.*[\\/]/, '') : String(value);
}

/**
 * A limit study: an ideal cache is never consulted and every lookup hits; it stores and
 * counts nothing (its statistics stay 0). Not hardware.
 */
function idealSwitch(key: 'idealIotlb' | 'idealCc' | 'idealWalkCaches', flag: string, label: string, what: string): SwitchParameter {
  return {
    kind: 'switch',
    key,
    flag,
    aliases: [],
    label,
    help: `limit study: ${what}; the cache stores and counts nothing`,
    default: false,
    short: (v) => (v === true ? label : `no ${label}`),
    read: (c) => c[key],
    write: (c, v) => (c[key] = v === true),
  };
}

/**
 * Flags that stand for a parameter value, kept for the reference's and `run`'s
 * spellings: `--in-order` / `--inorder` = `--queue in-order`.
 */
export const SWITCH_ALIASES: Readonly<Record<string, { key: string; value: ParameterValue }>> = {
  'in-order': { key: 'queue', value: 'in-order' },
  inorder: { key: 'queue', value: 'in-order' },
};

/**
 * Every flag name (without dashes) that sets `p`: its flag, the reference's spellings and
 * the switches that stand for one of its values (`in-order` for `queue`). Giving two of
 * them at once is an error, never "the last one wins".
 */
export function parameterSpellings(p: ModelParameter): string[] {
  return [p.flag, ...p.aliases, ...Object.keys(SWITCH_ALIASES).filter((alias) => SWITCH_ALIASES[alias]?.key === p.key)];
}

export function parameterByKey(key: string): ModelParameter {
  const parameter = MODEL_PARAMETERS.find((p) => p.key === key);
  if (!parameter) throw new Error(`no model parameter '${key}'`);
  return parameter;
}

/** How help shows a parameter's value: `<entries>`, `<lru|lfu|oracle>`, `[on|off]`. */
export function valueName(p: ModelParameter): string {
  switch (p.kind) {
    case 'integer':
      return [p.unit === 'entries' ? 'entries' : 'n', ...(p.words ?? [])].join('|');
    case 'number':
      return p.unit === 'Gb/s' ? 'gbps' : 'x';
    case 'choice':
      return [...p.values, ...(p.plugin ? ['file.ts'] : [])].join('|');
    case 'switch':
      return 'on|off';
  }
}

/** Help text with the default (and the range where it says something). */
export function helpText(p: ModelParameter): string {
  const range = p.kind === 'number' ? `, ${p.min} to ${p.max}` : '';
  const bare = p.kind === 'switch' ? `; --${p.flag} alone = on` : '';
  const shown = p.kind === 'switch' ? (p.default ? 'on' : 'off') : String(p.default);
  return `${p.help} (default ${shown}${range}${bare})`;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * A number written in decimal (`200`, `2.5`, `1e3`), or undefined: hexadecimal (`0x10`),
 * binary, `Infinity` and the empty text are not numbers here, though JavaScript's Number()
 * takes them.
 */
export function decimalNumber(text: string): number | undefined {
  const t = text.trim();
  return DECIMAL.test(t) ? Number(t) : undefined;
}

/**
 * An integer written in decimal, exponent notation allowed when the value is exact
 * (`1e3` = 1000, `2.5e3` = 2500; not `1.5` or `1e-3`), or undefined.
 */
export function decimalInteger(text: string): number | undefined {
  const n = decimalNumber(text);
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

/**
 * One value of `p` from text (a flag, a sweep-file value as text): the only place a
 * parameter value is checked against its declared type and range, so `run`, `sweep`,
 * sweep files and the web page reject the same values with the same message.
 */
export function parseParameter(p: ModelParameter, text: string): ParameterValue {
  const t = text.trim();
  const flag = `--${p.flag}`;
  switch (p.kind) {
    case 'integer': {
      const word = t.toLowerCase();
      if (p.words?.includes(word)) return word;
      const value = decimalInteger(t);
      if (value === undefined) throw new InputError(`${flag}: expected an integer >= ${p.min}${wordsText(p)}, got '${text}'`);
      return checkRange(p, value, flag, `'${text}'`);
    }
    case 'number': {
      const value = decimalNumber(t);
      if (value === undefined || value <= 0) throw new InputError(`${flag}: expected a positive decimal number, got '${text}'`);
      return checkRange(p, value, flag, `'${text}'`);
    }
    case 'choice': {
      if (p.plugin && isPluginFile(t)) return t;
      // A path is resolved (read, hashed) by the command line: orchestrator/plugins/resolve.ts.
      if (p.plugin && looksLikePluginPath(t)) throw new InputError(`${flag}: plugin files need the command line (${text})`);
      const word = t.toLowerCase();
      const value = p.synonyms?.[word] ?? word;
      if (!p.values.includes(value)) throw new InputError(`${flag}: unknown ${p.noun} '${text}' (expected ${p.values.join(', ')}${p.plugin ? ', or a plugin file.ts' : ''})`);
      return value;
    }
    case 'switch': {
      const word = t.toLowerCase();
      if (word === 'on' || word === 'true') return true;
      if (word === 'off' || word === 'false') return false;
      throw new InputError(`${flag}: unknown value '${text}' (expected on or off)`);
    }
  }
}

const wordsText = (p: IntegerParameter) => (p.words ? ` or ${p.words.join(', ')}` : '');

/** `value` if within `p`'s range, else an InputError: `<where>: expected … from min to max, got <shown>`. */
function checkRange(p: IntegerParameter | NumberParameter, value: number, where: string, shown: string): number {
  if (value >= p.min && value <= p.max) return value;
  if (p.kind === 'integer' && value < p.min) throw new InputError(`${where}: expected an integer >= ${p.min}, got ${shown}`);
  const what = p.kind === 'integer' ? 'an integer' : 'a number';
  throw new InputError(`${where}: must be ${what} from ${p.min} to ${p.max}, got ${shown}`);
}

/**
 * Checks a configuration's value of `p` against its declared type and range (values
 * from a `.cfg` file or the web page's controls); `source` names where they came from.
 */
export function checkParameterValue(p: ModelParameter, config: ModelConfig, source: string): void {
  const value = p.read(config);
  const where = p.cfg ? `${source}: ${p.cfg.section} ${p.cfg.key}${p.cfg.means ? ` (${p.cfg.means})` : ''}` : `--${p.flag}:`;
  switch (p.kind) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < p.min || value > p.max) {
        throw new InputError(`${where} must be an integer from ${p.min} to ${p.max}, got ${String(value)}`);
      }
      return;
    case 'number':
      if (typeof value !== 'number' || !(value >= p.min && value <= p.max)) throw new InputError(`${where} must be a number from ${p.min} to ${p.max}, got ${String(value)}`);
      return;
    case 'choice':
      if (p.plugin && isPluginFile(value)) return;
      if (!p.values.includes(String(value))) throw new InputError(`${where} unknown ${p.noun} '${String(value)}' (expected ${p.values.join(', ')})`);
      return;
    case 'switch':
      if (typeof value !== 'boolean') throw new InputError(`${where} expected on or off, got ${String(value)}`);
  }
}

/** The `run` flags that give `config` from the base architecture (the web page's "same run" line). */
export function modelFlags(config: ModelConfig, base: ModelConfig): string[] {
  const flags: string[] = [];
  for (const p of MODEL_PARAMETERS) {
    const value = p.read(config);
    if (value === p.read(base)) continue;
    // A plugin by its path: `run` hashes the file itself (a hash in a flag would only go stale).
    const shown = isPluginFile(value) ? pluginFileParts(value).path : String(value);
    flags.push(p.kind === 'switch' ? (value ? `--${p.flag}` : `--${p.flag} off`) : `--${p.flag} ${shown}`);
  }
  return flags;
}
