/**
 * The sweep's axes: the `.cfg` file, every model parameter of MODEL_PARAMETERS, and the
 * walk caches' groups together. Flags and their help, the sweep-file JSON schema,
 * parsing and how a value is applied are all derived from the parameter table, so `run`
 * and `sweep` accept and reject the same values with the same messages.
 */
import { existsSync, statSync } from 'node:fs';
import { baseConfig, type ModelConfig } from '../config.js';
import { readCacheConfigFile } from '../config-file.js';
import { InputError } from '../../core/errors.js';
import { counted, helpText, MODEL_PARAMETERS, parameterByKey, parameterSpellings, parseParameter, valueName, type ModelParameter } from '../parameters.js';
import { parseModelValue } from '../plugins/resolve.js';

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

/** One value of a parameter, as JSON schema (the sweep file accepts a value or an array of them). */
function valueSchema(p: ModelParameter): ValueSchema {
  switch (p.kind) {
    case 'integer': {
      const integer = { type: 'integer', minimum: p.min, maximum: p.max };
      return p.words ? { anyOf: [integer, { enum: [...p.words] }] } : integer;
    }
    case 'number':
      return { type: 'number', minimum: p.min, maximum: p.max };
    case 'choice': {
      const names = { enum: [...p.values, ...Object.keys(p.synonyms ?? {})] };
      return p.plugin ? { anyOf: [names, { type: 'string', pattern: '\\.ts$' }] } : names;
    }
    case 'switch':
      return { anyOf: [{ type: 'boolean' }, { enum: ['on', 'off'] }] };
  }
}

function parameterAxis(p: ModelParameter): SweepAxis {
  return {
    key: p.key,
    flag: p.flag,
    legacyFlags: p.aliases,
    valueName: `${valueName(p)}...`,
    description: helpText(p),
    schema: valueSchema(p),
    parse: (text) => parseModelValue(p, text),
    apply: (config, value) => p.write(config, value),
    read: (config) => p.read(config),
  };
}

const l2pageGroups = parameterByKey('l2pageGroups');
const l3pageGroups = parameterByKey('l3pageGroups');

/** Both walk caches' groups at once (the paper's partitioned walk caches). */
const WALK_GROUPS_AXIS: SweepAxis = {
  ...parameterAxis(l2pageGroups),
  key: 'walkGroups',
  flag: 'walk-groups',
  legacyFlags: [],
  description: 'L2PAGE and L3PAGE walk-cache partitions, chosen by the low bits of the did (power of two)',
  parse: (text) => parseParameter(l2pageGroups, text),
  apply: (config, value) => {
    l2pageGroups.write(config, value);
    l3pageGroups.write(config, value);
  },
};

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
  ...MODEL_PARAMETERS.flatMap((p) => (p.key === 'salloc' ? [WALK_GROUPS_AXIS, parameterAxis(p)] : [parameterAxis(p)])),
];

/** Every flag name (without dashes) of an axis: its flag, legacy names, and switches for one of its values. */
export function axisSpellings(axis: SweepAxis): string[] {
  const parameter = MODEL_PARAMETERS.find((p) => p.key === axis.key);
  return parameter ? parameterSpellings(parameter) : [axis.flag, ...axis.legacyFlags];
}

/**
 * Axes that set another axis's parameter (`walkGroups` sets both walk caches' groups):
 * the pair given together is an error, not one overriding the other.
 */
export const OVERLAPPING_AXES: readonly (readonly [string, string])[] = [
  ['walkGroups', 'l2pageGroups'],
  ['walkGroups', 'l3pageGroups'],
];

export function axisByKey(key: string): SweepAxis {
  const axis = SWEEP_AXES.find((a) => a.key === key);
  if (!axis) throw new Error(`no sweep axis '${key}'`);
  return axis;
}

/** Parameter keys of a result line, in column order (configFile first). */
export const PARAMETER_KEYS: readonly string[] = SWEEP_AXES.map((a) => a.key);

let baseValues: Map<string, AxisValue | null> | undefined;

/** Whether an axis value is not the base architecture's (any `.cfg` file is; a value not recorded is not). */
export function differsFromBase(key: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  baseValues ??= new Map(SWEEP_AXES.map((axis) => [axis.key, axis.read(baseConfig())]));
  return value !== baseValues.get(key);
}

/** Short legend/table label of an axis value (`IOTLB 64`, `tq 32`, …). */
export function axisValueLabel(key: string, value: unknown): string {
  if (value === null || value === undefined) return key === 'configFile' ? 'base' : `${key} -`;
  if (key === 'configFile') return String(value).replace(/^.*\//, '').replace(/\.cfg$/, '');
  if (key === 'walkGroups') return `walk ${counted(String(value), 'group')}`;
  return parameterByKey(key).short(value as AxisValue);
}
