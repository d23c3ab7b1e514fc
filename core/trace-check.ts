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
    for (let r = 0; r < count; r++, this.nextIndex++) {
      const lo = words[r * RECORD_WORDS + NAT_WORD]!;
      const hi = words[r * RECORD_WORDS + NAT_WORD + 1]!;
      if (lo === 0xffffffff && hi === 0xffffffff) continue;
      const nat = hi * 4294967296 + lo;
      const i = this.nextIndex;
      const bit = 1 << (nat & 7);
      if (nat >= this.records) continue; // beyond this trace: a trace cut short
      if (nat <= i || (this.named[nat >>> 3]! & bit) !== 0) {
        return `record ${i} has an impossible next-access index ${nat} (corrupt trace)`;
      }
      this.named[nat >>> 3]! |= bit;
    }
    return undefined;
  }
}
