/** The human-readable report of one run (`hypersio run` without --json). */
import { counted, modelFlags, PACKET_BYTES, type CacheGeometry, type ModelConfig } from './parameters.js';
import { baseConfig, offeredRateNote } from './config.js';
import { CACHE_NAMES, type RunResult } from './model-core.js';
import { TRANSLATIONS_PER_PACKET } from '../core/trace-format.js';

const n = (x: number) => x.toLocaleString('en-US');
const percent = (x: number) => `${(x * 100).toFixed(2)} %`;

/**
 * Mb/s of whole packets over `ns`, to a precision that tells small flows apart (the
 * model's own figures are the reference's integers: a 1.4 Mb/s flow would read "1");
 * from 1000 up, the integer part, equal to the reference's figure.
 */
export function formatMbps(translations: number, ns: number): string {
  if (ns <= 0) return '0 Mb/s';
  const mbps = (Math.floor(translations / TRANSLATIONS_PER_PACKET) * PACKET_BYTES * 8 * 1000) / ns;
  const text = mbps >= 1000 ? n(Math.floor(mbps)) : mbps >= 100 ? mbps.toFixed(1) : mbps >= 1 ? mbps.toFixed(2) : mbps.toPrecision(3);
  return `${text} Mb/s`;
}

/**
 * What partitioned statistics mean. With selective allocation only some dids may fill
 * each cache (spec: IOTLB dids 0 … g1-1, then L2PAGE, then L3PAGE), and a cache's
 * counters cover only those dids: 300 of 19,200 IOTLB accesses is did 0's share, not a
 * cache that was hardly used. With set groups a did uses only its group's sets.
 */
function partitionNotes(config: ModelConfig): string[] {
  const notes: string[] = [];
  if (config.selectiveAlloc) {
    const g1 = config.iotlb.groups;
    const g2 = config.l2page.groups;
    const g3 = config.l3page.groups;
    const range = (from: number, count: number) => (count === 1 ? `did ${from}` : `dids ${from}…${from + count - 1}`);
    notes.push(
      `selective allocation: each cache counts (and fills) only the dids that may allocate in it, ` +
        `the IOTLB ${range(0, g1)}, L2PAGE ${range(g1, g2)}, L3PAGE ${range(g1 + g2, g3)} (from the caches' set groups, --config); ` +
        `the other dids' translations do not appear in its hits and misses`,
    );
  }
  const grouped = (['iotlb', 'l2page', 'l3page'] as const).filter((c) => config[c].groups > 1);
  if (grouped.length > 0) {
    notes.push(`set groups: ${grouped.map((c) => `${c.toUpperCase()} ${config[c].groups}`).join(', ')}; a did uses only the sets of group (did mod groups)`);
  }
  return notes;
}

/** `512 entries 16-way`, `1,536 entries fully associative, 2 groups`, `none`. */
function geometry(name: string, c: CacheGeometry, policy = ''): string {
  if (c.size === 0) return `${name} none`;
  const ways = c.assoc === c.size ? 'fully associative' : `${c.assoc}-way`;
  return `${name} ${counted(c.size, 'entry', 'entries')} ${ways}${policy}${c.groups > 1 ? `, ${counted(c.groups, 'group')}` : ''}`;
}

/** Everything simulated, so a saved report says what it reports on (and the flags that give it again). */
function configurationLines(config: ModelConfig): string[] {
  const flags = modelFlags(config, baseConfig());
  return [
    `tq ${config.tq}, ${config.outOfOrder ? 'out-of-order' : 'in-order'}, link ${config.linkGbps} Gb/s${config.selectiveAlloc ? ', selective allocation' : ''}`,
    `${geometry('IOTLB', config.iotlb, ` ${config.iotlbPolicy}${config.iotlbPolicy === 'lfu' ? ` (seed ${config.seed})` : ''}`)}; ${geometry('CC', config.cc)}`,
    `${geometry('L2PAGE', config.l2page)}; ${geometry('L3PAGE', config.l3page)}`,
    `prefetcher: buffer ${counted(config.prefetch.bufferSize, 'entry', 'entries')}, history ${counted(config.prefetch.historyLength, 'page')} per sid, distance ${counted(config.prefetch.distance, 'request')}`,
    flags.length > 0 ? `flags: ${flags.join(' ')}` : 'the base architecture (no flags)',
  ];
}

/** The cache table, its columns as wide as their widest figure (counts pass 10^8 on long traces). */
function cacheTable(r: RunResult): string[] {
  const header = ['cache', 'hit rate', 'hits', 'misses', 'conflicts', 'domains'];
  const rows = CACHE_NAMES.map((name) => {
    const c = r.caches[name];
    const accesses = c.hit + c.miss;
    return [name, accesses > 0 ? percent(c.hit / accesses) : '-', n(c.hit), n(c.miss), n(c.conflict), n(c.domains)];
  });
  // At least the widths of the table as it always was; wider when a figure needs it.
  const widths = [8, 8, 10, 10, 10, 8].map((least, i) => Math.max(least, header[i]!.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

export function formatReport(trace: string, config: ModelConfig, r: RunResult, seconds: number): string {
  const lines: string[] = [];
  const flows = Object.entries(r.flows).map(([did, f]) => ({ did, ...f }));
  lines.push(`trace             ${trace}`);
  lines.push(`                  ${counted(r.translations, 'translation')}, ${counted(flows.length, 'tenant')}`);
  configurationLines(config).forEach((text, i) => lines.push(`${i === 0 ? 'configuration' : ''}`.padEnd(18) + text));
  lines.push('');
  lines.push(`link utilization  ${percent(r.linkUtilization)} of ${config.linkGbps} Gb/s  (${formatMbps(r.translations, r.simTimeNs)})`);
  const offered = offeredRateNote(config.linkGbps);
  if (offered) lines.push(`  note: ${offered}`);
  lines.push(`simulated time    ${n(r.simTimeNs)} ns`);
  lines.push(`packets dropped   ${n(r.packetsDropped)}`);
  lines.push('');
  lines.push(...cacheTable(r));
  for (const note of partitionNotes(config)) lines.push(`  note: ${note}`);
  const p = r.prefetcher;
  lines.push('');
  // A prediction is scored at the next request; the last one made, at the end of the trace, never is.
  const unscored = p.predictionsMade - p.correctSidPredictions - p.incorrectSidPredictions;
  const scored = `${n(p.correctSidPredictions)} correct, ${n(p.incorrectSidPredictions)} incorrect${unscored > 0 ? `, ${n(unscored)} not scored` : ''}`;
  const predictions = `${counted(p.predictionsMade, 'prediction')} (${scored})`;
  lines.push(
    config.prefetch.bufferSize > 0
      ? `prefetcher        ${predictions}; buffer ${n(p.bufferHit)} hits, ${n(p.bufferMiss)} misses, ${n(p.bufferFill)} fills`
      : `prefetcher        ${predictions}; no prefetch buffer (its walks still warm the page-walk caches)`,
  );
  if (unscored > 0) lines.push(`  note: a prediction is scored by the request after it; the last one, made by the trace's last request, has none to score it`);
  if (flows.length > 0) {
    flows.sort((a, b) => a.mbps - b.mbps || a.translations / a.timeNs - b.translations / b.timeNs || Number(a.did) - Number(b.did));
    const show = (f: (typeof flows)[number]) => `did ${f.did} ${formatMbps(f.translations, f.timeNs)} (${counted(f.translations, 'translation')})`;
    const slowest = flows.slice(0, 3).map(show).join('; ');
    const fastest = flows.slice(-3).reverse().map(show).join('; ');
    lines.push('');
    lines.push(`slowest flows     ${slowest}`);
    lines.push(`fastest flows     ${fastest}`);
  }
  lines.push('');
  lines.push(`(simulated in ${seconds.toFixed(2)} s)`);
  return lines.join('\n') + '\n';
}
