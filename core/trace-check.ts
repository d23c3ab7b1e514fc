/**
 * The one check of a trace's records, applied alike by `run` (and sweeps and the web page,
 * which simulate through model-core) and `trace-info`, so every command rejects the same
 * records with the same message:
 * - the record type is 1 (a translation: a `_cc_data.bin` or `_slpt_data.bin` file, or
 *   anything else of 48-byte records, is not a trace);
 * - the page level, all 64 bits of it, is 1, 2 or 3 (4 KiB, 2 MiB, 1 GiB);
 * - the page mask is not 0 (a mask of 0 makes every address one page);
 * - the next-access index is "none" (all ones) or some j with i < j < records, and no two
 *   records name the same j (each record has at most one previous access to its page).
 *   The oracle policy evicts by these indices; an index past the end is a corrupt trace,
 *   or one cut short with `head -c`, whose indices no longer describe it.
 */
import { TRACE_FIELD, TRACE_RECORD_BYTES, TRACE_RECORD_TYPE_TRANSLATION } from './trace-format.js';

const RECORD_WORDS = TRACE_RECORD_BYTES / 4;
const TYPE_WORD = TRACE_FIELD.type / 4;
const MASK_WORD = TRACE_FIELD.mask / 4;
const LEVEL_WORD = TRACE_FIELD.level / 4;
const NAT_WORD = TRACE_FIELD.nat / 4;
/** Either half of "no next access" (all ones), as an Int32. */
const NONE = -1;

export class TraceRecordCheck {
  /** One bit per record: already named as some earlier record's next access. */
  private readonly named: Uint8Array;
  private nextIndex = 0;

  constructor(readonly records: number) {
    this.named = new Uint8Array(Math.ceil(records / 8));
  }

  /**
   * Checks the next `count` records (whole 48-byte records at the start of `bytes`);
   * returns a message naming the first bad record, or undefined.
   */
  check(bytes: Uint8Array, count: number): string | undefined {
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice(0, count * TRACE_RECORD_BYTES);
    // Int32, not Uint32: masks and "none" (all ones) stay small integers instead of becoming doubles.
    const words = new Int32Array(aligned.buffer, aligned.byteOffset, count * RECORD_WORDS);
    // Locals, not fields, in this loop: it runs once per record of every simulated trace.
    const named = this.named;
    const records = this.records;
    const first = this.nextIndex;
    this.nextIndex += count;
    for (let r = 0, w = 0; r < count; r++, w += RECORD_WORDS) {
      // One test for the usual case (type 1, level 1-3 in 64 bits, a mask); the message is built apart.
      const level = words[w + LEVEL_WORD]!;
      if (words[w + TYPE_WORD] !== TRACE_RECORD_TYPE_TRANSLATION || words[w + LEVEL_WORD + 1] !== 0 || level < 1 || level > 3 || (words[w + MASK_WORD + 1] === 0 && words[w + MASK_WORD] === 0)) {
        return fieldProblem(words, w, first + r);
      }
      const natLow = words[w + NAT_WORD]!;
      const natHigh = words[w + NAT_WORD + 1]!;
      if (natHigh === NONE && natLow === NONE) continue;
      const i = first + r;
      if (natHigh !== 0 || natLow < 0 || natLow >= records) return pastTheEnd(i, natHigh, natLow, records);
      const bit = 1 << (natLow & 7);
      if (natLow <= i || (named[natLow >>> 3]! & bit) !== 0) return `record ${i} has an impossible next-access index ${natLow} (corrupt trace)`;
      named[natLow >>> 3]! |= bit;
    }
    return undefined;
  }
}

/** The unsigned 64-bit value of two Int32 halves. */
const u64 = (high: number, low: number): bigint => (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);

/**
 * The message for a next-access index past the end. Apart from the loop, as every message
 * that needs BigInt is: a BigInt anywhere in check() makes V8 run it about 2.5× slower.
 */
function pastTheEnd(index: number, high: number, low: number, records: number): string {
  return `record ${index} has next-access index ${u64(high, low)}, past the end of the trace (${records} records; corrupt, or cut short)`;
}

/** The message for record `index` (at word `w`) whose type, level or mask is wrong. */
function fieldProblem(words: Int32Array, w: number, index: number): string {
  if (words[w + TYPE_WORD] !== TRACE_RECORD_TYPE_TRANSLATION) {
    return `record ${index} has record type ${words[w + TYPE_WORD]!}, not 1 (not a translation trace: a _cc_data.bin or _slpt_data.bin file?)`;
  }
  const level = u64(words[w + LEVEL_WORD + 1]!, words[w + LEVEL_WORD]!);
  if (level < 1n || level > 3n) return `record ${index} has page level ${level}, not 1, 2 or 3 (corrupt trace)`;
  return `record ${index} has page mask 0 (corrupt trace)`;
}
