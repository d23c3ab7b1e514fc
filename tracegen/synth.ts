/**
 * Synthetic hyper-tenant traces, for tenant counts no VM run reaches. Each tenant is a
 * model of one NIC receive queue under its own domain (did = tenant index):
 *
 * - a descriptor ring of `ringSize` 16-byte descriptors on one 4 KiB page (256 by default),
 *   near the top of the 32-bit IOVA space as Linux's top-down IOVA allocator places it;
 * - a pool of `poolMin … poolMax` packet-buffer pages (uniform per tenant); descriptor d's
 *   buffer lives in pool page `d mod pool` at offset `(⌊d / pool⌋ · 2048) mod pageSize`,
 *   so the same pages come back every time the ring wraps;
 * - a fraction `hugeFraction` of tenants keeps its pool on 2 MiB pages (level 2, slpte
 *   page-size bit 7 set), the rest on 4 KiB pages;
 * - packet k of a tenant uses descriptor d = k mod ringSize and makes 3 translations:
 *   descriptor read (ring page), buffer write (pool page), descriptor write-back (ring);
 * - rate: a tenant sends round(packets · (1 + rateSpread · u)) packets, u uniform in
 *   [-1, 1] (rateSpread 0: all equal);
 * - interleaving: `rr` gives every tenant with packets left `burst` packets per round
 *   until all are done; `rand` picks a tenant with packets left uniformly at random (seeded)
 *   for each turn of `burst` packets.
 *
 * - sids follow the reference's layout: tenants come in groups of `devicesPerLog` (24 by
 *   default, the reference's standard log), device i of group k getting sid
 *   `((2 + i) << 3) + 128·k`, as the trace constructor numbers device i of log k. With
 *   more than 16 devices per log, groups overlap: tenant 16 of group k shares its sid
 *   with tenant 0 of group k+1, and so its context-cache entry (about 690 distinct sids
 *   for 1024 tenants). `devicesPerLog` 0 gives every tenant its own sid (0x100 + t).
 *
 * Everything random comes from the seed, so (options, seed) fix the bytes. Pages are
 * numbered globally (per tenant: ring, then pool), so next-access times come from a flat
 * per-page table instead of a hash map, and records are encoded through a Uint32Array
 * view into one reused block buffer: 4096 tenants × 10M translations take seconds.
 */
import { endianness } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { TRACE_FIELD, TRACE_RECORD_BYTES, TRACE_RECORD_TYPE_TRANSLATION, tracePaths, tracePrefix, TRANSLATIONS_PER_PACKET } from '../core/trace-format.js';
import { ensureOutputDir, writeFilesAtomicallyAsync, type WriteCheckpoint } from '../core/atomic-write.js';
import { encodeContexts, writeAll } from './trace-encode.js';
import { LEVEL_MASK_LO } from './translation-store.js';

export interface SynthOptions {
  tenants: number;
  /** Packets per tenant (mean, see rateSpread); 3 translations each. */
  packets: number;
  order?: 'rr' | 'rand';
  /** Packets per tenant turn (consec = 3·burst). Default 1. */
  burst?: number;
  seed?: number;
  /** Fraction of tenants whose buffer pool uses 2 MiB pages. Default 0.3. */
  hugeFraction?: number;
  /** Buffer pages per tenant, uniform in [poolMin, poolMax]. Default 16 … 96. */
  poolMin?: number;
  poolMax?: number;
  /** Descriptors per ring (16 bytes each, one 4 KiB page holds 256). Default 256. */
  ringSize?: number;
  /** Per-tenant packet count spread in [0, 1). Default 0. */
  rateSpread?: number;
  /**
   * Tenants per simulated log for the sid layout (see above): 1 … 30, default 24; 0 gives
   * every tenant a sid of its own.
   */
  devicesPerLog?: number;
  /** Name at the start of the output files. Default "synth". */
  name?: string;
  outDir: string;
  /**
   * Awaited between blocks while the trace is generated and written (Ctrl-C: it throws,
   * the temporaries are removed and files already at the output paths stay as they were).
   */
  checkpoint?: WriteCheckpoint;
}

export interface SynthResult {
  /** The translation trace (`…_iotlb_trace.bin`). */
  path: string;
  paths: { iotlb: string; context: string; pageTable: string };
  outputPrefix: string;
  translations: number;
  tenants: number;
  /** Tenants whose buffer pool is on 2 MiB pages. */
  hugeTenants: number;
  /** Distinct (page, did) pairs touched. */
  pages: number;
  /** Distinct sids (fewer than tenants when groups of more than 16 devices overlap). */
  sids: number;
}

/** Small, fast, seedable 32-bit generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PAGE_4K = 4096;
const PAGE_2M = 2 * 1024 * 1024;
const MASK_4K_LO = LEVEL_MASK_LO[1]!;
const MASK_2M_LO = LEVEL_MASK_LO[2]!;
/** Next-access times are kept as Int32. */
const MAX_TRANSLATIONS = 2 ** 31 - 1;
/** With devicesPerLog 0, tenant t's device is sid 0x100 + t (buses 1, 2, …). */
const FIRST_SID = 0x100;
/** A log's first tenant device is PCI slot 2 (the reference's trace constructor). */
const FIRST_SLOT = 2;
/** The trace constructor shifts each log's sids by 128. */
const LOG_SID_SHIFT = 128;
/** Slots 2 … 31 on bus 0: at most 30 devices per log. */
const MAX_DEVICES_PER_LOG = 32 - FIRST_SLOT;

/** Tenant t's sid: device t mod N of log ⌊t / N⌋ in the reference's numbering, or its own. */
export function synthSid(tenant: number, devicesPerLog: number): number {
  if (devicesPerLog === 0) return FIRST_SID + tenant;
  const log = Math.floor(tenant / devicesPerLog);
  return ((FIRST_SLOT + (tenant % devicesPerLog)) << 3) + LOG_SID_SHIFT * log;
}

/** The most tenants whose sids fit in 16 bits with `devicesPerLog` per log. */
export function maxSynthTenants(devicesPerLog: number): number {
  if (devicesPerLog === 0) return 0xffff - FIRST_SID;
  const logs = Math.floor((0xffff - ((FIRST_SLOT + devicesPerLog - 1) << 3)) / LOG_SID_SHIFT) + 1;
  return logs * devicesPerLog;
}

function checkInteger(flag: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${flag} ${value}: must be an integer between ${min} and ${max}`);
  }
  return value;
}

function checkOptions(o: SynthOptions): Required<SynthOptions> {
  const r: Required<SynthOptions> = {
    order: 'rr',
    burst: 1,
    seed: 1,
    hugeFraction: 0.3,
    poolMin: 16,
    poolMax: 96,
    ringSize: 256,
    rateSpread: 0,
    devicesPerLog: 24,
    name: 'synth',
    checkpoint: async () => {},
    ...o,
  };
  checkInteger('--max-dev-per-log', r.devicesPerLog, 0, MAX_DEVICES_PER_LOG);
  const maxTenants = maxSynthTenants(r.devicesPerLog);
  if (!Number.isInteger(r.tenants) || r.tenants < 1 || r.tenants > maxTenants) {
    const why = r.devicesPerLog === 0 ? 'one sid per tenant from 0x100' : `${r.devicesPerLog} devices per log, each log's sids shifted by 128`;
    throw new InputError(`--tenants ${r.tenants}: must be an integer between 1 and ${maxTenants} (16-bit sids, ${why})`);
  }
  checkInteger('--burst', r.burst, 1, 2 ** 20);
  checkInteger('--seed', r.seed, 0, 0xffffffff);
  checkInteger('--pool-min', r.poolMin, 1, 4096);
  checkInteger('--pool-max', r.poolMax, r.poolMin, 4096);
  checkInteger('--ring-size', r.ringSize, 1, 256);
  if (r.order !== 'rr' && r.order !== 'rand') throw new InputError(`--order ${String(r.order)}: unknown order (expected rr or rand)`);
  if (!(r.hugeFraction >= 0 && r.hugeFraction <= 1)) throw new InputError(`--huge-fraction ${r.hugeFraction}: must be between 0 and 1`);
  if (!(r.rateSpread >= 0 && r.rateSpread < 1)) throw new InputError(`--rate-spread ${r.rateSpread}: must be in [0, 1)`);
  // Every translation's index fits an Int32: 3 per packet, each tenant up to (1 + spread) × packets.
  const maxPackets = Math.max(1, Math.floor(MAX_TRANSLATIONS / (TRANSLATIONS_PER_PACKET * r.tenants * (1 + r.rateSpread))));
  if (!Number.isInteger(r.packets) || r.packets < 1 || r.packets > maxPackets) {
    const spread = r.rateSpread > 0 ? ` × (1 + ${r.rateSpread} rate spread)` : '';
    throw new InputError(
      `--packets ${r.packets}: must be an integer between 1 and ${maxPackets} with ${r.tenants} tenants (a trace holds at most ${MAX_TRANSLATIONS.toLocaleString('en-US')} translations: ${TRANSLATIONS_PER_PACKET} per packet × tenants${spread})`,
    );
  }
  if (!r.name || r.name.includes('/')) throw new InputError(`--name ${r.name}: must be a non-empty file name part`);
  return r;
}

/** The drawn per-tenant parameters of a synthetic trace. */
interface SyntheticModel {
  tenants: number;
  packetsOf: Float64Array;
  poolPages: Uint32Array;
  huge: Uint8Array;
  ringIova: Uint32Array;
  poolIova: Uint32Array;
  /** Global number of tenant t's ring page; its pool pages follow; [T] = total pages. */
  firstPage: Uint32Array;
  slpteLo: Uint32Array;
  slpteHi: Uint32Array;
  translations: number;
  hugeTenants: number;
}

/** Draws every tenant's parameters, in a fixed order, from the seed. */
function drawModel(o: Required<SynthOptions>): SyntheticModel {
  const random = seededRandom(o.seed);
  const T = o.tenants;
  const packetsOf = new Float64Array(T);
  const poolPages = new Uint32Array(T);
  const huge = new Uint8Array(T);
  const ringIova = new Uint32Array(T);
  const poolIova = new Uint32Array(T);
  const firstPage = new Uint32Array(T + 1);
  let totalPackets = 0;
  let hugeTenants = 0;
  for (let t = 0; t < T; t++) {
    const pool = o.poolMin + Math.floor(random() * (o.poolMax - o.poolMin + 1));
    const isHuge = random() < o.hugeFraction;
    const spread = o.rateSpread * (2 * random() - 1);
    const ringSlot = Math.floor(random() * 4096);
    const poolSlot = Math.floor(random() * 256);
    poolPages[t] = pool;
    huge[t] = isHuge ? 1 : 0;
    hugeTenants += huge[t]!;
    packetsOf[t] = Math.max(1, Math.round(o.packets * (1 + spread)));
    totalPackets += packetsOf[t]!;
    ringIova[t] = (0xfffff - ringSlot) * PAGE_4K;
    // 4 KiB pools sit just below the ring; 2 MiB pools below 4 GiB, 2 MiB aligned.
    poolIova[t] = isHuge ? (0x7ff - pool - poolSlot) * PAGE_2M : ringIova[t]! - (pool + 1 + poolSlot) * PAGE_4K;
    firstPage[t + 1] = firstPage[t]! + 1 + pool;
  }
  const translations = 3 * totalPackets;
  if (translations > MAX_TRANSLATIONS) {
    throw new InputError(`--packets ${o.packets}: ${translations} translations exceed the limit of ${MAX_TRANSLATIONS}`);
  }
  // Leaf slpte of each page: a plausible host frame, read+write, bit 7 on 2 MiB pages.
  const totalPages = firstPage[T]!;
  const slpteLo = new Uint32Array(totalPages);
  const slpteHi = new Uint32Array(totalPages);
  for (let t = 0; t < T; t++) {
    const ring = 2 ** 32 + t * 2 ** 24;
    slpteLo[firstPage[t]!] = (ring % 2 ** 32) + 3;
    slpteHi[firstPage[t]!] = Math.floor(ring / 2 ** 32);
    for (let j = 0; j < poolPages[t]!; j++) {
      const frame = huge[t] ? 2 ** 40 + t * 2 ** 30 + j * PAGE_2M : 2 ** 32 + t * 2 ** 24 + (j + 1) * PAGE_4K;
      slpteLo[firstPage[t]! + 1 + j] = (frame % 2 ** 32) + (huge[t] ? 0x83 : 3);
      slpteHi[firstPage[t]! + 1 + j] = Math.floor(frame / 2 ** 32);
    }
  }
  return { tenants: T, packetsOf, poolPages, huge, ringIova, poolIova, firstPage, slpteLo, slpteHi, translations, hugeTenants };
}

/** Receives each translation in trace order: tenant, global page number, iova, mask (low half), level. */
type Emit = (tenant: number, page: number, iova: number, maskLo: number, level: number) => void;

/** Translations between two pauses of a generation (where a pending signal is looked at). */
const PAUSE_EVERY = 1 << 16;

/** Where an interleaving stands: it runs in slices (runTurns), so a writer can pause between them. */
interface Turns {
  random: () => number;
  sent: Float64Array;
  /** Tenants with packets left. */
  active: number[];
  /** rr: position in the current round, and tenants kept for the next one. */
  position: number;
  kept: number;
  emitted: number;
}

function startTurns(model: SyntheticModel, o: Required<SynthOptions>): Turns {
  const active: number[] = [];
  for (let t = 0; t < model.tenants; t++) active.push(t);
  return { random: seededRandom((o.seed ^ 0x9e3779b9) >>> 0), sent: new Float64Array(model.tenants), active, position: 0, kept: 0, emitted: 0 };
}

/** Emits up to `burst` packets of tenant t; returns false once it has none left. */
function turn(model: SyntheticModel, o: Required<SynthOptions>, state: Turns, t: number, emit: Emit): boolean {
  const { packetsOf, poolPages, huge, ringIova, poolIova, firstPage } = model;
  const sent = state.sent;
  const ringPage = firstPage[t]!;
  const pool = poolPages[t]!;
  const pageBytes = huge[t] ? PAGE_2M : PAGE_4K;
  const poolMask = huge[t] ? MASK_2M_LO : MASK_4K_LO;
  const poolLevel = huge[t] ? 2 : 1;
  for (let b = 0; b < o.burst; b++) {
    if (sent[t]! >= packetsOf[t]!) return false;
    const d = sent[t]! % o.ringSize;
    const descriptor = ringIova[t]! + d * 16;
    const slot = d % pool;
    const buffer = poolIova[t]! + slot * pageBytes + ((Math.floor(d / pool) * 2048) % pageBytes);
    emit(t, ringPage, descriptor, MASK_4K_LO, 1); // descriptor read
    emit(t, ringPage + 1 + slot, buffer, poolMask, poolLevel); // buffer write
    emit(t, ringPage, descriptor, MASK_4K_LO, 1); // descriptor write-back
    sent[t]!++;
  }
  state.emitted += 3 * o.burst;
  return sent[t]! < packetsOf[t]!;
}

/**
 * Runs the interleaving on from `state`, emitting each translation in order, until about
 * `slice` more were emitted; returns false once every tenant is done. `rr` gives every
 * tenant with packets left `burst` packets per round; `rand` picks one uniformly (seeded).
 * Deterministic: the state's own generator makes a second run repeat the first exactly.
 */
function runTurns(model: SyntheticModel, o: Required<SynthOptions>, state: Turns, emit: Emit, slice: number): boolean {
  const active = state.active;
  const stop = state.emitted + slice;
  if (o.order === 'rr') {
    while (active.length > 0) {
      while (state.position < active.length) {
        const t = active[state.position++]!;
        if (turn(model, o, state, t, emit)) active[state.kept++] = t;
        if (state.emitted >= stop) return true;
      }
      active.length = state.kept;
      state.position = 0;
      state.kept = 0;
    }
  } else {
    while (active.length > 0) {
      const pick = Math.floor(state.random() * active.length);
      if (!turn(model, o, state, active[pick]!, emit)) {
        active[pick] = active[active.length - 1]!;
        active.pop();
      }
      if (state.emitted >= stop) return active.length > 0;
    }
  }
  return false;
}

/** The whole interleaving, yielding every PAUSE_EVERY translations or so (see generateTrace). */
function* allTurns(model: SyntheticModel, o: Required<SynthOptions>, emit: Emit): Generator<void, void, void> {
  const state = startTurns(model, o);
  while (runTurns(model, o, state, emit, PAUSE_EVERY)) yield;
}

/** Records per output block: 2^16 (3 MiB), through one reused buffer. */
const BLOCK_RECORDS = 1 << 16;
// A trace record's u32 words (TRACE_FIELD offsets / 4; sid and did share one word).
const RECORD_WORDS = TRACE_RECORD_BYTES / 4;
const W_TYPE = TRACE_FIELD.type / 4;
const W_SID_DID = TRACE_FIELD.sid / 4;
const W_IOVA = TRACE_FIELD.iova / 4;
const W_MASK = TRACE_FIELD.mask / 4;
const W_LEVEL = TRACE_FIELD.level / 4;
const W_SLPTE = TRACE_FIELD.slpte / 4;
const W_NAT = TRACE_FIELD.nat / 4;

/**
 * Generates the translation trace into `sink`, a block at a time. Two runs of the same
 * interleaving: the first records each translation's page and turns that into next-access
 * times (a backward pass over a flat per-page table); the second encodes the records.
 * This keeps memory at 4 bytes per translation instead of the whole 48-byte file, which
 * matters at 10M translations (fresh memory is costly to touch).
 * Yields between blocks (see runTurns); returns the number of distinct pages used.
 */
function* generateTrace(model: SyntheticModel, o: Required<SynthOptions>, sink: (block: Uint8Array) => void): Generator<void, number, void> {
  const n = model.translations;
  const totalPages = model.firstPage[model.tenants]!;
  // Pass 1: the page of every translation, then in place its next access (or -1).
  const nat = new Int32Array(n);
  let count = 0;
  yield* allTurns(model, o, (_t, page) => {
    nat[count++] = page;
  });
  const nextUse = new Int32Array(totalPages).fill(-1);
  for (let i = n - 1; i >= 0; i--) {
    const page = nat[i]!;
    nat[i] = nextUse[page]!;
    nextUse[page] = i;
    if (i % PAUSE_EVERY === 0) yield;
  }
  let pages = 0;
  for (let p = 0; p < totalPages; p++) if (nextUse[p]! >= 0) pages++;

  // Pass 2: encode, as little-endian u32 words (checked host): low word, then high.
  const block = Buffer.allocUnsafeSlow(Math.min(n, BLOCK_RECORDS) * TRACE_RECORD_BYTES);
  const words = new Uint32Array(block.buffer, block.byteOffset, block.byteLength / 4);
  const { slpteLo, slpteHi } = model;
  let record = 0;
  let inBlock = 0;
  const sidDid = Uint32Array.from({ length: model.tenants }, (_, t) => synthSid(t, o.devicesPerLog) | (t << 16));
  yield* allTurns(model, o, (t, page, iova, maskLo, level) => {
    const w = inBlock * RECORD_WORDS;
    words[w + W_TYPE] = TRACE_RECORD_TYPE_TRANSLATION;
    words[w + W_SID_DID] = sidDid[t]!;
    words[w + W_IOVA] = iova;
    words[w + W_IOVA + 1] = 0;
    words[w + W_MASK] = maskLo;
    words[w + W_MASK + 1] = 0xffffffff;
    words[w + W_LEVEL] = level;
    words[w + W_LEVEL + 1] = 0;
    words[w + W_SLPTE] = slpteLo[page]!;
    words[w + W_SLPTE + 1] = slpteHi[page]!;
    const next = nat[record]!;
    words[w + W_NAT] = next < 0 ? 0xffffffff : next;
    words[w + W_NAT + 1] = next < 0 ? 0xffffffff : 0;
    record++;
    if (++inBlock === BLOCK_RECORDS) {
      sink(block);
      inBlock = 0;
    }
  });
  if (inBlock > 0) sink(block.subarray(0, inBlock * TRACE_RECORD_BYTES));
  return pages;
}

/**
 * One context entry per sid, as the trace constructor keeps the last one per sid: that of
 * the sid's last tenant (did in high bits 8..23, 48-bit address width; a per-tenant table
 * root in low, present).
 */
function contextFile(tenants: number, devicesPerLog: number): { bytes: Uint8Array; sids: number } {
  const lastTenantOfSid = new Map<number, number>();
  for (let t = 0; t < tenants; t++) lastTenantOfSid.set(synthSid(t, devicesPerLog), t);
  const entries = [...lastTenantOfSid].map(([sid, t]) => ({ sid, highHi: 0, highLo: (t << 8) | 2, lowHi: 0, lowLo: (0x10000000 + t * PAGE_4K) | 1, gen: 1 }));
  return { bytes: encodeContexts(entries), sids: lastTenantOfSid.size };
}

function checkHost(): void {
  if (endianness() !== 'LE') throw new InputError('synth: needs a little-endian host');
}

/** Builds a synthetic trace in memory (tests, small traces); `synthesizeTrace` writes one. */
export function synthesizeTraceBuffers(options: SynthOptions): {
  trace: Buffer;
  context: Uint8Array;
  translations: number;
  hugeTenants: number;
  pages: number;
  consec: number;
} {
  const o = checkOptions(options);
  checkHost();
  const model = drawModel(o);
  const blocks: Buffer[] = [];
  const generation = generateTrace(model, o, (block) => blocks.push(Buffer.from(block)));
  let step = generation.next();
  while (!step.done) step = generation.next();
  const pages = step.value;
  return {
    trace: Buffer.concat(blocks),
    context: contextFile(o.tenants, o.devicesPerLog).bytes,
    translations: model.translations,
    hugeTenants: model.hugeTenants,
    pages,
    consec: 3 * o.burst,
  };
}

/** Writes `<name>_tnt_<T>_<order><3·burst>_{iotlb_trace,cc_data,slpt_data}.bin` in outDir. */
export async function synthesizeTrace(options: SynthOptions): Promise<SynthResult> {
  const o = checkOptions(options);
  checkHost();
  ensureOutputDir(o.outDir);
  const model = drawModel(o);
  const outputPrefix = tracePrefix(o.name, o.tenants, o.order, TRANSLATIONS_PER_PACKET * o.burst);
  const paths = tracePaths(join(o.outDir, outputPrefix));
  let pages = 0;
  const contexts = contextFile(o.tenants, o.devicesPerLog);
  const writeTrace = async (fd: number, checkpoint: WriteCheckpoint) => {
    const generation = generateTrace(model, o, (block) => writeAll(fd, block));
    let step = generation.next();
    for (; !step.done; step = generation.next()) await checkpoint();
    pages = step.value;
  };
  await writeFilesAtomicallyAsync(
    [
      { path: paths.iotlb, data: writeTrace },
      { path: paths.context, data: contexts.bytes },
      // No page-table walks are modelled: an empty (valid) page-table file.
      { path: paths.pageTable, data: new Uint8Array(0) },
    ],
    o.checkpoint,
  );
  return {
    path: paths.iotlb,
    paths,
    outputPrefix,
    translations: model.translations,
    tenants: o.tenants,
    hugeTenants: model.hugeTenants,
    pages,
    sids: contexts.sids,
  };
}
