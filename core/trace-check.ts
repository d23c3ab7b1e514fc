/**
 * The one rule for a trace's next-access indices, applied alike by `run` (and sweeps and
 * the web page, which simulate through model-core) and `trace-info`: record i's index is
 * "none" (all ones), or some j > i, and no two records name the same j (each record has at
 * most one previous access to its page). An index at or past the end of the trace is
 * accepted as "no next access here": that is what a trace cut short (the first N records of
 * a longer one) holds. The oracle policy evicts by these indices, so a trace that breaks
 * the rule is rejected, not simulated.
 */
import { TRACE_FIELD, TRACE_RECORD_BYTES } from './trace-format.js';

const RECORD_WORDS = TRACE_RECORD_BYTES / 4;
const NAT_WORD = TRACE_FIELD.nat / 4;

export class NextAccessCheck {
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
    const words = new Uint32Array(aligned.buffer, aligned.byteOffset, count * RECORD_WORDS);
    // Locals, not fields, in this loop: it runs once per record of every simulated trace.
    const named = this.named;
    const records = this.records;
    const first = this.nextIndex;
    this.nextIndex += count;
    for (let r = 0, w = NAT_WORD; r < count; r++, w += RECORD_WORDS) {
      // High word set: "none" (all ones), or 2^32 and more, past the end of any trace.
      if (words[w + 1] !== 0) continue;
      const nat = words[w]!;
      if (nat >= records) continue; // past the end: a trace cut short
      const i = first + r;
      const bit = 1 << (nat & 7);
      if (nat <= i || (named[nat >>> 3]! & bit) !== 0) return `record ${i} has an impossible next-access index ${nat} (corrupt trace)`;
      named[nat >>> 3]! |= bit;
    }
    return undefined;
  }
}
