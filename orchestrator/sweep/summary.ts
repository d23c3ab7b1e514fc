/**
 * The end-of-sweep table: the best configuration per trace, and link utilization of
 * every hardware configuration on every trace (a pivot: configurations × traces).
 */
import { basename, dirname, sep } from 'node:path';
import { axisValueLabel, differsFromBase, PARAMETER_KEYS } from './axes.js';
import { iotlbHitRate } from './csv.js';
import { offeredRateDiffers, offeredRateNote } from '../config.js';
import type { SweepRecord } from './results.js';
import { configCostBytes } from '../cost-model-core.js';
import { TIE_TOLERANCE } from '../config.js';


/** Bytes of storage of a record's configuration (older records carry none: costed here). */
export const recordCost = (record: SweepRecord): number => record.costBytes ?? configCostBytes(record.config);

/**
 * The best of `candidates` (ok records) and every record tied with it, best first: the
 * highest link utilization, and among those within TIE_TOLERANCE of it the lowest
 * hardware cost, then the first in the grid.
 */
export function bestWithTies(candidates: readonly SweepRecord[]): SweepRecord[] {
  const top = Math.max(...candidates.map((r) => r.linkUtilization ?? 0));
  // The epsilon keeps exactly 0.1 point apart (in binary fractions) a tie.
  const tied = candidates.filter((r) => (r.linkUtilization ?? 0) >= top - TIE_TOLERANCE - 1e-12);
  return tied.sort((a, b) => recordCost(a) - recordCost(b) || a.gridIndex - b.gridIndex);
}

/** Parameters that differ between records: what tells hardware configurations apart. */
export function varyingParameters(records: readonly SweepRecord[]): string[] {
  return PARAMETER_KEYS.filter((key) => new Set(records.map((r) => JSON.stringify(r[key] ?? null))).size > 1);
}

/**
 * What a label of these records must name: every parameter that varies between them and
 * every one that is not the base architecture's in any of them, so a sweep over
 * `--l3page-size 4096` alone is not labelled like the base.
 */
export function labelledParameters(records: readonly SweepRecord[]): string[] {
  const varying = new Set(varyingParameters(records));
  return PARAMETER_KEYS.filter((key) => varying.has(key) || records.some((r) => differsFromBase(key, r[key])));
}

/** A short name of a record's hardware configuration, from the parameters in `keys` (none: the base's main ones). */
export function hardwareLabel(record: SweepRecord, keys: readonly string[]): string {
  const shown = keys.length > 0 ? keys : ['iotlbSize', 'iotlbPolicy', 'tq'];
  return shown.map((key) => axisValueLabel(key, record[key])).join(', ');
}

/**
 * For traces that share a file name: the shortest end of their folder paths that tells
 * them apart (`a/x` and `b/x` for `/data/a/x/T` and `/data/b/x/T`); '' for a trace whose
 * name is unique.
 */
export function distinguishingFolders(traces: Iterable<string>): Map<string, string> {
  const byName = new Map<string, string[]>();
  for (const trace of new Set(traces)) byName.set(basename(trace), [...(byName.get(basename(trace)) ?? []), trace]);
  const folders = new Map<string, string>();
  for (const group of byName.values()) {
    if (group.length === 1) {
      folders.set(group[0]!, '');
      continue;
    }
    const parts = group.map((trace) => dirname(trace).split(sep).filter((p) => p !== ''));
    const deepest = Math.max(...parts.map((p) => p.length));
    for (let depth = 1; depth <= deepest; depth++) {
      const ends = parts.map((p) => p.slice(-depth).join('/'));
      if (new Set(ends).size === group.length || depth === deepest) {
        group.forEach((trace, i) => folders.set(trace, ends[i]!));
        break;
      }
    }
  }
  return folders;
}

/** A short name of a record's trace: tenants when all traces share a workload; `folder` (distinguishingFolders) in front when another trace has its name. */
export function traceLabel(record: SweepRecord, singleWorkload: boolean, folder = ''): string {
  const place = folder === '' ? '' : `${folder}/`;
  if (singleWorkload && record.tenants !== null) return `${place}${record.tenants} tnt`;
  if (record.tenants !== null) return `${place}${record.workload} ${record.tenants} tnt`;
  return place + basename(record.trace).replace(/_iotlb_trace\.bin$/, '');
}

const percent = (x: number | null | undefined) => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)} %`);

/** A plain-text table: columns padded to their widest cell, a dashed rule under the header. */
export function table(header: string[], rows: string[][], rightAligned: (column: number) => boolean): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (rightAligned(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

export interface SummaryTotals {
  total: number;
  ok: number;
  failed: number;
}

export function countStatuses(records: readonly SweepRecord[]): SummaryTotals {
  const ok = records.filter((r) => r.status === 'ok').length;
  return { total: records.length, ok, failed: records.length - ok };
}

export function formatSummary(records: readonly SweepRecord[]): string {
  const totals = countStatuses(records);
  let out = `${totals.total} configurations: ${totals.ok} ok, ${totals.failed} failed\n`;
  const ok = records.filter((r) => r.status === 'ok');
  const hardwareKeys = labelledParameters(records);
  const singleWorkload = new Set(records.map((r) => r.workload)).size === 1;
  const traces = [...new Set(records.map((r) => r.trace))];
  const firstOf = new Map<string, SweepRecord>();
  for (const r of records) if (!firstOf.has(r.trace)) firstOf.set(r.trace, r);
  const folders = distinguishingFolders(traces);
  const traceName = (trace: string) => {
    const first = firstOf.get(trace);
    return first ? traceLabel(first, singleWorkload, folders.get(trace)) : basename(trace);
  };

  if (ok.length > 0) {
    out += `\nBest configuration per trace (highest link utilization; within ${TIE_TOLERANCE * 100} percentage point is a tie, won by the lower hardware cost, then the first in the grid)\n`;
    const rows: string[][] = [];
    const tieLines: string[] = [];
    for (const trace of traces) {
      const candidates = ok.filter((r) => r.trace === trace);
      if (candidates.length === 0) continue;
      const [best, ...others] = bestWithTies(candidates) as [SweepRecord, ...SweepRecord[]];
      const ties = others.length > 0 ? `${others.length} tied` : '';
      rows.push([traceName(trace), hardwareLabel(best, hardwareKeys), percent(best.linkUtilization), percent(iotlbHitRate(best)), `${(best.mbps ?? 0).toLocaleString('en-US')}`, recordCost(best).toLocaleString('en-US'), ties]);
      if (others.length > 0) {
        const shown = others.slice(0, 8).map((r) => `${hardwareLabel(r, hardwareKeys)} (${percent(r.linkUtilization)}, ${recordCost(r).toLocaleString('en-US')} B)`);
        if (others.length > 8) shown.push(`… and ${others.length - 8} more`);
        tieLines.push(`  ${traceName(trace)}: tied with ${hardwareLabel(best, hardwareKeys)}: ${shown.join('; ')}\n`);
      }
    }
    out += table(['trace', 'configuration', 'link util', 'IOTLB hits', 'Mb/s', 'cost (B)', 'ties'], rows, (c) => c >= 2 && c <= 5);
    if (tieLines.length > 0) out += `Ties:\n${tieLines.join('')}`;

    out += '\nLink utilization per configuration\n';
    // The first record of each (configuration, trace), labelled once each.
    const cells = new Map<string, Map<string, SweepRecord>>();
    for (const r of records) {
      const label = hardwareLabel(r, hardwareKeys);
      const row = cells.get(label) ?? new Map<string, SweepRecord>();
      if (!row.has(r.trace)) row.set(r.trace, r);
      cells.set(label, row);
    }
    const pivot: string[][] = [...cells].map(([label, row]) => [
      label,
      ...traces.map((trace) => {
        const r = row.get(trace);
        return r === undefined ? '' : r.status === 'ok' ? percent(r.linkUtilization) : 'failed';
      }),
    ]);
    out += table(['configuration', ...traces.map(traceName)], pivot, (c) => c >= 1);
  }

  const offRates = [...new Set(records.map((r) => r['linkGbps']))].filter((g): g is number => typeof g === 'number' && offeredRateDiffers(g)).sort((a, b) => a - b);
  for (const g of offRates) out += `note: ${offeredRateNote(g)}\n`;

  const failed = records.filter((r) => r.status === 'failed');
  if (failed.length > 0) {
    out += `\nFailed configurations (${failed.length})\n`;
    for (const r of failed.slice(0, 20)) out += `  ${traceName(r.trace)}, ${hardwareLabel(r, hardwareKeys)}: ${r.error ?? 'unknown error'}\n`;
    if (failed.length > 20) out += `  … and ${failed.length - 20} more (see results.jsonl)\n`;
  }
  return out;
}
