/**
 * Compresses a raw QEMU trace log to .txt.gz and, in the same pass, counts the IOTLB page
 * events per device, notes each device's domain and how the events' IOVAs spread over the
 * model's cache sets, so the collector can check that every NIC was translated, fill the
 * manifest and report the spread without reading the log twice.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { AddressSpreadCounter } from '../core/address-spread.js';

export interface DeviceLogStats {
  pageEvents: number;
  domain: number | null;
}

export interface LogStats {
  lines: number;
  bytes: number;
  bySid: Map<number, DeviceLogStats>;
  /** Page events by (domain, iova): what a trace built from this log will spread like. */
  spread: AddressSpreadCounter;
}

const PAGE_EVENT = /vtd_iotlb_page_(?:hit|update) .*?\bsid 0x([0-9a-f]+) iova (0x[0-9a-f]+) .*?\bdomain 0x([0-9a-f]+)/;

/** Scans one log line into stats. */
export function scanLogLine(line: string, stats: LogStats): void {
  stats.lines++;
  if (!line.includes('vtd_iotlb_page_')) return;
  const m = PAGE_EVENT.exec(line);
  if (m === null) return;
  const sid = parseInt(m[1] ?? '0', 16);
  const entry = stats.bySid.get(sid) ?? { pageEvents: 0, domain: null };
  const domain = parseInt(m[3] ?? '0', 16);
  entry.pageEvents++;
  entry.domain ??= domain;
  stats.bySid.set(sid, entry);
  stats.spread.addHex(sid, m[2] ?? '0'); // by device: in the identity layout every NIC shares one domain
}

class LineScanner extends Transform {
  private pending = '';
  constructor(readonly stats: LogStats) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.stats.bytes += chunk.length;
    const text = this.pending + chunk.toString('latin1');
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) scanLogLine(line, this.stats);
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback): void {
    if (this.pending.length > 0) scanLogLine(this.pending, this.stats);
    callback();
  }
}

/** Gzips `source` into `destination` while scanning it. */
export async function compressAndScanLog(source: string, destination: string): Promise<LogStats> {
  const stats: LogStats = { lines: 0, bytes: 0, bySid: new Map(), spread: new AddressSpreadCounter() };
  await pipeline(createReadStream(source), new LineScanner(stats), createGzip({ level: 6 }), createWriteStream(destination));
  return stats;
}
