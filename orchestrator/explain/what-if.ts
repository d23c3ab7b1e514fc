/**
 * The single changes `explain` tries from a configuration (issue 21): every cache's
 * entries ×2 and ×4 and ways ×2, every cache's set groups ×2 and ×4, selective
 * allocation, tq ×2 ×4 ×8, a prefetch buffer of 16 and 64, the other IOTLB policies, and
 * the limit studies (ideal IOTLB, context cache, walk caches, all three). Each is the
 * base with one parameter (or one study) changed through the parameter table, so its
 * `run` flags reproduce it. No Node APIs: the web page uses it too.
 */
import { baseConfig, validateConfig, type ModelConfig } from '../config.js';
import { IOTLB_POLICIES, MODEL_PARAMETERS, modelFlags, parameterByKey, type CacheKey, type ParameterValue } from '../parameters.js';

export interface WhatIf {
  /** Stable short id (`iotlbSize*2`, `tq*8`, `ideal-all`). */
  id: string;
  /** In words, with the values: `IOTLB entries ×2 (64 → 128)`. */
  change: string;
  config: ModelConfig;
  /** A limit study (ideal modes): not hardware, costs nothing. */
  limitStudy: boolean;
}

export interface SkippedWhatIf {
  id: string;
  change: string;
  /** Why it is not simulated: invalid (the validation message), or the same as the base or another change. */
  reason: string;
}

const CACHES: readonly { key: CacheKey; name: string }[] = [
  { key: 'cc', name: 'CC' },
  { key: 'iotlb', name: 'IOTLB' },
  { key: 'l2page', name: 'L2PAGE' },
  { key: 'l3page', name: 'L3PAGE' },
];

/** The ideal-mode switches (parameters of the table when the model has them). */
export const IDEAL_KEYS = ['idealIotlb', 'idealCc', 'idealWalkCaches'] as const;
const IDEAL_NAMES: Record<(typeof IDEAL_KEYS)[number], string> = { idealIotlb: 'ideal IOTLB (every lookup hits)', idealCc: 'ideal context cache', idealWalkCaches: 'ideal walk caches' };

const hasParameter = (key: string) => MODEL_PARAMETERS.some((p) => p.key === key);
const show = (v: ParameterValue) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v));

/** `base` with parameters set as their flags would (in the table's order). */
function withValues(base: ModelConfig, values: Readonly<Record<string, ParameterValue>>): ModelConfig {
  const config = structuredClone(base);
  for (const p of MODEL_PARAMETERS) if (p.key in values) p.write(config, values[p.key] as ParameterValue);
  return config;
}

interface Candidate {
  id: string;
  change: string;
  values: Record<string, ParameterValue>;
  limitStudy?: boolean;
}

function candidates(base: ModelConfig): Candidate[] {
  const list: Candidate[] = [];
  const scaled = (key: string, factor: number, name: string): Candidate => {
    const from = Number(parameterByKey(key).read(base));
    return { id: `${key}*${factor}`, change: `${name} ×${factor} (${show(from)} → ${show(from * factor)})`, values: { [key]: from * factor } };
  };
  for (const { key, name } of CACHES) {
    list.push(scaled(`${key}Size`, 2, `${name} entries`), scaled(`${key}Size`, 4, `${name} entries`));
    // Ways ×2 keeps the entries (fewer sets); a fully associative cache cannot have more.
    list.push(scaled(`${key}Ways`, 2, `${name} ways`));
  }
  for (const { key, name } of CACHES) list.push(scaled(`${key}Groups`, 2, `${name} groups`), scaled(`${key}Groups`, 4, `${name} groups`));
  list.push({ id: 'salloc', change: 'selective allocation on', values: { salloc: true } });
  for (const factor of [2, 4, 8]) list.push(scaled('tq', factor, 'tq'));
  for (const entries of [16, 64]) list.push({ id: `prefetchBuffer=${entries}`, change: `prefetch buffer of ${entries} (${show(base.prefetch.bufferSize)} → ${entries})`, values: { prefetchBuffer: entries } });
  // The table's short text of the current policy: a plugin policy is a file, not a word.
  const policyNow = parameterByKey('iotlbPolicy').short(parameterByKey('iotlbPolicy').read(base));
  for (const policy of IOTLB_POLICIES) list.push({ id: `iotlbPolicy=${policy}`, change: `IOTLB policy ${policy} (${policyNow} → ${policy})`, values: { iotlbPolicy: policy } });
  for (const key of IDEAL_KEYS) list.push({ id: key, change: `limit study: ${IDEAL_NAMES[key]}`, values: { [key]: true }, limitStudy: true });
  list.push({ id: 'ideal-all', change: 'limit study: ideal IOTLB, context cache and walk caches', values: Object.fromEntries(IDEAL_KEYS.map((k) => [k, true])), limitStudy: true });
  return list;
}

/**
 * The changes to simulate from `base`, in a fixed order, and those skipped with why:
 * invalid (the same message `run` would give), identical to the base (the other policy
 * that is the base's own) or to an earlier change, or a limit study the model lacks.
 */
export function whatIfChanges(base: ModelConfig): { changes: WhatIf[]; skipped: SkippedWhatIf[] } {
  const changes: WhatIf[] = [];
  const skipped: SkippedWhatIf[] = [];
  const seen = new Map<string, string>([[JSON.stringify(base), 'the base']]);
  for (const c of candidates(base)) {
    const missing = Object.keys(c.values).filter((key) => !hasParameter(key));
    if (missing.length > 0) {
      skipped.push({ id: c.id, change: c.change, reason: `this model has no ${missing.join(', ')} parameter` });
      continue;
    }
    const config = withValues(base, c.values);
    const same = seen.get(JSON.stringify(config));
    if (same !== undefined) {
      skipped.push({ id: c.id, change: c.change, reason: `same configuration as ${same}` });
      continue;
    }
    try {
      validateConfig(config, c.id);
    } catch (err) {
      skipped.push({ id: c.id, change: c.change, reason: `invalid: ${(err as Error).message.replace(/^[^:]*: /, '')}` });
      continue;
    }
    seen.set(JSON.stringify(config), c.change);
    changes.push({ id: c.id, change: c.change, config, limitStudy: c.limitStudy === true });
  }
  return { changes, skipped };
}

/**
 * The `run` flags that give `config` (every parameter that differs from the base
 * architecture), as argv words: `['--iotlb-size', '128']`.
 */
export function runFlags(config: ModelConfig): string[] {
  return modelFlags(config, baseConfig()).flatMap((flag) => flag.split(' '));
}

/** The `hypersio run` command line that reproduces `config` on `trace`. */
export function runCommand(trace: string, config: ModelConfig): string {
  return ['hypersio', 'run', '--trace', trace, ...runFlags(config)].map(shellWord).join(' ');
}

/** A word as a POSIX shell reads it back (quoted only when it has to be). */
const shellWord = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
