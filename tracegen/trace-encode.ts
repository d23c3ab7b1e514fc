/**
 * Encodes the three output files (../shared/spec/formats.md). Next-access times: walking
 * the final order, each translation's key (iova & mask, did) points back at its previous
 * occurrence, which gets nat = the current index.
 */
import {
  CONTEXT_RECORD_BYTES,
  PAGE_TABLE_RECORD_BYTES,
  TRACE_FIELD,
  TRACE_RECORD_BYTES,
  TRACE_RECORD_TYPE_TRANSLATION,
} from '../core/trace-format.js';
import type { ContextRecord, PageTableRecord } from './log-reader.js';
import { writeSync } from 'node:fs';
import type { WriteCheckpoint } from '../core/atomic-write.js';
import { CHUNK_MASK, CHUNK_SHIFT, RECORD_WORDS, WORD, type TranslationStore } from './translation-store.js';

// The store's word offsets, copied into module constants: the hot loops below read them
// per record, and a property of an imported object is measurably slower there.
const { sidDid, iovaLo, iovaHi, maskLo, maskHi, level, slpteLo, slpteHi } = WORD;

/** Writes a u64 given as halves. */
function setU64(view: DataView, offset: number, hi: number, lo: number): void {
  view.setUint32(offset, lo, true);
  view.setUint32(offset + 4, hi, true);
}

/**
 * Next-access times of the translations of `store` in `order`: nat[i] is the index of
 * the next record with the same (iova & mask, did), or -1.
 */
export function nextAccessTimes(store: TranslationStore, order: Int32Array): Int32Array {
  const n = order.length;
  const nat = new Int32Array(n).fill(-1);
  // Keys that fit a double exactly ((page number · 2^16 + did) below 2^52) use a numeric
  // map; the rare others (iova above 2^48, or odd masks) a string map.
  const lastByNumber = new Map<number, number>();
  const lastByString = new Map<string, number>();
  const chunks = store.chunks;
  for (let i = 0; i < n; i++) {
    const s = order[i]!;
    const w = chunks[s >> CHUNK_SHIFT]!;
    const o = (s & CHUNK_MASK) * RECORD_WORDS;
    const did = w[o + sidDid]! >>> 16;
    const pageLo = (w[o + iovaLo]! & w[o + maskLo]!) >>> 0;
    const pageHi = (w[o + iovaHi]! & w[o + maskHi]!) >>> 0;
    let previous: number | undefined;
    if (pageHi < 0x10000 && (pageLo & 0xfff) === 0) {
      const key = (pageHi * 1048576 + (pageLo >>> 12)) * 65536 + did;
      previous = lastByNumber.get(key);
      lastByNumber.set(key, i);
    } else {
      const key = `${pageHi}:${pageLo}:${did}`;
      previous = lastByString.get(key);
      lastByString.set(key, i);
    }
    if (previous !== undefined) nat[previous] = i;
  }
  return nat;
}

/** Records per write: 2^16 (3 MiB), through one reused buffer. */
const WRITE_RECORDS = 1 << 16;

/**
 * Writes `<prefix>_iotlb_trace.bin` for the translations of `store` in `order` to `fd`,
 * a bounded block at a time: touching fresh memory for the whole file would cost more
 * than encoding it. `checkpoint` is awaited between blocks (a signal abandons the write).
 */
export async function writeTranslationTrace(fd: number, store: TranslationStore, order: Int32Array, checkpoint: WriteCheckpoint): Promise<void> {
  const n = order.length;
  const nat = nextAccessTimes(store, order);
  await checkpoint();
  const block = Buffer.allocUnsafeSlow(Math.min(n, WRITE_RECORDS) * TRACE_RECORD_BYTES);
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const chunks = store.chunks;
  for (let first = 0; first < n; first += WRITE_RECORDS) {
    const count = Math.min(WRITE_RECORDS, n - first);
    for (let k = 0; k < count; k++) {
      const i = first + k;
      const s = order[i]!;
      const w = chunks[s >> CHUNK_SHIFT]!;
      const o = (s & CHUNK_MASK) * RECORD_WORDS;
      const base = k * TRACE_RECORD_BYTES;
      view.setInt32(base + TRACE_FIELD.type, TRACE_RECORD_TYPE_TRANSLATION, true);
      view.setUint16(base + TRACE_FIELD.sid, w[o + sidDid]! & 0xffff, true);
      view.setUint16(base + TRACE_FIELD.did, w[o + sidDid]! >>> 16, true);
      setU64(view, base + TRACE_FIELD.iova, w[o + iovaHi]!, w[o + iovaLo]!);
      setU64(view, base + TRACE_FIELD.mask, w[o + maskHi]!, w[o + maskLo]!);
      setU64(view, base + TRACE_FIELD.level, 0, w[o + level]!);
      setU64(view, base + TRACE_FIELD.slpte, w[o + slpteHi]!, w[o + slpteLo]!);
      const next = nat[i]!;
      if (next < 0) setU64(view, base + TRACE_FIELD.nat, 0xffffffff, 0xffffffff);
      else setU64(view, base + TRACE_FIELD.nat, 0, next);
    }
    writeAll(fd, block.subarray(0, count * TRACE_RECORD_BYTES));
    await checkpoint();
  }
}

/** writeSync until every byte is out. */
export function writeAll(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
}

/** A file of fixed-size records: `put` writes record `r` at byte `o`. */
function encodeRecords<T>(records: Iterable<T>, recordBytes: number, put: (view: DataView, o: number, r: T) => void): Buffer {
  const list = [...records];
  const buffer = Buffer.alloc(list.length * recordBytes);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  list.forEach((r, i) => put(view, i * recordBytes, r));
  return buffer;
}

/** `<prefix>_cc_data.bin`: u16 sid, u64 high, u64 low, u16 gen. */
export function encodeContexts(records: Iterable<ContextRecord>): Buffer {
  return encodeRecords(records, CONTEXT_RECORD_BYTES, (view, o, r) => {
    view.setUint16(o, r.sid, true);
    setU64(view, o + 2, r.highHi, r.highLo);
    setU64(view, o + 10, r.lowHi, r.lowLo);
    view.setUint16(o + 18, r.gen, true);
  });
}

/** `<prefix>_slpt_data.bin`: u16 did, u64 address, level, value, iova, table base. */
export function encodePageTables(records: Iterable<PageTableRecord>): Buffer {
  return encodeRecords(records, PAGE_TABLE_RECORD_BYTES, (view, o, r) => {
    view.setUint16(o, r.did, true);
    setU64(view, o + 2, r.addressHi, r.addressLo);
    setU64(view, o + 10, r.levelHi, r.levelLo);
    setU64(view, o + 18, r.valueHi, r.valueLo);
    setU64(view, o + 26, r.iovaHi, r.iovaLo);
    setU64(view, o + 34, r.baseHi, r.baseLo);
  });
}
