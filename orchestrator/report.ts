/** The human-readable report of one run (`hypersio run` without --json). */
import type { ModelConfig } from './config.js';
import { CACHE_NAMES, type RunResult } from './model-core.js';

const n = (x: number) => x.toLocaleString('en-US');
const percent = (x: number) => `${(x * 100).toFixed(2)} %`;

export function formatReport(trace: string, config: ModelConfig, r: RunResult, seconds: number): string {
  const lines: string[] = [];
  const flows = Object.entries(r.flows).map(([did, f]) => ({ did, ...f }));
  lines.push(`trace             ${trace}`);
  lines.push(`                  ${n(r.translations)} translations, ${flows.length} tenants`);
  lines.push(
    `configuration     tq ${config.tq}, ${config.outOfOrder ? 'out-of-order' : 'in-order'}, IOTLB ${config.iotlb.size} entries ${config.iotlb.assoc}-way ${config.iotlbPolicy}` +
      `${config.iotlb.groups > 1 ? ` ${config.iotlb.groups} groups` : ''}${config.selectiveAlloc ? ', selective allocation' : ''}, link ${config.linkGbps} Gb/s`,
  );
  lines.push('');
  lines.push(`link utilization  ${percent(r.linkUtilization)} of ${config.linkGbps} Gb/s  (${n(r.mbps)} Mb/s)`);
  lines.push(`simulated time    ${n(r.simTimeNs)} ns`);
  lines.push(`packets dropped   ${n(r.packetsDropped)}`);
  lines.push('');
  lines.push(`cache     hit rate        hits     misses  conflicts  domains`);
  for (const name of CACHE_NAMES) {
    const c = r.caches[name];
    const accesses = c.hit + c.miss;
    const rate = accesses > 0 ? percent(c.hit / accesses) : '-';
    lines.push(
      `${name.padEnd(8)}  ${rate.padStart(8)}  ${n(c.hit).padStart(10)} ${n(c.miss).padStart(10)} ${n(c.conflict).padStart(10)} ${String(c.domains).padStart(8)}`,
    );
  }
  const p = r.prefetcher;
  lines.push('');
  lines.push(
    `prefetcher        ${n(p.predictionsMade)} predictions (${n(p.correctSidPredictions)} correct, ${n(p.incorrectSidPredictions)} incorrect); ` +
      `buffer ${n(p.bufferHit)} hits, ${n(p.bufferMiss)} misses, ${n(p.bufferFill)} fills`,
  );
  if (flows.length > 0) {
    flows.sort((a, b) => a.mbps - b.mbps || Number(a.did) - Number(b.did));
    const show = (f: (typeof flows)[number]) => `did ${f.did} ${n(f.mbps)} Mb/s (${n(f.translations)} translations)`;
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
