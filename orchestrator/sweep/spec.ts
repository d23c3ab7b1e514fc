/**
 * What a sweep covers: the typed spec, the sweep-file format (JSON schema generated from
 * the axis table, so the file, the flags and their help agree), trace resolution (files,
 * or benchmark × tenants × order × burst as hypersio-perf-explore named them), grid
 * expansion and sharding.
 */
import { createHash } from 'node:crypto';
import { closeSync, realpathSync } from 'node:fs';
import { readSmallTextFile } from '../input-file.js';
import { flagKey } from '../flags.js';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { createRequire } from 'node:module';
import type AjvModule from 'ajv';
import { baseConfig, validateConfig, type ModelConfig } from '../config.js';
import { decimalInteger } from '../parameters.js';
import { InputError } from '../../core/errors.js';
import { openTrace } from '../model.js';
import { DEFAULT_TRACE_DIR, tracePaths, tracePrefix, TRANSLATIONS_PER_PACKET } from '../../core/trace-format.js';
import { parseTenantOrder } from '../../tracegen/index.js';
import { axisByKey, CONFIG_AXIS, OVERLAPPING_AXES, SWEEP_AXES, type AxisValue, type SweepAxis, type ValueSchema } from './axes.js';
import { looksLikePluginPath, PLUGIN_KIND_KEYS } from '../plugins/plugin-file.js';
import { traceFingerprint } from './trace-fingerprint.js';

/** benchmark × tenants × order × burst, resolved to `<traceDir>/<b>_tnt_<T>_<order><3·burst>_iotlb_trace.bin`. */
export interface WorkloadSpec {
  benchmark: string[];
  tenants: number[];
  tenantOrder: string[];
  tenantBurstPkt: number[];
  /** Default build/traces (relative to the working directory), where synth and trace-gen write. */
  traceDir?: string;
}

export interface SweepSpec {
  /** Trace files (`…_iotlb_trace.bin`), in the order given. */
  traces: string[];
  workload?: WorkloadSpec;
  /** Values per axis key (SWEEP_AXES); an axis that is absent keeps the configuration's value. */
  axes: Record<string, AxisValue[]>;
}

/** Settings that a sweep file may carry besides the grid (flags override them). */
export interface SweepFileSettings {
  workers?: number;
  out?: string;
  shard?: string;
}

export { DEFAULT_TRACE_DIR };

// ---------------------------------------------------------------------------
// Non-axis fields of the sweep file and the command line: one table, like SWEEP_AXES.

export interface SweepField {
  key: string;
  flag: string;
  legacyFlags: readonly string[];
  valueName: string;
  variadic: boolean;
  description: string;
  schema: ValueSchema;
}

export const SWEEP_FIELDS: readonly SweepField[] = [
  { key: 'traces', flag: 'trace', legacyFlags: [], valueName: 'file', variadic: true, description: 'translation trace(s), PREFIX_iotlb_trace.bin (required unless --benchmark)', schema: { type: 'string', minLength: 1 } },
  { key: 'benchmark', flag: 'benchmark', legacyFlags: [], valueName: 'name', variadic: true, description: `benchmark name(s) of traces in --trace-dir (with --tenants, --order, --burst)`, schema: { type: 'string', minLength: 1, pattern: '^[^/]+$' } },
  { key: 'tenants', flag: 'tenants', legacyFlags: [], valueName: 'n', variadic: true, description: 'tenant count(s) of the benchmark traces', schema: { type: 'integer', minimum: 1 } },
  { key: 'tenantOrder', flag: 'order', legacyFlags: ['tenantorder', 'tenant-order'], valueName: 'rr|rand', variadic: true, description: 'tenant interleaving of the benchmark traces (default rr)', schema: { enum: ['rr', 'rand', 'orig'] } },
  { key: 'tenantBurstPkt', flag: 'burst', legacyFlags: ['tenantburstpkt', 'tenant-burst'], valueName: 'n', variadic: true, description: 'packets per tenant turn of the benchmark traces (default 1)', schema: { type: 'integer', minimum: 1 } },
  { key: 'traceDir', flag: 'trace-dir', legacyFlags: [], valueName: 'dir', variadic: false, description: `folder of the benchmark traces (default ${DEFAULT_TRACE_DIR})`, schema: { type: 'string', minLength: 1 } },
  { key: 'workers', flag: 'workers', legacyFlags: [], valueName: 'n', variadic: false, description: "parallel simulations (default: the machine's cores)", schema: { type: 'integer', minimum: 1, maximum: 1024 } },
  { key: 'out', flag: 'out-dir', legacyFlags: ['out'], valueName: 'dir', variadic: false, description: 'output folder: results.jsonl, results.csv, charts (default build/sweep)', schema: { type: 'string', minLength: 1 } },
  { key: 'shard', flag: 'shard', legacyFlags: [], valueName: 'i/n', variadic: false, description: 'run only shard i of n (0 <= i < n): every configuration is in exactly one shard', schema: { type: 'string', pattern: '^\\d+/\\d+$' } },
];

/** The sweep file's JSON schema (also printed by `sweep --schema`). */
export function sweepFileSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = { $schema: { type: 'string' } };
  const oneOrMany = (schema: ValueSchema, description: string) => ({ description, anyOf: [schema, { type: 'array', items: schema, minItems: 1 }] });
  for (const field of SWEEP_FIELDS) {
    properties[field.key] = field.variadic ? oneOrMany(field.schema, field.description) : { ...field.schema, description: field.description };
  }
  for (const axis of SWEEP_AXES) properties[axis.key] = oneOrMany(axis.schema, axis.description);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'hypersio sweep file',
    description: 'A design-space sweep: every combination of the listed values is simulated on every trace. Relative paths are relative to the sweep file.',
    type: 'object',
    properties,
    additionalProperties: false,
  };
}

// ajv is CommonJS and loaded only when a sweep file is read (not at every CLI start).
type AjvClass = typeof AjvModule.default;
let validateSweepFileJson: ReturnType<InstanceType<AjvClass>['compile']> | undefined;

function compileSweepFileSchema(): NonNullable<typeof validateSweepFileJson> {
  const loaded = createRequire(import.meta.url)('ajv') as AjvClass & { default?: AjvClass };
  const Ajv = loaded.default ?? loaded;
  return new Ajv({ allErrors: false, strict: false }).compile(sweepFileSchema());
}

/** Raw values of a sweep file or of the flags, by field or axis key. */
export type RawSweepInput = Record<string, unknown>;

/** Sweep files list values and paths: 16 MiB is far beyond any real one. */
const MAX_SWEEP_FILE_BYTES = 16 << 20;

/**
 * Each key a sweep file accepts → its schema key: the schema's keys, and the flags' names
 * in camelCase where they differ (`trace` = `traces`, `outDir` = `out`, `order` =
 * `tenantOrder`, `burst` = `tenantBurstPkt`, `config` = `configFile`).
 */
function sweepFileKeys(): Map<string, string> {
  const keys = new Map<string, string>([['$schema', '$schema']]);
  for (const { key, flag } of [...SWEEP_FIELDS, ...SWEEP_AXES]) {
    keys.set(key, key);
    keys.set(flagKey(flag), key);
  }
  return keys;
}

/** Reads and validates a sweep file; relative paths in it become relative to its folder. */
export function readSweepFile(path: string): RawSweepInput {
  const text = readSmallTextFile(path, 'sweep file', MAX_SWEEP_FILE_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const duplicate = duplicateJsonKey(text);
  if (duplicate) throw new InputError(`${path}: ${duplicate}: key given twice (JSON keeps only the last; give it once)`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(`${path}: top level: expected a JSON object of sweep keys, got ${describeJson(json)}`);
  const keys = sweepFileKeys();
  const input: RawSweepInput = {};
  const spelled = new Map<string, string>();
  for (const [name, value] of Object.entries(json)) {
    const key = keys.get(name);
    if (key === undefined) throw new InputError(`${path}: top level: unknown key '${name}' (see hypersio sweep --schema)`);
    const other = spelled.get(key);
    if (other !== undefined) throw new InputError(`${path}: '${other}' and '${name}': both set ${key}; give only one`);
    spelled.set(key, name);
    input[key] = value;
  }
  validateSweepFileJson ??= compileSweepFileSchema();
  if (!validateSweepFileJson(input)) {
    const e = validateSweepFileJson.errors?.[0];
    const key = e?.instancePath.split('/')[1] ?? '';
    const properties = sweepFileSchema()['properties'] as Record<string, ValueSchema>;
    const schema = properties[key];
    const name = spelled.get(key) ?? key;
    throw new InputError(schema ? `${path}: ${name}: expected ${describeSchema(schema)}, got ${describeJson(input[key])}` : `${path}: ${e?.message ?? 'invalid'}`);
  }
  delete input['$schema'];
  const folder = dirname(path);
  // (Built-in names of the plugin parameters are not paths: only `….ts` values move.)
  const relocate = (p: unknown, key: string) => (typeof p === 'string' && !isAbsolute(p) && (!(PLUGIN_KIND_KEYS as string[]).includes(key) || looksLikePluginPath(p)) ? join(folder, p) : p);
  for (const key of ['traces', 'configFile', 'traceDir', 'out', ...PLUGIN_KIND_KEYS]) {
    const value = input[key];
    if (value !== undefined) input[key] = Array.isArray(value) ? value.map((v) => relocate(v, key)) : relocate(value, key);
  }
  return input;
}

/** A JSON value as a message shows it: `[]`, `"x"`, `-1`, an object by its braces. */
function describeJson(value: unknown): string {
  if (Array.isArray(value) && value.length === 0) return '[] (an empty list)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** What a schema fragment of the sweep file accepts, in words. */
function describeSchema(schema: ValueSchema): string {
  if (Array.isArray(schema['anyOf'])) {
    const [one, many] = schema['anyOf'] as ValueSchema[];
    if (many?.['type'] === 'array' && one) return `${describeSchema(one)}, or a non-empty list of such values`;
    return (schema['anyOf'] as ValueSchema[]).map(describeSchema).join(', or ');
  }
  if (Array.isArray(schema['enum'])) return `one of ${(schema['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  const range = (what: string) => {
    const min = schema['minimum'];
    const max = schema['maximum'];
    return min !== undefined && max !== undefined ? `${what} from ${String(min)} to ${String(max)}` : min !== undefined ? `${what} >= ${String(min)}` : what;
  };
  switch (schema['type']) {
    case 'integer':
      return range('an integer');
    case 'number':
      return range('a number');
    case 'boolean':
      return 'true or false';
    case 'string':
      return schema['pattern'] === '^\\d+/\\d+$' ? "a string 'i/n'" : schema['pattern'] !== undefined ? 'a file name without /' : 'a non-empty string';
    default:
      return 'a value';
  }
}

/**
 * The first key given twice in one object of a JSON text (JSON.parse keeps the last
 * silently), as `path.key`, or undefined. The text is valid JSON.
 */
export function duplicateJsonKey(text: string): string | undefined {
  const objects: Array<{ keys: Set<string>; path: string } | null> = [];
  let lastString = '';
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      lastString = JSON.parse(text.slice(i, j + 1)) as string;
      i = j;
    } else if (c === ':') {
      const object = objects[objects.length - 1];
      if (object) {
        if (object.keys.has(lastString)) return object.path + lastString;
        object.keys.add(lastString);
      }
      lastKey = lastString;
    } else if (c === '{' || c === '[') {
      const parent = objects[objects.length - 1];
      const path = parent ? `${parent.path}${lastKey}.` : '';
      objects.push(c === '{' ? { keys: new Set(), path } : null);
    } else if (c === '}' || c === ']') {
      objects.pop();
    }
  }
  return undefined;
}

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Builds the typed spec from raw values (a sweep file, then flags on top: a key given as a
 * flag replaces the file's). Every value is parsed by its axis, so a bad value is an
 * InputError naming the flag.
 */
export function sweepSpecFromInput(input: RawSweepInput): SweepSpec & SweepFileSettings {
  for (const [a, b] of OVERLAPPING_AXES) {
    if (input[a] !== undefined && input[b] !== undefined) throw new InputError(`--${axisByKey(a).flag} and --${axisByKey(b).flag}: both set the ${axisByKey(b).flag.replace(/-.*/, '').toUpperCase()} walk cache's groups; give only one`);
  }
  const axes: Record<string, AxisValue[]> = {};
  for (const axis of SWEEP_AXES) {
    const values = asList(input[axis.key]);
    if (values.length > 0) axes[axis.key] = unique(values.map((v) => parseAxisValue(axis, v)));
  }
  const traces = asList(input['traces']).map(String);
  const benchmark = asList(input['benchmark']).map(String);
  let workload: WorkloadSpec | undefined;
  if (benchmark.length > 0) {
    const tenants = asList(input['tenants']).map((v) => positiveInteger('tenants', v));
    if (tenants.length === 0) throw new InputError('--tenants: required with --benchmark');
    const tenantOrder = asList(input['tenantOrder']).map((v) => parseTenantOrder(String(v), '--order'));
    workload = {
      benchmark,
      tenants,
      tenantOrder: tenantOrder.length > 0 ? tenantOrder : ['rr'],
      tenantBurstPkt: asList(input['tenantBurstPkt']).map((v) => positiveInteger('burst', v)),
      traceDir: input['traceDir'] === undefined ? undefined : String(input['traceDir']),
    };
    if (workload.tenantBurstPkt.length === 0) workload.tenantBurstPkt = [1];
  } else if (input['tenants'] !== undefined && traces.length === 0) {
    throw new InputError('--tenants: needs --benchmark (the traces are named <benchmark>_tnt_<T>_<order><3*burst>)');
  }
  if (traces.length === 0 && !workload) throw new InputError('--trace: required (one or more PREFIX_iotlb_trace.bin files, or --benchmark with --tenants)');
  const spec: SweepSpec & SweepFileSettings = { traces, axes };
  if (workload) spec.workload = workload;
  if (input['workers'] !== undefined) spec.workers = positiveInteger('workers', input['workers']);
  if (input['out'] !== undefined) spec.out = String(input['out']);
  if (input['shard'] !== undefined) spec.shard = String(input['shard']);
  return spec;
}

function parseAxisValue(axis: SweepAxis, value: unknown): AxisValue {
  if (typeof value === 'boolean') return axis.parse(value ? 'on' : 'off');
  if (typeof value !== 'string' && typeof value !== 'number') throw new InputError(`--${axis.flag}: expected a value, got ${JSON.stringify(value)}`);
  return axis.parse(String(value));
}

function positiveInteger(flag: string, value: unknown): number {
  const n = typeof value === 'number' || typeof value === 'string' ? decimalInteger(String(value)) : undefined;
  if (n === undefined || n < 1) throw new InputError(`--${flag}: expected an integer >= 1, got ${JSON.stringify(value)}`);
  return n;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

// ---------------------------------------------------------------------------
// Traces

/** Every trace of the spec, explicit files first, each checked to exist and be a whole trace. */
export function resolveTraces(spec: SweepSpec): string[] {
  const traces = [...spec.traces];
  const w = spec.workload;
  if (w) {
    const dir = w.traceDir ?? DEFAULT_TRACE_DIR;
    for (const benchmark of w.benchmark)
      for (const tenants of w.tenants)
        for (const order of w.tenantOrder)
          for (const burst of w.tenantBurstPkt) traces.push(tracePaths(join(dir, tracePrefix(benchmark, tenants, order, TRANSLATIONS_PER_PACKET * burst))).iotlb);
  }
  // A trace's identity (in job ids: resume, merge) is its real path, however it was spelled.
  return unique(
    traces.map((trace) => {
      const { fd, path } = openTrace(trace); // InputError: missing, empty, torn
      closeSync(fd);
      return realpathSync(path);
    }),
  );
}

/** Tenants from the reference's naming (`…_tnt_<T>_…`), else null. */
export function tenantsFromTraceName(trace: string): number | null {
  const match = /_tnt_(\d+)(?:_|$)/.exec(basename(trace));
  return match ? Number(match[1]) : null;
}

/** The trace's name without tenant count and suffix: what stays fixed along a tenants axis. */
export function workloadFromTraceName(trace: string): string {
  return basename(trace)
    .replace(/_iotlb_trace\.bin$/, '')
    .replace(/_tnt_\d+(?=_|$)/, '');
}

// ---------------------------------------------------------------------------
// Grid

/** One configuration of the grid: a trace and a model configuration. */
export interface SweepJob {
  /** Stable identity: a hash of the trace, its content's fingerprint and the full configuration (resume, merge). */
  id: string;
  /** Position in the full (unsharded) grid. */
  index: number;
  trace: string;
  /** The trace's content fingerprint (trace-fingerprint.ts) when the job was made. */
  traceFingerprint: string;
  workload: string;
  tenants: number | null;
  /** Every axis's effective value (configFile: the file, or null). */
  parameters: Record<string, AxisValue | null>;
  config: ModelConfig;
  /** Why the configuration cannot be simulated (it is then recorded as failed). */
  configError?: string;
}

/**
 * Identity of a configuration: same trace (path and content) and same effective model
 * configuration. A trace rewritten in place gets new ids, so its old results are not reused.
 */
export function jobId(trace: string, config: ModelConfig, traceFingerprint: string): string {
  // The extension points enter the identity only when a plugin replaces the built-in
  // (a plugin is named by its path and content hash, so a changed file is a new id).
  const { setIndex, prefetchScheme, ...rest } = config;
  const identity = { ...rest, ...(setIndex === 'group-bits' ? {} : { setIndex }), ...(prefetchScheme === 'sid-successor' ? {} : { prefetchScheme }) };
  return createHash('sha256').update(JSON.stringify({ trace, traceFingerprint, config: identity })).digest('hex').slice(0, 16);
}

/** Two requested values of one axis that give the same configuration (the later is not run). */
export interface SameConfiguration {
  axis: string;
  kept: AxisValue;
  dropped: AxisValue;
  /** The other swept axes' values where it happened (first occurrence). */
  where: Record<string, AxisValue>;
  /** Grid points dropped for this pair. */
  count: number;
}

/**
 * The grid of a spec, enumerated lazily: every trace (outermost) × every combination of
 * the swept axes in SWEEP_AXES order (the first varies slowest). A configuration's index
 * is its position in that full product, so a shard is computed from its own indices alone
 * and costs only its share, whatever the grid's size.
 */
export class SweepGrid {
  readonly traces: readonly string[];
  /** Configurations asked for (traces × combinations), before equal ones are dropped. */
  readonly size: number;
  /** Requested values found to give the same configuration, filled as jobs are enumerated. */
  readonly sameConfigurations: SameConfiguration[] = [];
  private readonly swept: SweepAxis[];
  private readonly values: AxisValue[][];
  private readonly pointsPerTrace: number;
  private readonly fingerprints = new Map<string, string>();
  private readonly configFileBases = new Map<string, ModelConfig>();

  constructor(spec: SweepSpec, traces: readonly string[] = resolveTraces(spec)) {
    this.traces = traces;
    this.swept = SWEEP_AXES.filter((axis) => (spec.axes[axis.key]?.length ?? 0) > 0);
    this.values = this.swept.map((axis) => spec.axes[axis.key] ?? []);
    this.pointsPerTrace = this.values.reduce((n, v) => n * v.length, 1);
    this.size = traces.length * this.pointsPerTrace;
  }

  /** The jobs of `shard` (all without one), in index order; a combination equal to an earlier value of one of its axes is skipped and noted. */
  *jobs(shard?: Shard): Generator<SweepJob> {
    const step = shard?.count ?? 1;
    for (let index = shard?.index ?? 0; index < this.size; index += step) {
      const trace = this.traces[Math.floor(index / this.pointsPerTrace)]!;
      const digits = this.digits(index % this.pointsPerTrace);
      const config = this.configAt(digits);
      const duplicate = this.earlierEqual(digits, config);
      if (duplicate !== undefined) {
        this.noteSame(duplicate, digits);
        continue;
      }
      let fingerprint = this.fingerprints.get(trace);
      if (fingerprint === undefined) {
        fingerprint = traceFingerprint(trace);
        this.fingerprints.set(trace, fingerprint);
      }
      yield makeJob(trace, config, index, this.point(digits), fingerprint);
    }
  }

  /** Mixed-radix digits of a combination: the value index of each swept axis. */
  private digits(pointIndex: number): number[] {
    const digits = new Array<number>(this.swept.length);
    for (let a = this.swept.length - 1; a >= 0; a--) {
      const radix = this.values[a]!.length;
      digits[a] = pointIndex % radix;
      pointIndex = Math.floor(pointIndex / radix);
    }
    return digits;
  }

  private point(digits: readonly number[]): Record<string, AxisValue> {
    return Object.fromEntries(this.swept.map((axis, a) => [axis.key, this.values[a]![digits[a]!]!]));
  }

  private configAt(digits: readonly number[]): ModelConfig {
    let config: ModelConfig | undefined;
    this.swept.forEach((axis, a) => {
      const value = this.values[a]![digits[a]!]!;
      if (axis === CONFIG_AXIS) {
        // Applied first, onto the base: one read of each file for the whole grid.
        const path = String(value);
        let base = this.configFileBases.get(path);
        if (base === undefined) {
          base = baseConfig();
          axis.apply(base, value);
          this.configFileBases.set(path, base);
        }
        config = structuredClone(base);
        return;
      }
      config ??= baseConfig();
      axis.apply(config, value);
    });
    return config ?? baseConfig();
  }

  /** The first (axis, earlier value) that gives the same configuration as `digits`, if any. */
  private earlierEqual(digits: readonly number[], config: ModelConfig): { axis: number; earlier: number } | undefined {
    let text: string | undefined;
    for (let a = 0; a < this.swept.length; a++) {
      for (let earlier = 0; earlier < digits[a]!; earlier++) {
        const other = [...digits];
        other[a] = earlier;
        text ??= JSON.stringify(config);
        if (JSON.stringify(this.configAt(other)) === text) return { axis: a, earlier };
      }
    }
    return undefined;
  }

  private noteSame(duplicate: { axis: number; earlier: number }, digits: readonly number[]): void {
    const axis = this.swept[duplicate.axis]!;
    const kept = this.values[duplicate.axis]![duplicate.earlier]!;
    const dropped = this.values[duplicate.axis]![digits[duplicate.axis]!]!;
    const known = this.sameConfigurations.find((s) => s.axis === axis.key && s.kept === kept && s.dropped === dropped);
    if (known) {
      known.count++;
      return;
    }
    const where = this.point(digits);
    delete where[axis.key];
    this.sameConfigurations.push({ axis: axis.key, kept, dropped, where, count: 1 });
  }
}

/**
 * Every configuration of the grid (see SweepGrid), or of one shard of it. Combinations
 * that yield the same configuration as an earlier value of one of their axes are kept once.
 */
export function expandGrid(spec: SweepSpec, traces = resolveTraces(spec), shard?: Shard): SweepJob[] {
  return [...new SweepGrid(spec, traces).jobs(shard)];
}

/**
 * One line per pair of requested values that gave the same configuration, e.g.
 * `--iotlb-ways 64 and fa give the same configuration (iotlb-size 64): 6 configurations, not 7`.
 */
export function describeSameConfigurations(grid: SweepGrid, jobs: number): string[] {
  const dropped = grid.sameConfigurations.reduce((n, s) => n + s.count, 0);
  return grid.sameConfigurations.map((s) => {
    const axis = axisByKey(s.axis);
    const where = Object.entries(s.where).map(([key, value]) => `--${axisByKey(key).flag} ${String(value)}`);
    const context = where.length > 0 ? ` (with ${where.join(' ')}${s.count > 1 ? ', and elsewhere' : ''})` : '';
    return `--${axis.flag} ${String(s.kept)} and ${String(s.dropped)} give the same configuration${context}: ${jobs} configurations, not ${jobs + dropped}`;
  });
}

/**
 * One configuration of `trace` as a sweep job (validated: an invalid one carries its
 * configError). `point` holds the values asked for, for axes a configuration cannot
 * read back (the config file); explain's and advise's explicit lists pass none.
 */
export function makeJob(trace: string, config: ModelConfig, index: number, point: Record<string, AxisValue> = {}, fingerprint = traceFingerprint(trace)): SweepJob {
  const parameters: Record<string, AxisValue | null> = {};
  for (const axis of SWEEP_AXES) parameters[axis.key] = axis.read(config) ?? point[axis.key] ?? null;
  const job: SweepJob = {
    id: jobId(trace, config, fingerprint),
    index,
    trace,
    traceFingerprint: fingerprint,
    workload: workloadFromTraceName(trace),
    tenants: tenantsFromTraceName(trace),
    parameters,
    config,
  };
  try {
    validateConfig(config, describePoint(point));
  } catch (err) {
    job.configError = (err as Error).message;
  }
  return job;
}

function describePoint(point: Record<string, AxisValue>): string {
  const parts = Object.entries(point).map(([key, value]) => `${key}=${String(value)}`);
  return parts.length > 0 ? parts.join(' ') : 'config';
}

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) throw new InputError(`--shard: expected i/n with 0 <= i < n (e.g. 0/4), got '${text}'`);
  return { index, count };
}

/** Shard i of n: every n-th configuration of the full grid from i (balanced, deterministic). */
export function shardJobs(jobs: SweepJob[], shard: Shard | undefined): SweepJob[] {
  return shard ? jobs.filter((job) => job.index % shard.count === shard.index) : jobs;
}
