/**
 * How a workload's translations spread over the model's cache sets. The IOTLB and L2PAGE
 * index their sets with `iova >> 21` and L3PAGE with `iova >> 30` (spec/model.md, set
 * index), so a trace whose IOVAs all lie in one 2 MiB region uses one IOTLB set whatever
 * the IOTLB's size: a size sweep on it is flat. QEMU logs of the dma-api layout are like
 * that (the guest kernel hands out IOVAs top-down just below 4 GiB); nested-mode logs,
 * whose IOVAs are L2 guest-physical addresses, are not.
 */
import { TRACE_FIELD, TRACE_RECORD_BYTES } from './trace-format.js';
import { closeSync, openSync } from 'node:fs';
import { readFully } from './trace-file.js';

/** A cache's shape as the model's configuration gives it (orchestrator's baseConfig() for the defaults). */
export interface CacheShape {
  size: number;
  assoc: number;
  groups: number;
}
/** The caches whose sets an IOVA picks. */
export interface SpreadGeometry {
  iotlb: CacheShape;
  l2page: CacheShape;
  l3page: CacheShape;
}

/** One cache's share of the translations, set by set. */
export interface CacheSetSpread {
  cache: 'IOTLB' | 'L2PAGE' | 'L3PAGE';
  /** log2 of the region size that picks the set: 21 (2 MiB) or 30 (1 GiB). */
  regionShift: 21 | 30;
  sets: number;
  setsUsed: number;
  busiestSet: number;
  /** Translations in the busiest set / all translations (0 without translations). */
  busiestShare: number;
}

export interface RegionCounts {
  /** Distinct regions over all tenants (the set index ignores the did with 1 group). */
  all: number;
  perTenant: { min: number; median: number; max: number };
}

export interface AddressSpread {
  translations: number;
  tenants: number;
  regions2MiB: RegionCounts;
  regions1GiB: RegionCounts;
  caches: CacheSetSpread[];
  /** The largest share of the translations in one 2 MiB region (all tenants): they share one IOTLB set at every IOTLB size. */
  busiestRegionShare: number;
  /** Set when one 2 MiB region, hence one IOTLB set whatever the size, takes most translations. */
  warning: string | null;
}

/**
 * Above this share of translations in one 2 MiB region, one IOTLB set takes most of them
 * at every IOTLB size (the set index is `iova >> 21`), and a size sweep says little. (A
 * busy set at the default size alone is no such sign: a larger IOTLB has more sets and
 * may split it.)
 */
export const CROWDED_SET_SHARE = 0.5;

/** Set index of the model (spec/model.md): the did's group slice, then the region's low bits. */
function setIndex(shape: CacheShape, sets: number, did: number, region: number): number {
  const groupBits = Math.log2(shape.groups);
  const freeBits = Math.log2(sets) - groupBits;
  return (did & (shape.groups - 1)) * 2 ** freeBits + (region % 2 ** freeBits);
}

/**
 * Accumulates (did, iova) pairs as translations per (did, 2 MiB region); `result` applies a
 * cache geometry. IOVAs come as 32-bit halves (or hex) so 64-bit IOVAs stay exact.
 */
export class AddressSpreadCounter {
  private translations = 0;
  private readonly byTenant = new Map<number, Map<number, number>>();

  add(did: number, iovaHigh: number, iovaLow: number): void {
    this.translations++;
    const region2 = iovaHigh * 2048 + (iovaLow >>> 21);
    let regions = this.byTenant.get(did);
    if (regions === undefined) {
      regions = new Map();
      this.byTenant.set(did, regions);
    }
    regions.set(region2, (regions.get(region2) ?? 0) + 1);
  }

  /** Adds an IOVA given as a hex string ("0xffffb402"), as QEMU logs print them. */
  addHex(did: number, iovaHex: string): void {
    const digits = iovaHex.replace(/^0x/i, '');
    const low = parseInt(digits.slice(-8) || '0', 16);
    const high = digits.length > 8 ? parseInt(digits.slice(0, -8), 16) : 0;
    this.add(did, high, low);
  }

  result(geometry: SpreadGeometry): AddressSpread {
    const counts = (regionOf: (region2: number) => number): RegionCounts => {
      const all = new Set<number>();
      const sizes: number[] = [];
      for (const regions of this.byTenant.values()) {
        const mine = new Set([...regions.keys()].map(regionOf));
        for (const r of mine) all.add(r);
        sizes.push(mine.size);
      }
      sizes.sort((a, b) => a - b);
      return { all: all.size, perTenant: { min: sizes[0] ?? 0, median: sizes[sizes.length >> 1] ?? 0, max: sizes[sizes.length - 1] ?? 0 } };
    };
    const cache = (name: CacheSetSpread['cache'], shape: CacheShape, regionShift: 21 | 30): CacheSetSpread => {
      const sets = shape.assoc > 0 ? shape.size / shape.assoc : 0;
      const perSet = new Float64Array(sets);
      if (sets > 0) {
        for (const [did, regions] of this.byTenant) {
          for (const [region2, n] of regions) perSet[setIndex(shape, sets, did, regionShift === 21 ? region2 : Math.floor(region2 / 512))]! += n;
        }
      }
      let busiestSet = 0;
      let setsUsed = 0;
      perSet.forEach((n, s) => {
        if (n > 0) setsUsed++;
        if (n > perSet[busiestSet]!) busiestSet = s;
      });
      const busiest = perSet[busiestSet] ?? 0;
      return { cache: name, regionShift, sets, setsUsed, busiestSet, busiestShare: this.translations > 0 ? busiest / this.translations : 0 };
    };
    const caches = [cache('IOTLB', geometry.iotlb, 21), cache('L2PAGE', geometry.l2page, 21), cache('L3PAGE', geometry.l3page, 30)];
    const perRegion = new Map<number, number>();
    for (const regions of this.byTenant.values()) for (const [r, n] of regions) perRegion.set(r, (perRegion.get(r) ?? 0) + n);
    const busiestRegionShare = this.translations > 0 ? Math.max(0, ...perRegion.values()) / this.translations : 0;
    const iotlb = caches[0]!;
    const warning =
      iotlb.sets > 1 && busiestRegionShare > CROWDED_SET_SHARE
        ? `${(100 * busiestRegionShare).toFixed(1)}% of the translations fall in one 2 MiB region, so in one IOTLB set at every IOTLB size: ` +
          'IOTLB size will hardly change the results (dma-api-layout logs put every IOVA just below 4 GiB; see qemu/README.md, address layouts)'
        : null;
    return {
      translations: this.translations,
      tenants: this.byTenant.size,
      regions2MiB: counts((r) => r),
      regions1GiB: counts((r) => Math.floor(r / 512)),
      caches,
      busiestRegionShare,
      warning,
    };
  }
}

/** The spread of a translation trace's records (`…_iotlb_trace.bin` bytes) over `geometry`'s sets. */
export function traceAddressSpread(records: Uint8Array, geometry: SpreadGeometry): AddressSpread {
  const counter = new AddressSpreadCounter();
  countRecords(counter, records);
  return counter.result(geometry);
}

function countRecords(counter: AddressSpreadCounter, records: Uint8Array): void {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  for (let o = 0; o + TRACE_RECORD_BYTES <= records.byteLength; o += TRACE_RECORD_BYTES) {
    counter.add(view.getUint16(o + TRACE_FIELD.did, true), view.getUint32(o + TRACE_FIELD.iova + 4, true), view.getUint32(o + TRACE_FIELD.iova, true));
  }
}

/** traceAddressSpread of a trace file, streamed in 3 MiB chunks (flat memory at any size). */
export function traceFileAddressSpread(path: string, geometry: SpreadGeometry): AddressSpread {
  const counter = new AddressSpreadCounter();
  const chunk = new Uint8Array((1 << 16) * TRACE_RECORD_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (let position = 0, got = readFully(fd, chunk, 0); got > 0; position += got, got = readFully(fd, chunk, position)) countRecords(counter, chunk.subarray(0, got));
  } finally {
    closeSync(fd);
  }
  return counter.result(geometry);
}

/** A few lines for a report's end; the warning line starts with "warning:". */
export function formatAddressSpread(spread: AddressSpread): string {
  const regions = (name: string, r: RegionCounts): string =>
    `  distinct ${name} regions: ${r.all} in all; per tenant min ${r.perTenant.min} / median ${r.perTenant.median} / max ${r.perTenant.max}`;
  const lines = [
    `address spread over the default caches (${spread.translations} translations, ${spread.tenants} tenants):`,
    regions('2 MiB', spread.regions2MiB),
    regions('1 GiB', spread.regions1GiB),
  ];
  lines.push(`  busiest 2 MiB region: ${(100 * spread.busiestRegionShare).toFixed(1)}% of the translations (one IOTLB set at any size)`);
  for (const c of spread.caches) {
    if (c.sets === 0) continue;
    lines.push(
      `  ${c.cache.padEnd(6)} (iova >> ${c.regionShift}): ${c.setsUsed} of ${c.sets} sets used, busiest set ${c.busiestSet} takes ${(100 * c.busiestShare).toFixed(1)}%`,
    );
  }
  if (spread.warning !== null) lines.push(`warning: ${spread.warning}`);
  return lines.join('\n') + '\n';
}
