/**
 * Reads QEMU vIOMMU logs (both dialects of ../shared/spec/formats.md) into the events the
 * trace constructor keeps, following ../shared/spec/tracegen.md "Reading the logs".
 *
 * Speed matters (logs reach gigabytes): lines are parsed as bytes in place (no string per
 * line); a line is rejected by a scan for `vtd_` and a few byte compares on the event name;
 * fields are then read left to right by position with an allocation-free hex parser,
 * never with a regular expression.
 */
import { InputError } from '../core/errors.js';
import { asciiKey, hexDigit, hexHi, hexLo, indexOfKey, matchAt, parseHexAt, toSafeNumber } from './hex.js';
import { forEachLine } from './line-stream.js';
import { LEVEL_MASK_HI, LEVEL_MASK_LO, TranslationStore, levelOfMask } from './translation-store.js';

/** A context-cache update kept for `<prefix>_cc_data.bin`. */
export interface ContextRecord {
  /** sid + 128·(log index), truncated to 16 bits as the file stores it. */
  sid: number;
  highHi: number;
  highLo: number;
  lowHi: number;
  lowLo: number;
  gen: number;
}

/** A page-table fetch kept for `<prefix>_slpt_data.bin`. */
export interface PageTableRecord {
  /** The domain id as found in the log (not the global one), as the reference writes it. */
  did: number;
  addressHi: number;
  addressLo: number;
  levelHi: number;
  levelLo: number;
  valueHi: number;
  valueLo: number;
  iovaHi: number;
  iovaLo: number;
  baseHi: number;
  baseLo: number;
}

/** What one log contributed. */
export interface LogReadSummary {
  path: string;
  lines: number;
  translations: number;
  /** Distinct global dids among this log's kept events (tracegen.md's `remaining -=`). */
  tenants: number;
  /** Stock dialect: page events whose level came from a following vtd_dmar_translate. */
  stockPaired: number;
  /** Stock dialect: page events that fell back to the slpte page-size bit. */
  stockFallback: number;
}

export interface ProgressInfo {
  path: string;
  lines: number;
  elapsedMs: number;
}

const PROGRESS_EVERY_LINES = 1 << 18;

const EVENT_PREFIX = asciiKey('vtd_');
const PAGE_HIT = asciiKey('iotlb_page_hit ');
const PAGE_UPDATE = asciiKey('iotlb_page_update ');
const SLPTE_FETCH = asciiKey('slpte_fetch ');
const CC_UPDATE = asciiKey('iotlb_cc_update ');
const DMAR_TRANSLATE = asciiKey('dmar_translate ');
const K_SID = asciiKey(' sid ');
const K_IOVA = asciiKey(' iova ');
const K_SLPTE = asciiKey(' slpte ');
const K_LEVEL = asciiKey(' level ');
const K_DOMAIN = asciiKey(' domain ');
const K_PMASK = asciiKey(' pmask ');
const K_BUS = asciiKey(' bus ');
const K_DEVFN = asciiKey(' devfn ');
const K_HIGH = asciiKey(' high ');
const K_LOW = asciiKey(' low ');
const K_GEN = asciiKey(' gen ');
const K_ADDR = asciiKey(' addr ');
const K_DEV = asciiKey(' dev ');
const K_MASK = asciiKey(' mask ');
const KEY_NAME = new Map<Uint8Array, string>(
  [K_SID, K_IOVA, K_SLPTE, K_LEVEL, K_DOMAIN, K_PMASK, K_BUS, K_DEVFN, K_HIGH, K_LOW, K_GEN, K_ADDR, K_DEV, K_MASK].map((k) => [
    k,
    String.fromCharCode(...k).trim(),
  ]),
);

/** The domain id in a context entry's high word: bits 8..23. */
function domainOfContextHigh(highLo: number): number {
  return (highLo >>> 8) & 0xffff;
}

/**
 * Everything kept from a log group. One collector reads the logs of a group in order
 * (`readLog` with k = 0, 1, …); global did numbering and the context / page-table maps
 * span the whole group.
 */
export class TraceCollector {
  readonly translations = new TranslationStore();
  /** `did + 128·k` → global did, in order of first appearance. */
  private readonly globalDidOfUid = new Map<number, number>();
  /** Last context event per adjusted sid. */
  readonly contexts = new Map<number, ContextRecord>();
  /** Last page-table event per entry address. */
  readonly pageTables = new Map<number | string, PageTableRecord>();

  // Per-log state (reset by beginLog).
  private logIndex = 0;
  private path = '';
  private lineNumber = 0;
  /** The current line: its bytes, up to lineEnd. */
  private bytes: Uint8Array = new Uint8Array(0);
  private lineEnd = 0;
  private readonly validSid = new Uint8Array(65536);
  private readonly validDomain = new Uint8Array(65536);
  private readonly pendingStockBySid = new Int32Array(65536);
  private logDids = new Set<number>();
  private logTranslations = 0;
  private stockPaired = 0;
  private stockFallback = 0;
  // One-entry cache of the last uid → global did lookup (consecutive events share a did).
  private lastUid = -1;
  private lastGlobalDid = -1;

  get tenantCount(): number {
    return this.globalDidOfUid.size;
  }

  /** Reads log `k` of the group with the given valid sids. */
  async readLog(
    path: string,
    logIndex: number,
    validSids: readonly number[],
    onProgress?: (info: ProgressInfo) => void,
  ): Promise<LogReadSummary> {
    this.beginLog(path, logIndex, validSids);
    const started = Date.now();
    const lines = await forEachLine(path, (bytes, start, end, lineNumber) => {
      this.parseLineBytes(bytes, start, end, lineNumber);
      if (onProgress && (lineNumber & (PROGRESS_EVERY_LINES - 1)) === 0) {
        onProgress({ path, lines: lineNumber, elapsedMs: Date.now() - started });
      }
    });
    return this.finishLog(lines);
  }

  /** Ends the current log; returns what it contributed. */
  finishLog(lines: number): LogReadSummary {
    // Page events never followed by a vtd_dmar_translate keep their slpte-bit fallback.
    for (let sid = 0; sid < 65536; sid++) {
      if (this.pendingStockBySid[sid]! >= 0) this.stockFallback++;
    }
    this.pendingStockBySid.fill(-1);
    return {
      path: this.path,
      lines,
      translations: this.logTranslations,
      tenants: this.logDids.size,
      stockPaired: this.stockPaired,
      stockFallback: this.stockFallback,
    };
  }

  /** Parses one line (after beginLog); for tests and tools that have the line as text. */
  parseLine(line: string, lineNumber = this.lineNumber + 1): void {
    const bytes = Buffer.from(line, 'latin1');
    this.parseLineBytes(bytes, 0, bytes.length, lineNumber);
  }

  /** Parses the line bytes[start, end) (after beginLog). */
  parseLineBytes(bytes: Uint8Array, start: number, end: number, lineNumber: number): void {
    this.lineNumber = lineNumber;
    // Anything may precede the event name; find `vtd_`. Handlers get the position of the
    // space after the name, so that their first key (e.g. " dev ") may follow at once.
    let at = start;
    const last = end - 4;
    for (; at <= last; at++) {
      if (bytes[at] === 118 /* v */ && bytes[at + 1] === 116 && bytes[at + 2] === 100 && bytes[at + 3] === 95) break;
    }
    if (at > last) return;
    this.bytes = bytes;
    this.lineEnd = end;
    const name = at + EVENT_PREFIX.length;
    if (matchAt(bytes, name, end, PAGE_HIT)) this.parsePageHit(name + PAGE_HIT.length - 1);
    else if (matchAt(bytes, name, end, PAGE_UPDATE)) this.parsePageUpdate(name + PAGE_UPDATE.length - 1);
    else if (matchAt(bytes, name, end, SLPTE_FETCH)) this.parseSlpteFetch(name + SLPTE_FETCH.length - 1);
    else if (matchAt(bytes, name, end, CC_UPDATE)) this.parseContextUpdate(name + CC_UPDATE.length - 1);
    else if (matchAt(bytes, name, end, DMAR_TRANSLATE)) this.parseDmarTranslate(name + DMAR_TRANSLATE.length - 1);
  }

  /** Prepares a log for line-by-line feeding without a file (tests, benchmarks). */
  beginLog(path: string, logIndex: number, validSids: readonly number[]): void {
    this.logIndex = logIndex;
    this.path = path;
    this.validSid.fill(0);
    for (const sid of validSids) this.validSid[sid & 0xffff] = 1;
    this.validDomain.fill(0);
    this.pendingStockBySid.fill(-1);
    this.logDids = new Set();
    this.logTranslations = 0;
    this.stockPaired = 0;
    this.stockFallback = 0;
    this.lineNumber = 0;
    this.lastUid = -1;
  }

  private malformed(event: string, key: Uint8Array): never {
    throw new InputError(`${this.path}:${this.lineNumber}: malformed hex in ${event} field '${KEY_NAME.get(key) ?? '?'}'`);
  }

  /**
   * Expects `key` (e.g. ' iova ') at `pos` followed by a hex number; returns the position
   * after it (value in hexHi/hexLo), -1 if the key is not there (the line has another
   * shape and is ignored, as the reference's whole-line patterns would), and throws on a
   * malformed number after a present key.
   */
  private field(pos: number, key: Uint8Array, event: string): number {
    if (!matchAt(this.bytes, pos, this.lineEnd, key)) return -1;
    const end = parseHexAt(this.bytes, pos + key.length, this.lineEnd);
    if (end < 0) this.malformed(event, key);
    return end;
  }

  /** Like field(), but searches for the first key from `pos` (text before it is free). */
  private firstField(pos: number, key: Uint8Array, event: string): number {
    const at = indexOfKey(this.bytes, pos, this.lineEnd, key);
    return at < 0 ? -1 : this.field(at, key, event);
  }

  /** The sid (hi:lo as parsed) if it is a tenant device of this log, else -1. */
  private tenantSid(hi: number, lo: number): number {
    return hi === 0 && lo <= 0xffff && this.validSid[lo] !== 0 ? lo : -1;
  }

  private parsePageUpdate(pos: number): void {
    const ev = 'vtd_iotlb_page_update';
    let p = this.firstField(pos, K_SID, ev);
    if (p < 0) return;
    const sid = this.tenantSid(hexHi, hexLo);
    if (sid < 0) return;
    p = this.field(p, K_IOVA, ev);
    if (p < 0) return;
    const iovaHi = hexHi;
    const iovaLo = hexLo;
    p = this.field(p, K_SLPTE, ev);
    if (p < 0) return;
    const slpteHi = hexHi;
    const slpteLo = hexLo;
    // The patched dialect adds the page level; stock QEMU goes straight to the domain.
    const patched = matchAt(this.bytes, p, this.lineEnd, K_LEVEL);
    let levelHi = 0;
    let level = 0;
    if (patched) {
      p = this.field(p, K_LEVEL, ev);
      levelHi = hexHi;
      level = hexLo;
    }
    p = this.field(p, K_DOMAIN, ev);
    if (p < 0) return;
    if (levelHi !== 0) this.malformed(ev, K_LEVEL);
    const maskHi = patched && level < 8 ? LEVEL_MASK_HI[level]! : 0;
    const maskLo = patched && level < 8 ? LEVEL_MASK_LO[level]! : 0;
    this.addTranslation(sid, iovaHi, iovaLo, maskHi, maskLo, level, slpteHi, slpteLo, hexLo & 0xffff, !patched);
  }

  private parsePageHit(pos: number): void {
    const ev = 'vtd_iotlb_page_hit';
    let p = this.firstField(pos, K_SID, ev);
    if (p < 0) return;
    const sid = this.tenantSid(hexHi, hexLo);
    if (sid < 0) return;
    p = this.field(p, K_IOVA, ev);
    if (p < 0) return;
    const iovaHi = hexHi;
    const iovaLo = hexLo;
    // The patched dialect gives the page mask (the level follows from it); stock QEMU none.
    const patched = matchAt(this.bytes, p, this.lineEnd, K_PMASK);
    let maskHi = 0;
    let maskLo = 0;
    if (patched) {
      p = this.field(p, K_PMASK, ev);
      maskHi = hexHi;
      maskLo = hexLo;
    }
    p = this.field(p, K_SLPTE, ev);
    if (p < 0) return;
    const slpteHi = hexHi;
    const slpteLo = hexLo;
    p = this.field(p, K_DOMAIN, ev);
    if (p < 0) return;
    const level = patched ? levelOfMask(maskHi, maskLo) : 0;
    this.addTranslation(sid, iovaHi, iovaLo, maskHi, maskLo, level, slpteHi, slpteLo, hexLo & 0xffff, !patched);
  }

  private parseContextUpdate(pos: number): void {
    const ev = 'vtd_iotlb_cc_update';
    let p = this.firstField(pos, K_BUS, ev);
    if (p < 0) return;
    const bus = hexLo;
    p = this.field(p, K_DEVFN, ev);
    if (p < 0) return;
    const sid = ((bus << 8) | hexLo) >>> 0;
    p = this.field(p, K_HIGH, ev);
    if (p < 0) return;
    const highHi = hexHi;
    const highLo = hexLo;
    p = this.field(p, K_LOW, ev);
    if (p < 0) return;
    const lowHi = hexHi;
    const lowLo = hexLo;
    // `gen G -> gen G'`: the first (old) generation, read as hex like the reference.
    p = this.field(p, K_GEN, ev);
    if (p < 0) return;
    const gen = hexLo & 0xffff;
    if (this.tenantSid(0, sid) < 0) return;
    const did = domainOfContextHigh(highLo);
    this.validDomain[did] = 1;
    this.globalDid(did);
    const adjustedSid = sid + 128 * this.logIndex;
    this.contexts.set(adjustedSid, { sid: adjustedSid & 0xffff, highHi, highLo, lowHi, lowLo, gen });
  }

  private parseSlpteFetch(pos: number): void {
    const ev = 'vtd_slpte_fetch';
    let p = this.firstField(pos, K_HIGH, ev);
    if (p < 0) return;
    const did = domainOfContextHigh(hexLo);
    if (this.validDomain[did] === 0) return;
    p = this.field(p, K_LOW, ev);
    if (p < 0) return;
    p = this.field(p, K_IOVA, ev);
    if (p < 0) return;
    const iovaHi = hexHi;
    const iovaLo = hexLo;
    p = this.field(p, K_LEVEL, ev);
    if (p < 0) return;
    const levelHi = hexHi;
    const levelLo = hexLo;
    p = this.field(p, K_ADDR, ev);
    if (p < 0) return;
    const baseHi = hexHi;
    const baseLo = hexLo;
    p = this.field(p, K_SLPTE, ev);
    if (p < 0) return;
    const valueHi = hexHi;
    const valueLo = hexLo;
    this.globalDid(did);
    // address = A + ((I >> (12 + 9(L-1))) & 511) · 8
    const shift = levelHi === 0 && levelLo < 64 ? 12 + 9 * (levelLo - 1) : -1;
    let index = 0;
    if (shift >= 0 && shift < 64) {
      if (shift >= 32) index = (iovaHi >>> (shift - 32)) & 511;
      else index = ((iovaLo >>> shift) | (iovaHi << (32 - shift))) & 511;
    }
    let addressLo = baseLo + index * 8;
    let addressHi = baseHi;
    if (addressLo > 0xffffffff) {
      addressLo -= 4294967296;
      addressHi = (addressHi + 1) >>> 0;
    }
    const exact = toSafeNumber(addressHi, addressLo);
    const key = exact >= 0 ? exact : `${addressHi}:${addressLo}`;
    this.pageTables.set(key, {
      did,
      addressHi,
      addressLo,
      levelHi,
      levelLo,
      valueHi,
      valueLo,
      iovaHi,
      iovaLo,
      baseHi,
      baseLo,
    });
  }

  /** Stock dialect: `vtd_dmar_translate dev BB:SS.FF iova I -> gpa G mask M`. */
  private parseDmarTranslate(pos: number): void {
    const ev = 'vtd_dmar_translate';
    const bytes = this.bytes;
    const end = this.lineEnd;
    const at = indexOfKey(bytes, pos, end, K_DEV);
    if (at < 0) return;
    // Device as bus:slot.func in hex.
    let p = at + K_DEV.length;
    let bus = 0;
    let slot = 0;
    let func = 0;
    let part = 0;
    let digits = 0;
    for (; p < end; p++) {
      const c = bytes[p]!;
      if (c === 58 /* : */ && part === 0 && digits > 0) {
        part = 1;
        digits = 0;
        continue;
      }
      if (c === 46 /* . */ && part === 1 && digits > 0) {
        part = 2;
        digits = 0;
        continue;
      }
      if (c === 32) break;
      const d = hexDigit(c);
      if (d < 0 || digits >= 4) this.malformed(ev, K_DEV);
      digits++;
      if (part === 0) bus = bus * 16 + d;
      else if (part === 1) slot = slot * 16 + d;
      else func = func * 16 + d;
    }
    if (part !== 2 || digits === 0) this.malformed(ev, K_DEV);
    const sid = ((bus << 8) | (slot << 3) | func) & 0xffff;
    const pending = this.pendingStockBySid[sid]!;
    p = this.firstField(p, K_MASK, ev);
    if (p < 0 || pending < 0) return;
    // mask = pageSize - 1: the level whose page mask is its complement.
    const maskHi = ~hexHi >>> 0;
    const maskLo = ~hexLo >>> 0;
    this.translations.setPage(pending, levelOfMask(maskHi, maskLo), maskHi, maskLo);
    this.pendingStockBySid[sid] = -1;
    this.stockPaired++;
  }

  private addTranslation(
    sid: number,
    iovaHi: number,
    iovaLo: number,
    maskHi: number,
    maskLo: number,
    level: number,
    slpteHi: number,
    slpteLo: number,
    did: number,
    stock: boolean,
  ): void {
    const globalDid = this.globalDid(did);
    if (stock) {
      // No level in the event: assume the slpte page-size bit (bit 7: 2 MiB) until a
      // vtd_dmar_translate of the same device says otherwise.
      level = (slpteLo & 0x80) !== 0 ? 2 : 1;
      maskHi = LEVEL_MASK_HI[level]!;
      maskLo = LEVEL_MASK_LO[level]!;
    }
    const index = this.translations.push(
      (sid + 128 * this.logIndex) & 0xffff,
      globalDid,
      iovaHi,
      iovaLo,
      maskHi,
      maskLo,
      level,
      slpteHi,
      slpteLo,
    );
    this.logTranslations++;
    if (stock) {
      if (this.pendingStockBySid[sid]! >= 0) this.stockFallback++;
      this.pendingStockBySid[sid] = index;
    }
  }

  /** The global did of a kept event's local did, numbering new ones in order of appearance. */
  private globalDid(did: number): number {
    const uid = did + 128 * this.logIndex;
    if (uid === this.lastUid) return this.lastGlobalDid;
    let g = this.globalDidOfUid.get(uid);
    if (g === undefined) {
      g = this.globalDidOfUid.size;
      this.globalDidOfUid.set(uid, g);
    }
    this.logDids.add(g);
    this.lastUid = uid;
    this.lastGlobalDid = g;
    return g;
  }
}
