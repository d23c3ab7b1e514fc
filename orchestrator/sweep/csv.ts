/**
 * results.csv: one row per configuration, parameters then the scalar statistics (per-set
 * and per-flow arrays and wall times stay in results.jsonl, so the same sweep always
 * gives the same CSV, sharded or not). RFC 4180: comma-separated, CRLF-free
 * (LF line ends), fields quoted when they hold a comma, quote or newline.
 */
import { CACHE_NAMES } from '../model-core.js';
import { PARAMETER_KEYS } from './axes.js';
import type { SweepRecord } from './results.js';

type Column = [header: string, value: (r: SweepRecord) => unknown];

/** IOTLB hits / accesses, or null when there were none (or the run failed). */
export function iotlbHitRate(record: SweepRecord): number | null {
  const iotlb = record.caches?.IOTLB;
  if (!iotlb) return null;
  const accesses = iotlb.hit + iotlb.miss;
  return accesses > 0 ? iotlb.hit / accesses : null;
}

const COLUMNS: readonly Column[] = [
  ['id', (r) => r.id],
  ['trace', (r) => r.trace],
  ['workload', (r) => r.workload],
  ['tenants', (r) => r.tenants],
  ...PARAMETER_KEYS.map((key): Column => [key, (r) => r[key]]),
  ['status', (r) => r.status],
  ['error', (r) => r.error],
  ['costBytes', (r) => r.costBytes],
  ['linkUtilization', (r) => r.linkUtilization],
  ['mbps', (r) => r.mbps],
  // The rate packets were offered at (floor(12336 / linkGbps) ns apart), and whether it is more than 1 % off the nominal.
  ['offeredGbps', (r) => r.offeredGbps],
  ['offeredRateDiffers', (r) => r.offeredRateDiffers],
  ['simTimeNs', (r) => r.simTimeNs],
  ['translations', (r) => r.translations],
  ['packetsDropped', (r) => r.packetsDropped],
  ['iotlbHitRate', (r) => iotlbHitRate(r)],
  ['flowCount', (r) => r.flowCount],
  ['slowestFlowMbps', (r) => r.slowestFlowMbps],
  ['fastestFlowMbps', (r) => r.fastestFlowMbps],
  ['fairness', (r) => r.fairness],
  ...CACHE_NAMES.flatMap((cache) =>
    (['hit', 'miss', 'conflict', 'domains'] as const).map((stat): Column => [`${cache}.${stat}`, (r) => r.caches?.[cache][stat]]),
  ),
  ['prefetch.bufferHit', (r) => r.prefetcher?.bufferHit],
  ['prefetch.bufferMiss', (r) => r.prefetcher?.bufferMiss],
  ['prefetch.correctSidPredictions', (r) => r.prefetcher?.correctSidPredictions],
  ['prefetch.incorrectSidPredictions', (r) => r.prefetcher?.incorrectSidPredictions],
];

export const CSV_HEADER: readonly string[] = COLUMNS.map(([header]) => header);

export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)))) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function formatCsv(records: readonly SweepRecord[]): string {
  const lines = [CSV_HEADER.map(csvField).join(',')];
  for (const record of records) lines.push(COLUMNS.map(([, value]) => csvField(value(record))).join(','));
  return lines.join('\n') + '\n';
}

/** Parses CSV written by formatCsv (and any RFC 4180 text); for checks and tools. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
