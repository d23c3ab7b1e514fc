/**
 * `trace-info`: what an architect wants to know about a translation trace: tenants,
 * translations and distinct pages per tenant, the page-size mix, the reuse distance
 * distribution, and the share of consecutive accesses to the same page.
 *
 * A "page" is the trace's own key (iova & mask, did). Its previous use comes from the
 * records' nat fields (record p with nat = i precedes i), so no hashing is needed. The
 * reuse distance of a use is the number of distinct other pages touched since the
 * previous use of the same page (LRU stack distance: a fully associative LRU IOTLB of
 * more than d entries would hit), computed with a Fenwick tree over last-use positions.
 * The trace is streamed in chunks, and what is kept grows with distinct pages (and pending
 * reuses), never with translations: a trace of any size takes flat memory.
 */
import { closeSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { TraceRecordCheck } from '../core/trace-check.js';
import { openTrace, readFully } from '../core/trace-file.js';
import { TRACE_FIELD, TRACE_RECORD_BYTES } from '../core/trace-format.js';

export interface TenantInfo {
  did: number;
  /**
   * The tenant's sids, ascending: usually one, more when devices of one log share a domain
   * (the trace constructor makes them one tenant).
   */
  sids: number[];
  translations: number;
  pages: number;
  /** Translations by page size: "4KiB", "2MiB", "1GiB", or "level N" for others. */
  pageSizes: Record<string, number>;
}

export interface ReuseBucket {
  /** Distances min … max (inclusive). */
  min: number;
  max: number;
  count: number;
}

export interface TraceInfo {
  path: string;
  translations: number;
  tenants: number;
  /** Distinct sids; fewer than tenants when tenants share a sid (and so a context-cache entry). */
  sids: number;
  /** sids used by more than one tenant (logs of more than 16 devices, shifted by 128 sids each). */
  sharedSids: number;
  pages: number;
  pageSizes: Record<string, number>;
  /** Share of translations (after the first) to the same page as the one before. */
  consecutiveSamePage: number;
  reuseDistance: {
    /** First uses of a page (no previous use). */
    cold: number;
    /** Power-of-two buckets: 0, 1, 2–3, 4–7, … */
    buckets: ReuseBucket[];
    median: number | null;
  };
  perTenant: TenantInfo[];
}

export function pageSizeName(level: number): string {
  return level === 1 ? '4KiB' : level === 2 ? '2MiB' : level === 3 ? '1GiB' : `level ${level}`;
}

/** Records read per chunk: memory stays flat whatever the trace's size (as `run` streams). */
const CHUNK_RECORDS = 1 << 16;

/**
 * Exact LRU stack distances in memory that grows with distinct pages, not translations:
 * every page's latest use is one mark on a compacted time line (a Fenwick tree); when the
 * line is full, the marks (one per page seen) are renumbered 0 … pages − 1 in order.
 */
export class StackDistances {
  private tree: Int32Array;
  private next = 0;
  /** Per page (in order of first use): the position of its latest use. */
  private positionOf = new Int32Array(1 << 12);
  pages = 0;

  /** `capacity`: the time line's first length (small in tests, to renumber often). */
  constructor(private capacity = 1 << 16) {
    this.tree = new Int32Array(capacity + 1);
  }

  /** A page's first use: its new page number. */
  first(): number {
    if (this.pages === this.positionOf.length) {
      const grown = new Int32Array(this.positionOf.length * 2);
      grown.set(this.positionOf);
      this.positionOf = grown;
    }
    if (this.next === this.capacity) this.compact();
    const page = this.pages++;
    this.mark(page);
    return page;
  }

  /** A reuse of `page`: the number of distinct other pages used since its previous use. */
  reuse(page: number): number {
    // Compacted first, while every page seen holds exactly one mark.
    if (this.next === this.capacity) this.compact();
    const at = this.positionOf[page]!;
    const distance = this.prefix(this.next) - this.prefix(at + 1);
    this.add(at, -1);
    this.mark(page);
    return distance;
  }

  private mark(page: number): void {
    this.positionOf[page] = this.next;
    this.add(this.next++, 1);
  }

  private compact(): void {
    // Positions are distinct: an inverse table orders the pages in one pass, no sort.
    const pageAt = new Int32Array(this.capacity).fill(-1);
    for (let page = 0; page < this.pages; page++) pageAt[this.positionOf[page]!] = page;
    let position = 0;
    for (const page of pageAt) if (page >= 0) this.positionOf[page] = position++;
    // Room for three times as many uses again as there are pages (amortized O(1) per use).
    this.capacity = Math.max(this.capacity, 4 * this.pages);
    this.tree = new Int32Array(this.capacity + 1);
    this.next = 0;
    for (let k = 0; k < this.pages; k++) this.add(this.next++, 1);
  }

  private add(position: number, delta: number): void {
    for (let k = position + 1; k <= this.capacity; k += k & -k) this.tree[k]! += delta;
  }

  private prefix(position: number): number {
    let s = 0;
    for (let k = position; k > 0; k -= k & -k) s += this.tree[k]!;
    return s;
  }
}

/**
 * Pending reuses, record index → page, as an open-addressing table of typed arrays
 * (linear probing, backward-shift deletion): a Map costs twice the time per record here.
 * Keys are record indices (>= 0); -1 marks an empty slot.
 */
class PendingReuses {
  private keys = new Int32Array(1 << 12).fill(-1);
  private values = new Int32Array(1 << 12);
  private size = 0;

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    let at = Math.imul(key, 0x9e3779b1) >>> 0 & mask;
    while (this.keys[at] !== -1 && this.keys[at] !== key) at = (at + 1) & mask;
    return at;
  }

  set(key: number, value: number): void {
    if (2 * (this.size + 1) > this.keys.length) this.grow();
    const at = this.slot(key);
    if (this.keys[at] === -1) this.size++;
    this.keys[at] = key;
    this.values[at] = value;
  }

  /** The value of `key` (then forgotten), or -1. */
  take(key: number): number {
    const mask = this.keys.length - 1;
    let at = this.slot(key);
    if (this.keys[at] === -1) return -1;
    const value = this.values[at]!;
    this.size--;
    // Backward shift: pull later entries of the probe run into the hole.
    for (let next = (at + 1) & mask; this.keys[next] !== -1; next = (next + 1) & mask) {
      const home = Math.imul(this.keys[next]!, 0x9e3779b1) >>> 0 & mask;
      if ((next - home & mask) >= (next - at & mask)) {
        this.keys[at] = this.keys[next]!;
        this.values[at] = this.values[next]!;
        at = next;
      }
    }
    this.keys[at] = -1;
    return value;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Int32Array(keys.length * 2).fill(-1);
    this.values = new Int32Array(keys.length * 2);
    this.size = 0;
    for (let k = 0; k < keys.length; k++) if (keys[k] !== -1) this.set(keys[k]!, values[k]!);
  }
}

export function analyzeTrace(arg: string): TraceInfo {
  // The same checks as `run`: a regular, non-empty file of whole records, then every record (trace-check.ts).
  const { fd, records: n, path } = openTrace(arg);
  const check = new TraceRecordCheck(n);
  // Reuses still to come: the index a record names as its next access → the record's page.
  const pageOfNextUse = new PendingReuses();
  const distances = new StackDistances();
  const distanceCounts: number[] = [];
  let reuses = 0;

  const tenantIndex = new Map<number, TenantInfo>();
  // Tenants per sid: the context cache is keyed by sid, so tenants sharing one share an entry.
  const tenantsOfSid = new Map<number, Set<number>>();
  const pageSizes: Record<string, number> = {};
  let cold = 0;
  let samePage = 0;
  let previousPage = -1;
  const chunk = new Uint8Array(Math.min(n, CHUNK_RECORDS) * TRACE_RECORD_BYTES);
  const view = new DataView(chunk.buffer);
  try {
    for (let first = 0; first < n; first += CHUNK_RECORDS) {
      const count = Math.min(CHUNK_RECORDS, n - first);
      const bytes = chunk.subarray(0, count * TRACE_RECORD_BYTES);
      if (readFully(fd, bytes, first * TRACE_RECORD_BYTES) < bytes.length) throw new InputError(`${path}: the trace got shorter while it was read (changed by another program?)`);
      const problem = check.check(bytes, count);
      if (problem !== undefined) throw new InputError(`${path}: ${problem}`);
      for (let r = 0; r < count; r++) {
        const i = first + r;
        const o = r * TRACE_RECORD_BYTES;
        const did = view.getUint16(o + TRACE_FIELD.did, true);
        const sid = view.getUint16(o + TRACE_FIELD.sid, true);
        const level = view.getUint32(o + TRACE_FIELD.level, true);
        let tenant = tenantIndex.get(did);
        if (!tenant) {
          tenant = { did, sids: [], translations: 0, pages: 0, pageSizes: {} };
          tenantIndex.set(did, tenant);
        }
        let dids = tenantsOfSid.get(sid);
        if (!dids) {
          dids = new Set();
          tenantsOfSid.set(sid, dids);
        }
        if (!dids.has(did)) {
          dids.add(did);
          tenant.sids.push(sid);
        }
        const size = pageSizeName(level);
        tenant.translations++;
        tenant.pageSizes[size] = (tenant.pageSizes[size] ?? 0) + 1;
        pageSizes[size] = (pageSizes[size] ?? 0) + 1;
        // The page of this use: a reuse named by an earlier record's next access, or a new page.
        let page = pageOfNextUse.take(i);
        if (page < 0) {
          cold++;
          tenant.pages++;
          page = distances.first();
        } else {
          reuses++;
          if (page === previousPage) samePage++;
          const d = distances.reuse(page);
          while (distanceCounts.length <= d) distanceCounts.push(0);
          distanceCounts[d]!++;
        }
        previousPage = page;
        // None, or past the end of a trace cut short: no reuse within this trace (checked above: after i, named once).
        const natLow = view.getUint32(o + TRACE_FIELD.nat, true);
        if (view.getUint32(o + TRACE_FIELD.nat + 4, true) === 0 && natLow < n) pageOfNextUse.set(natLow, page);
      }
    }
  } finally {
    closeSync(fd);
  }

  // Power-of-two buckets of the exact histogram: 0, 1, 2-3, 4-7, ...
  const bucketCounts: number[] = [];
  distanceCounts.forEach((count, d) => {
    if (count === 0) return;
    const bucket = d === 0 ? 0 : 32 - Math.clz32(d);
    while (bucketCounts.length <= bucket) bucketCounts.push(0);
    bucketCounts[bucket]! += count;
  });
  const buckets: ReuseBucket[] = bucketCounts.map((count, b) => ({
    min: b === 0 ? 0 : 2 ** (b - 1),
    max: b === 0 ? 0 : 2 ** b - 1,
    count,
  }));
  let median: number | null = null;
  for (let d = 0, seen = 0; reuses > 0 && d < distanceCounts.length; d++) {
    seen += distanceCounts[d]!;
    if (seen > reuses >> 1) {
      median = d;
      break;
    }
  }
  const perTenant = [...tenantIndex.values()].sort((a, b) => a.did - b.did);
  for (const t of perTenant) t.sids.sort((a, b) => a - b);
  return {
    path,
    translations: n,
    tenants: perTenant.length,
    sids: tenantsOfSid.size,
    sharedSids: [...tenantsOfSid.values()].filter((dids) => dids.size > 1).length,
    pages: cold,
    pageSizes,
    consecutiveSamePage: n > 1 ? samePage / (n - 1) : 0,
    reuseDistance: { cold, buckets, median },
    perTenant,
  };
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-';
}

/** Human-readable report; the per-tenant table lists the first `tenantRows` tenants. */
export function formatTraceInfo(info: TraceInfo, tenantRows = 16): string {
  const lines: string[] = [];
  lines.push(`trace: ${info.path}`);
  lines.push(`translations: ${info.translations}   tenants: ${info.tenants}   distinct pages: ${info.pages}`);
  const shared = info.sharedSids > 0 ? `, ${info.sharedSids} of them shared by several tenants (one context-cache entry each)` : '';
  lines.push(`sids: ${info.sids}${shared}`);
  const sizes = Object.entries(info.pageSizes)
    .map(([k, v]) => `${k} ${percent(v, info.translations)} (${v})`)
    .join(', ');
  lines.push(`page sizes: ${sizes || '-'}`);
  lines.push(`consecutive accesses to the same page: ${(100 * info.consecutiveSamePage).toFixed(1)}%`);
  const reuses = info.translations - info.reuseDistance.cold;
  lines.push(`reuse distance (distinct pages between uses of a page): median ${info.reuseDistance.median ?? '-'}, ${info.reuseDistance.cold} first uses`);
  for (const b of info.reuseDistance.buckets) {
    if (b.count === 0) continue;
    const range = b.min === b.max ? `${b.min}` : `${b.min}-${b.max}`;
    lines.push(`  ${range.padStart(15)}  ${String(b.count).padStart(10)}  ${percent(b.count, reuses).padStart(6)}`);
  }
  const counts = info.perTenant.map((t) => t.translations).sort((a, b) => a - b);
  const pages = info.perTenant.map((t) => t.pages).sort((a, b) => a - b);
  if (counts.length > 0) {
    const mid = counts.length >> 1;
    lines.push(`per tenant: translations min ${counts[0]} / median ${counts[mid]} / max ${counts[counts.length - 1]}; pages min ${pages[0]} / median ${pages[mid]} / max ${pages[pages.length - 1]}`);
  }
  lines.push('   did     sid  translations   pages  page sizes');
  const hex = (sid: number): string => `0x${sid.toString(16).padStart(4, '0')}`;
  for (const t of info.perTenant.slice(0, tenantRows)) {
    const mix = Object.entries(t.pageSizes)
      .map(([k, v]) => `${k} ${percent(v, t.translations)}`)
      .join(', ');
    const sids = [hex(t.sids[0] ?? 0), ...t.sids.slice(1).map(hex)].join(',');
    lines.push(`${String(t.did).padStart(6)}  ${sids}  ${String(t.translations).padStart(12)}  ${String(t.pages).padStart(6)}  ${mix}`);
  }
  if (info.perTenant.length > tenantRows) lines.push(`   … ${info.perTenant.length - tenantRows} more tenants (--all to list them, --json for everything)`);
  return lines.join('\n') + '\n';
}
