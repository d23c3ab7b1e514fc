/**
 * The trace constructor's programmatic API: a log group in, the three trace files out
 * (../shared/spec/tracegen.md).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { tracePaths, tracePrefix } from '../core/trace-format.js';
import { ensureOutputDir, writeFilesAtomicallyAsync, type WriteCheckpoint } from '../core/atomic-write.js';
import { interleave, parseTenantOrder, type TenantOrder } from './interleave.js';
import { readManifest } from '../core/manifest.js';
import { devicesPerLogFromPrefix, findLog, validSidsForLog } from './log-group.js';
import { TraceCollector, type LogReadSummary, type ProgressInfo } from './log-reader.js';
import { encodeContexts, encodePageTables, writeTranslationTrace } from './trace-encode.js';

export interface TraceBuildOptions {
  logDir: string;
  /** Log group prefix P: logs are P_0.txt[.gz], P_1.txt[.gz], … */
  logPrefix: string;
  /** Tenants wanted (T). */
  tenants: number;
  /** Devices per log (M); default: the prefix's `_vm_<M>_` part. */
  maxDevPerLog?: number;
  /** First PCI slot of a log's tenant devices when it has no manifest (default 2). */
  firstSlot?: number;
  order: TenantOrder | string;
  /** Consecutive translations per tenant turn. */
  consec: number;
  /** Test (benchmark) name, used in the output name. */
  test: string;
  outDir: string;
  /** Called every 2^18 lines of a log. */
  onProgress?: (info: ProgressInfo) => void;
  /** Called after each log. */
  onLog?: (summary: LogReadSummary) => void;
  /** Awaited between blocks of the trace being written (see writeFilesAtomicallyAsync). */
  checkpoint?: WriteCheckpoint;
}

export interface TraceBuildResult {
  /**
   * Tenants found: fewer than asked when the logs run out (the trace is then built from
   * those, as the reference does; see `shortfall`), more if a log's devices change domain.
   */
  tenants: number;
  /** Set when the logs ran out before the tenants asked for: a one-line warning. */
  shortfall?: string;
  translations: number;
  contextRecords: number;
  pageTableRecords: number;
  outputPrefix: string;
  paths: { iotlb: string; context: string; pageTable: string };
  logs: LogReadSummary[];
}

function positiveInteger(value: number, flag: string): number {
  if (!Number.isInteger(value) || value < 1) throw new InputError(`${flag} ${value}: must be a positive integer`);
  return value;
}

/** Checks options before any reading or writing; returns them resolved. */
export function resolveBuildOptions(options: TraceBuildOptions): Required<Omit<TraceBuildOptions, 'onProgress' | 'onLog' | 'checkpoint'>> & { order: TenantOrder } {
  const order = parseTenantOrder(options.order);
  positiveInteger(options.tenants, '--tenants');
  positiveInteger(options.consec, '--consec');
  const firstSlot = options.firstSlot ?? 2;
  if (!Number.isInteger(firstSlot) || firstSlot < 0 || firstSlot > 31) {
    throw new InputError(`--first-slot ${firstSlot}: must be a PCI slot 0..31`);
  }
  const maxDevPerLog = options.maxDevPerLog ?? devicesPerLogFromPrefix(options.logPrefix);
  if (maxDevPerLog === undefined) {
    throw new InputError(`--max-dev-per-log: not given, and the log prefix ${options.logPrefix} has no _vm_<M>_ part`);
  }
  positiveInteger(maxDevPerLog, '--max-dev-per-log');
  if (!options.test) throw new InputError('--test: a test name is required');
  if (options.test.includes('/')) throw new InputError(`--test ${options.test}: must not contain '/'`);
  return { ...options, order, firstSlot, maxDevPerLog };
}

/** The log group prefixes in `dir` (files `<P>_0.txt[.gz]`), for the message when the one asked for is missing. */
function logPrefixesIn(dir: string): string {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return `${dir} cannot be read`;
  }
  const prefixes = [...new Set(names.map((name) => /^(.+)_0\.txt(?:\.gz)?$/.exec(name)?.[1]).filter((p): p is string => p !== undefined))].sort();
  if (prefixes.length === 0) return `${dir} holds no log group (<P>_0.txt or <P>_0.txt.gz)`;
  const shown = prefixes.slice(0, 10).join(', ');
  return `log prefixes in ${dir}: ${shown}${prefixes.length > 10 ? `, … (${prefixes.length} in all)` : ''}`;
}

export async function buildTrace(options: TraceBuildOptions): Promise<TraceBuildResult> {
  const o = resolveBuildOptions(options);
  ensureOutputDir(o.outDir);
  const collector = new TraceCollector();
  const logs: LogReadSummary[] = [];
  let remaining = o.tenants;
  let shortfall: string | undefined;
  let slotHint: string | undefined;
  for (let k = 0; remaining > 0; k++) {
    const path = findLog(o.logDir, o.logPrefix, k);
    if (path === undefined) {
      const missing = join(o.logDir, `${o.logPrefix}_${k}.txt`);
      if (k === 0) throw new InputError(`${missing}: log not found (nor ${missing}.gz); ${logPrefixesIn(o.logDir)}`);
      // The logs ran out: like the reference, build from the tenants found (named by their number).
      shortfall = `--tenants ${o.tenants}: the logs ran out after ${k} log(s) with ${collector.tenantCount} tenants; the trace has those (no ${missing}[.gz])` + (slotHint ?? '');
      break;
    }
    const n = Math.min(remaining, o.maxDevPerLog);
    const manifest = readManifest(path);
    const validSids = validSidsForLog(n, o.firstSlot, manifest);
    const summary = await collector.readLog(path, k, validSids, options.onProgress);
    if (summary.tenants === 0) {
      const sids = validSids.map((s) => `0x${s.toString(16)}`).join(', ');
      const from = manifest ? `its manifest ${path}.json` : `--first-slot ${o.firstSlot}; logs of \`hypersio collect\` start at slot 3`;
      throw new InputError(`${path}: no tenant found in this log (no kept event for sids ${sids}, from ${from})`);
    }
    if (k === 0 && !manifest && summary.tenants < n && !collector.contexts.has(o.firstSlot << 3)) {
      // A short first log without manifest whose first assumed device never had a context:
      // its devices sit at other slots (a collector's log whose manifest was lost), unlike
      // a log short because some devices share a domain.
      slotHint = `; ${path} has no manifest and only ${summary.tenants} tenants among its devices at --first-slot ${o.firstSlot}…${o.firstSlot + n - 1}: check --first-slot (logs of \`hypersio collect\` start at slot 3)`;
    }
    logs.push(summary);
    options.onLog?.(summary);
    remaining -= summary.tenants;
  }

  const tenants = collector.tenantCount;
  const store = collector.translations;
  await options.checkpoint?.();
  const order = interleave(store.dids(), store.length, tenants, o.order, o.consec);
  const outputPrefix = tracePrefix(o.test, tenants, o.order, o.consec);
  const paths = tracePaths(join(o.outDir, outputPrefix));
  const contextFile = encodeContexts(collector.contexts.values());
  const pageTableFile = encodePageTables(collector.pageTables.values());
  await writeFilesAtomicallyAsync(
    [
      { path: paths.iotlb, data: (fd, checkpoint) => writeTranslationTrace(fd, store, order, checkpoint) },
      { path: paths.context, data: contextFile },
      { path: paths.pageTable, data: pageTableFile },
    ],
    options.checkpoint,
  );
  return {
    tenants,
    ...(shortfall === undefined ? {} : { shortfall }),
    translations: order.length,
    contextRecords: collector.contexts.size,
    pageTableRecords: collector.pageTables.size,
    outputPrefix,
    paths,
    logs,
  };
}
