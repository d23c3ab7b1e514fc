/**
 * The hardware cost model: bytes of storage of every structure of a configuration,
 * derived from the fields each entry must hold (docs/cost-model.md gives the derivation
 * and its sources). Host-independent (no Node APIs): the web page uses it too; reading
 * an override file is in cost-model.ts.
 */
import { InputError } from '../core/errors.js';
import { TRANSLATIONS_PER_PACKET } from '../core/trace-format.js';
import type { CacheGeometry, ModelConfig } from './parameters.js';

/** Every figure the derivation uses; a JSON file may override any of them (cost-model.ts). */
export interface CostModel {
  /** Input (IO virtual) address bits: 48, a 4-level second-level table (Intel VT-d). */
  iovaBits: number;
  /** Host physical address bits: 52, VT-d's largest host address width (HAW). */
  physicalAddressBits: number;
  /** Bits of the smallest page's offset (4 KiB pages). */
  pageOffsetBits: number;
  /** Domain id (VT-d context entry DID, 16 bits). */
  didBits: number;
  /** Source id (PCIe requester id: bus, device, function). */
  sidBits: number;
  validBits: number;
  /** Read and write permission (VT-d second-level entries' R and W bits). */
  permissionBits: number;
  /** Page size of an IOTLB entry: 4 KiB, 2 MiB or 1 GiB. */
  pageSizeBits: number;
  /** A walk-cache entry's page-size bit (PS: the entry maps a large page). */
  largePageBits: number;
  /** A context entry's control fields besides DID and the table pointer: AW (3), TT (2), FPD (1). */
  contextControlBits: number;
  /** An in-flight translation's stage (context, IOTLB, walk, fill). */
  translationStateBits: number;
  /** An LFU counter: the model counts to 15, then halves the set. */
  lfuCounterBits: number;
  /** The oracle's next-access time (a limit study: no hardware knows the future). */
  oracleNextUseBits: number;
  /**
   * Per-entry state of a plugin replacement policy (`--iotlb-policy ./p.ts`); 0: counted as
   * a true LRU's, log2(ways). Set it to what your policy keeps (SRRIP: 2).
   */
  pluginPolicyBits: number;
  /** Associativity premium: equivalent storage bits of one way's comparator, per tag bit compared. */
  comparatorBitsPerTagBit: number;
  /** Sids the prefetcher's history table holds (a hardware table has a fixed size; the trace's sid count does not set it). */
  prefetcherSids: number;
  /** Bits of a named field, replacing the derived width: `{"iotlb.ppn": 36}` (see FIELD_NAMES). */
  fields: Record<string, number>;
}

/**
 * The defaults: Intel VT-d's formats (48-bit IOVA, 52-bit host physical addresses, 16-bit
 * DID, 16-bit source id) and a comparator per way counted as 1.5 storage bits per tag bit.
 */
export const DEFAULT_COST_MODEL: Readonly<CostModel> = Object.freeze({
  iovaBits: 48,
  physicalAddressBits: 52,
  pageOffsetBits: 12,
  didBits: 16,
  sidBits: 16,
  validBits: 1,
  permissionBits: 2,
  pageSizeBits: 2,
  largePageBits: 1,
  contextControlBits: 6,
  translationStateBits: 2,
  lfuCounterBits: 4,
  oracleNextUseBits: 32,
  pluginPolicyBits: 0,
  comparatorBitsPerTagBit: 1.5,
  prefetcherSids: 1024,
  fields: Object.freeze({}) as Record<string, number>,
});

export type StructureName = 'cc' | 'iotlb' | 'l2page' | 'l3page' | 'prefetchBuffer' | 'prefetcherHistory' | 'prefetcherSidFifo' | 'tq';

/** The fields of one entry of each structure, in the order costBreakdown lists them. */
export const FIELD_NAMES: Readonly<Record<StructureName, readonly string[]>> = {
  cc: ['tagSid', 'did', 'pageTablePointer', 'control', 'valid', 'replacement'],
  iotlb: ['tagIova', 'tagDid', 'pageSize', 'ppn', 'permission', 'valid', 'replacement'],
  l2page: ['tagIova', 'tagDid', 'ppn', 'permission', 'largePage', 'valid', 'replacement'],
  l3page: ['tagIova', 'tagDid', 'ppn', 'permission', 'largePage', 'valid', 'replacement'],
  prefetchBuffer: ['tagIova', 'tagDid', 'pageSize', 'ppn', 'permission', 'valid', 'replacement'],
  prefetcherHistory: ['tagSid', 'valid', 'successorSid', 'successorValid', 'history'],
  prefetcherSidFifo: ['sid'],
  tq: ['sid', 'did', 'iova', 'level', 'ppn', 'permission', 'state', 'valid'],
};

/** Fields that make up a tag: the bits every way's comparator compares. */
const TAG_FIELDS = new Set(['tagSid', 'tagIova', 'tagDid', 'pageSize']);

export interface StructureCost {
  /** Entries the structure holds (0: absent). */
  entries: number;
  ways: number;
  /** Bits of one entry, by field (tag fields first). */
  fields: Record<string, number>;
  bitsPerEntry: number;
  /** Bits compared per lookup in one way (the tag). */
  tagBits: number;
  /** Associativity premium: one comparator per way, in equivalent storage bits. */
  comparatorBits: number;
  /** entries × bitsPerEntry + comparatorBits, rounded up to whole bytes. */
  bytes: number;
}

export type CostBreakdown = Record<StructureName, StructureCost>;

const log2 = (n: number) => (n > 1 ? Math.ceil(Math.log2(n)) : 0);

/** Bits the set index takes from the key: log2(sets) − log2(groups) (the rest comes from the did's low bits). */
function indexBits(cache: CacheGeometry): { free: number; group: number } {
  if (cache.assoc === 0) return { free: 0, group: 0 };
  const sets = cache.size / cache.assoc;
  const group = log2(cache.groups);
  return { free: Math.max(0, log2(sets) - group), group };
}

function replacementBits(policy: ModelConfig['iotlbPolicy'], ways: number, model: CostModel): number {
  if (policy === 'lfu') return model.lfuCounterBits;
  if (policy === 'oracle') return model.oracleNextUseBits;
  if (policy !== 'lru' && model.pluginPolicyBits > 0) return model.pluginPolicyBits; // a plugin (path#hash)
  return log2(ways); // true LRU: each entry's age within its set
}

function structure(name: StructureName, entries: number, ways: number, derived: Record<string, number>, model: CostModel): StructureCost {
  const fields: Record<string, number> = {};
  for (const field of FIELD_NAMES[name]) fields[field] = model.fields[`${name}.${field}`] ?? Math.max(0, derived[field] ?? 0);
  const bitsPerEntry = Object.values(fields).reduce((a, b) => a + b, 0);
  const tagBits = Object.entries(fields)
    .filter(([field]) => TAG_FIELDS.has(field))
    .reduce((a, [, bits]) => a + bits, 0);
  const comparatorBits = entries > 0 ? ways * tagBits * model.comparatorBitsPerTagBit : 0;
  return { entries, ways, fields, bitsPerEntry, tagBits, comparatorBits, bytes: Math.ceil((entries * bitsPerEntry + comparatorBits) / 8) };
}

/**
 * Bytes of every structure of `config`. Only hardware counts: the ideal modes and any
 * other switch that is not a structure's geometry (limit studies) cost nothing, and so
 * do the queue order and selective allocation (a did-range check per fill).
 */
export function costBreakdown(config: ModelConfig, model: CostModel = DEFAULT_COST_MODEL): CostBreakdown {
  const m = model;
  const pageNumberBits = m.iovaBits - m.pageOffsetBits;
  const ppnBits = m.physicalAddressBits - m.pageOffsetBits;
  /** IOVA bits above a region of `regionShift` bits that the set index does not hold. */
  const iovaTag = (cache: CacheGeometry, regionShift: number, keyShift: number) => m.iovaBits - regionShift - Math.min(indexBits(cache).free, m.iovaBits - keyShift);
  const didTag = (cache: CacheGeometry) => m.didBits - Math.min(indexBits(cache).group, m.didBits);
  const lru = (cache: CacheGeometry) => replacementBits('lru', cache.assoc, m);

  const { cc, iotlb, l2page, l3page, prefetch } = config;
  const translationEntry = (cache: CacheGeometry, replacement: number) => ({
    // The set index is iova >> 21 (spec: IOTLB and prefetch buffer), the tag the page number's other bits.
    tagIova: iovaTag(cache, m.pageOffsetBits, 21),
    tagDid: didTag(cache),
    pageSize: m.pageSizeBits,
    ppn: ppnBits,
    permission: m.permissionBits,
    valid: m.validBits,
    replacement,
  });
  const walkEntry = (cache: CacheGeometry, regionShift: number) => ({
    tagIova: iovaTag(cache, regionShift, regionShift),
    tagDid: didTag(cache),
    ppn: ppnBits, // the next-level table's (or the large page's) frame
    permission: m.permissionBits,
    largePage: m.largePageBits,
    valid: m.validBits,
    replacement: lru(cache),
  });
  const buffer: CacheGeometry = { size: prefetch.bufferSize, assoc: prefetch.bufferSize, groups: 1 };
  const historyRecord = m.didBits + pageNumberBits + m.pageSizeBits + m.validBits;
  const sidIndex = log2(m.prefetcherSids);
  return {
    cc: structure(
      'cc',
      cc.size,
      cc.assoc,
      {
        tagSid: m.sidBits - Math.min(indexBits(cc).free, m.sidBits),
        did: m.didBits,
        pageTablePointer: ppnBits, // SLPTPTR: the second-level table's 4 KiB frame
        control: m.contextControlBits,
        valid: m.validBits,
        replacement: replacementBits('lfu', cc.assoc, m), // the context cache is always LFU
      },
      m,
    ),
    iotlb: structure('iotlb', iotlb.size, iotlb.assoc, translationEntry(iotlb, replacementBits(config.iotlbPolicy, iotlb.assoc, m)), m),
    l2page: structure('l2page', l2page.size, l2page.assoc, walkEntry(l2page, 21), m),
    l3page: structure('l3page', l3page.size, l3page.assoc, walkEntry(l3page, 30), m),
    prefetchBuffer: structure('prefetchBuffer', buffer.size, buffer.assoc, translationEntry(buffer, lru(buffer)), m),
    // The model runs the prefetcher whatever the buffer (its requests warm the walk caches).
    prefetcherHistory: structure(
      'prefetcherHistory',
      m.prefetcherSids,
      1,
      { tagSid: m.sidBits - Math.min(sidIndex, m.sidBits), valid: m.validBits, successorSid: m.sidBits, successorValid: m.validBits, history: prefetch.historyLength * historyRecord },
      m,
    ),
    prefetcherSidFifo: structure('prefetcherSidFifo', prefetch.distance, 0, { sid: m.sidBits }, m),
    // A packet is admitted while fewer than tq are in flight, then issues 3: up to tq + 2 in flight.
    tq: structure(
      'tq',
      config.tq + TRANSLATIONS_PER_PACKET - 1,
      0,
      { sid: m.sidBits, did: m.didBits, iova: pageNumberBits, level: m.pageSizeBits, ppn: ppnBits, permission: m.permissionBits, state: m.translationStateBits, valid: m.validBits },
      m,
    ),
  };
}

/** Bytes of storage of the whole configuration (the sum of costBreakdown). */
export function configCostBytes(config: ModelConfig, model: CostModel = DEFAULT_COST_MODEL): number {
  return Object.values(costBreakdown(config, model)).reduce((sum, s) => sum + s.bytes, 0);
}

const NUMBER_KEYS = Object.keys(DEFAULT_COST_MODEL).filter((key) => key !== 'fields') as (keyof Omit<CostModel, 'fields'>)[];
const FIELD_KEYS = Object.entries(FIELD_NAMES).flatMap(([name, fields]) => fields.map((field) => `${name}.${field}`));
/** Figures that are counts of bits or entries; only the comparator premium may be fractional. */
const FRACTIONAL = new Set<string>(['comparatorBitsPerTagBit']);

/**
 * A cost model from the JSON text of an override file (`source` names it in errors): the
 * defaults with the file's figures on top. Every key must be a figure of CostModel (or,
 * under `fields`, a `structure.field` of FIELD_NAMES) with a non-negative number.
 */
export function parseCostModel(text: string, source: string): CostModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(`${source}: expected a JSON object of cost figures (docs/cost-model.md)`);
  const model: CostModel = { ...DEFAULT_COST_MODEL, fields: {} };
  const figure = (name: string, value: unknown, integer: boolean): number => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
      throw new InputError(`${source}: ${name}: expected a non-negative ${integer ? 'integer' : 'number'}, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  for (const [key, value] of Object.entries(json)) {
    if (key === 'fields') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${source}: fields: expected an object of "structure.field": bits`);
      for (const [field, bits] of Object.entries(value as Record<string, unknown>)) {
        if (!FIELD_KEYS.includes(field)) throw new InputError(`${source}: fields.${field}: unknown field (expected structure.field, e.g. iotlb.ppn; see docs/cost-model.md)`);
        model.fields[field] = figure(`fields.${field}`, bits, true);
      }
    } else if ((NUMBER_KEYS as string[]).includes(key)) {
      (model as unknown as Record<string, number>)[key] = figure(key, value, !FRACTIONAL.has(key));
    } else {
      throw new InputError(`${source}: ${key}: unknown field (expected ${NUMBER_KEYS.join(', ')} or fields)`);
    }
  }
  if (model.prefetcherSids < 1) throw new InputError(`${source}: prefetcherSids: expected at least 1, got ${model.prefetcherSids}`);
  return model;
}
