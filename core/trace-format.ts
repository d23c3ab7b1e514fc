/**
 * Binary layouts shared by the trace constructor and the model (../shared/spec/formats.md).
 * All little-endian, fixed-size records, no header.
 */

/** `<prefix>_iotlb_trace.bin`: one translation request per record. */
export const TRACE_RECORD_BYTES = 48;
export const TRACE_FIELD = {
  type: 0, // i32, always 1
  sid: 4, // u16
  did: 6, // u16
  iova: 8, // u64
  mask: 16, // u64
  level: 24, // u64: 1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB
  slpte: 32, // u64
  nat: 40, // u64: index of the next access to the same (page, did), or NO_NEXT_ACCESS
} as const;
export const TRACE_RECORD_TYPE_TRANSLATION = 1;
export const NO_NEXT_ACCESS = 0xffff_ffff_ffff_ffffn;

/**
 * What is wrong with a translation trace of `byteLength` bytes, as a message naming it, or
 * undefined (the check before simulating; the CLI and the web page share it).
 */
export function traceSizeProblem(name: string, byteLength: number): string | undefined {
  if (byteLength === 0) return `${name}: trace is empty`;
  if (byteLength % TRACE_RECORD_BYTES !== 0) {
    return `${name}: trace size ${byteLength} is not a multiple of ${TRACE_RECORD_BYTES} (corrupt or not a translation trace)`;
  }
  return undefined;
}

/** `<prefix>_cc_data.bin`: u16 sid, u64 high, u64 low, u16 gen. */
export const CONTEXT_RECORD_BYTES = 20;
/** `<prefix>_slpt_data.bin`: u16 did, u64 address, u64 level, u64 value, u64 iova, u64 table base. */
export const PAGE_TABLE_RECORD_BYTES = 42;

/** `pageMask(l) = ~((1 << (12 + 9(l-1))) - 1)`, as an unsigned 64-bit value. */
export function pageMask(level: number): bigint {
  return ~((1n << BigInt(12 + 9 * (level - 1))) - 1n) & 0xffff_ffff_ffff_ffffn;
}

/** Where `synth` and `trace-gen` write traces and `sweep --benchmark` looks for them, by default. */
export const DEFAULT_TRACE_DIR = 'build/traces';

/** Translations per packet: a trace's `consec` is this times its burst in packets. */
export const TRANSLATIONS_PER_PACKET = 3;

/** The reference's name for a trace, `<test>_tnt_<tenants>_<order><consec>`. */
export function tracePrefix(test: string, tenants: number, order: string, consec: number): string {
  return `${test}_tnt_${tenants}_${order}${consec}`;
}

/** The three files of one trace, from the translation trace's path or its prefix. */
export function tracePaths(prefix: string): { iotlb: string; context: string; pageTable: string } {
  const base = prefix.replace(/_iotlb_trace\.bin$/, '');
  return { iotlb: `${base}_iotlb_trace.bin`, context: `${base}_cc_data.bin`, pageTable: `${base}_slpt_data.bin` };
}
