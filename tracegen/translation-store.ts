/**
 * The translations kept from the logs, in read order, packed 8 words (32 bytes) each into
 * fixed-size Uint32Array chunks rather than one object per translation: a big log keeps
 * millions. Chunks are never copied on growth (fresh memory is expensive to touch; doubling
 * an array touches everything twice). 64-bit fields are two unsigned 32-bit halves.
 */
import { pageMask } from '../core/trace-format.js';

/** Word offsets within a record. */
export const WORD = {
  sidDid: 0, // sid | did << 16
  iovaLo: 1,
  iovaHi: 2,
  maskLo: 3,
  maskHi: 4,
  level: 5,
  slpteLo: 6,
  slpteHi: 7,
} as const;
export const RECORD_WORDS = 8;
/** Records per chunk: 2^16 (2 MiB). */
export const CHUNK_SHIFT = 16;
export const CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

/** One translation, decoded (tests and tools; the hot paths read `words`). */
export interface Translation {
  sid: number;
  did: number;
  iova: bigint;
  mask: bigint;
  level: number;
  slpte: bigint;
}

export class TranslationStore {
  length = 0;
  /** Record i is at chunks[i >> CHUNK_SHIFT], word (i & CHUNK_MASK) · RECORD_WORDS. */
  readonly chunks: Uint32Array[] = [];

  /** Appends one translation; returns its index. */
  push(
    sid: number,
    did: number,
    iovaHi: number,
    iovaLo: number,
    maskHi: number,
    maskLo: number,
    level: number,
    slpteHi: number,
    slpteLo: number,
  ): number {
    const i = this.length;
    const o = (i & CHUNK_MASK) * RECORD_WORDS;
    if (o === 0) this.chunks.push(new Uint32Array((CHUNK_MASK + 1) * RECORD_WORDS));
    const w = this.chunks[i >> CHUNK_SHIFT]!;
    w[o + WORD.sidDid] = (sid & 0xffff) | (did << 16);
    w[o + WORD.iovaLo] = iovaLo;
    w[o + WORD.iovaHi] = iovaHi;
    w[o + WORD.maskLo] = maskLo;
    w[o + WORD.maskHi] = maskHi;
    w[o + WORD.level] = level;
    w[o + WORD.slpteLo] = slpteLo;
    w[o + WORD.slpteHi] = slpteHi;
    this.length = i + 1;
    return i;
  }

  /** Sets the page level and mask of translation `i` (the stock dialect learns them late). */
  setPage(i: number, level: number, maskHi: number, maskLo: number): void {
    const w = this.chunks[i >> CHUNK_SHIFT]!;
    const o = (i & CHUNK_MASK) * RECORD_WORDS;
    w[o + WORD.level] = level;
    w[o + WORD.maskHi] = maskHi;
    w[o + WORD.maskLo] = maskLo;
  }

  /** The did of every translation, in read order. */
  dids(): Uint16Array {
    const out = new Uint16Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.chunks[i >> CHUNK_SHIFT]![(i & CHUNK_MASK) * RECORD_WORDS + WORD.sidDid]! >>> 16;
    return out;
  }

  get(i: number): Translation {
    const w = this.chunks[i >> CHUNK_SHIFT]!;
    const o = (i & CHUNK_MASK) * RECORD_WORDS;
    const big = (hi: number, lo: number): bigint => (BigInt(hi) << 32n) | BigInt(lo);
    return {
      sid: w[o + WORD.sidDid]! & 0xffff,
      did: w[o + WORD.sidDid]! >>> 16,
      iova: big(w[o + WORD.iovaHi]!, w[o + WORD.iovaLo]!),
      mask: big(w[o + WORD.maskHi]!, w[o + WORD.maskLo]!),
      level: w[o + WORD.level]!,
      slpte: big(w[o + WORD.slpteHi]!, w[o + WORD.slpteLo]!),
    };
  }
}

/** pageMask(level) of levels 0..7 as 32-bit halves, precomputed for the hot paths (index = level). */
export const LEVEL_MASK_HI = new Uint32Array(8);
export const LEVEL_MASK_LO = new Uint32Array(8);
for (let l = 0; l < 8; l++) {
  const mask = pageMask(l);
  LEVEL_MASK_HI[l] = Number(mask >> 32n);
  LEVEL_MASK_LO[l] = Number(mask & 0xffff_ffffn);
}

/** The level l in 1..4 whose pageMask equals the mask, else 0 (the reference's rule). */
export function levelOfMask(maskHi: number, maskLo: number): number {
  if (maskHi !== 0xffffffff) return maskHi === LEVEL_MASK_HI[4] && maskLo === 0 ? 4 : 0;
  for (let l = 1; l <= 3; l++) if (maskLo === LEVEL_MASK_LO[l]) return l;
  return 0;
}
