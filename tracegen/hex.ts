/**
 * Allocation-free parsing of log fields straight from the bytes of a line.
 *
 * A 64-bit value does not fit a JS number exactly, and BigInt per field would cost more
 * than the rest of the parse, so values are returned as two unsigned 32-bit halves in the
 * module-level `hexHi` / `hexLo` (one parse at a time; the parser is synchronous).
 */

/** High 32 bits of the last parsed value. */
export let hexHi = 0;
/** Low 32 bits of the last parsed value. */
export let hexLo = 0;

/** Maps a byte to its hex digit value, or -1. */
const HEX_DIGIT = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX_DIGIT[48 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX_DIGIT[65 + c] = 10 + c;
  HEX_DIGIT[97 + c] = 10 + c;
}

/**
 * Parses a hex number at `pos` (an optional `0x` prefix, then 1–16 significant digits)
 * that ends at a space, a carriage return or `end`. Returns the position after it, or -1
 * when the bytes there are not such a number.
 */
export function parseHexAt(bytes: Uint8Array, pos: number, end: number): number {
  if (pos + 1 < end && bytes[pos] === 48 && (bytes[pos + 1]! | 0x20) === 120) pos += 2;
  let hi = 0;
  let lo = 0;
  let digits = 0;
  let anyDigit = false;
  while (pos < end) {
    const c = bytes[pos]!;
    const d = HEX_DIGIT[c]!;
    if (d < 0) {
      if (c === 32 || c === 13) break;
      return -1;
    }
    anyDigit = true;
    // Leading zeros do not count toward the 16-digit limit.
    if (digits > 0 || d !== 0) digits++;
    if (digits > 16) return -1;
    hi = ((hi << 4) | (lo >>> 28)) >>> 0;
    lo = ((lo << 4) | d) >>> 0;
    pos++;
  }
  if (!anyDigit) return -1;
  hexHi = hi;
  hexLo = lo;
  return pos;
}

/** The digit value of a hex byte, or -1. */
export function hexDigit(byte: number): number {
  return HEX_DIGIT[byte & 0xff]!;
}

/** The ASCII bytes of a key, for matchAt / indexOfKey. */
export function asciiKey(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

/** Whether `key` occurs at `pos` (and ends by `end`). */
export function matchAt(bytes: Uint8Array, pos: number, end: number, key: Uint8Array): boolean {
  const n = key.length;
  if (pos < 0 || pos + n > end) return false;
  for (let i = 0; i < n; i++) if (bytes[pos + i] !== key[i]) return false;
  return true;
}

/** First position of `key` in [pos, end), or -1. */
export function indexOfKey(bytes: Uint8Array, pos: number, end: number, key: Uint8Array): number {
  const first = key[0]!;
  const last = end - key.length;
  for (let p = pos; p <= last; p++) {
    if (bytes[p] === first && matchAt(bytes, p, end, key)) return p;
  }
  return -1;
}

/** `hi:lo` as a JS number when exact (below 2^53), else -1. */
export function toSafeNumber(hi: number, lo: number): number {
  return hi < 0x200000 ? hi * 4294967296 + lo : -1;
}
