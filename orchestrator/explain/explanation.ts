/**
 * `explain`'s answer as one object (what `--json` prints) and as text, from the base
 * run's figures and the what-ifs' results. No Node APIs: the web page builds the same
 * object from the runs in its worker.
 */
import type { ModelConfig } from '../parameters.js';
import { formatBreakdown, whyTenant, type LatencyBreakdown, type TenantBreakdown } from './breakdown.js';
import { findLimiter, type Limiter } from './limiter.js';
import { TIE_TOLERANCE } from '../config.js';
import { rankWhatIfs } from './rank.js';
import { runCommand, runFlags, type SkippedWhatIf, type WhatIf } from './what-if.js';

/** A run's figures that explain reads. */
export interface RunFigures {
  linkUtilization: number;
  mbps: number;
  packetsDropped: number;
  translations: number;
  simTimeNs: number;
}

export interface WhatIfResult {
  id: string;
  change: string;
  /** The `run` flags that reproduce it (argv words, every parameter that differs from the base architecture). */
  flags: string[];
  command: string;
  linkUtilization: number;
  /** linkUtilization − the base's. */
  gain: number;
  rank: number;
  tied: boolean;
  limitStudy: boolean;
  /** Bytes of storage of the changed configuration (the cost model; a limit study costs what the base does). */
  costBytes: number;
  /** costBytes − the base's. */
  deltaBytes: number;
  mbps: number;
  packetsDropped: number;
}

export interface Explanation {
  trace: string;
  config: ModelConfig;
  base: RunFigures & { flags: string[]; command: string; costBytes: number };
  limiter: Limiter;
  latency: LatencyBreakdown;
  /** Every tenant, worst first. */
  tenants: (TenantBreakdown & { why: string })[];
  whatIf: WhatIfResult[];
  skipped: SkippedWhatIf[];
  /** Utilizations within this of each other share a rank. */
  tieTolerance: number;
  /** What the figures above do not say by themselves (sets a larger IOTLB leaves unused). */
  notes: string[];
}

export interface ExplanationInput {
  trace: string;
  config: ModelConfig;
  base: RunFigures;
  latency: LatencyBreakdown;
  /** Worst first. */
  tenants: TenantBreakdown[];
  whatIfs: { whatIf: WhatIf; result: RunFigures }[];
  skipped: SkippedWhatIf[];
  /** Storage bytes of a configuration (the cost model). */
  costOf: (config: ModelConfig) => number;
  /** Per what-if id, its IOTLB's accesses per set (for the larger IOTLBs: setUseNote). */
  iotlbSetAccesses?: Readonly<Record<string, readonly number[]>>;
}

/** The what-ifs whose IOTLB's set use explain looks at. */
export const SET_USE_WHAT_IFS = ['iotlbSize*2', 'iotlbSize*4'];

/**
 * A larger IOTLB with the same ways only adds sets, and a set is chosen by iova >> 21 (the
 * 2 MiB region) within the did's group: a trace whose pages sit in few 2 MiB regions
 * never uses some of them. Says how many, when any.
 */
export function setUseNote(whatIf: Pick<WhatIf, 'change' | 'config'>, setAccesses: readonly number[]): string | undefined {
  const sets = setAccesses.length;
  const unused = setAccesses.filter((n) => n === 0).length;
  if (sets < 2 || unused === 0) return undefined;
  const ways = whatIf.config.iotlb.assoc;
  return `${whatIf.change}: ${sets - unused} of its ${sets} sets of ${ways} ways are used; ${unused} (${(unused * ways).toLocaleString('en-US')} entries) never are: a set is chosen by iova >> 21, the page's 2 MiB region, and this trace's pages sit in few of them`;
}

export function buildExplanation(input: ExplanationInput): Explanation {
  const baseCost = input.costOf(input.config);
  const limiter = findLimiter(input.config, { meanLatencyNs: input.latency.meanNs, mbps: input.base.mbps, packetsDropped: input.base.packetsDropped });
  const evaluated = input.whatIfs.map(({ whatIf, result }) => {
    // A limit study is not hardware: it costs what the base costs.
    const costBytes = whatIf.limitStudy ? baseCost : input.costOf(whatIf.config);
    return {
      id: whatIf.id,
      change: whatIf.change,
      flags: runFlags(whatIf.config),
      command: runCommand(input.trace, whatIf.config),
      linkUtilization: result.linkUtilization,
      limitStudy: whatIf.limitStudy,
      costBytes,
      deltaBytes: costBytes - baseCost,
      mbps: result.mbps,
      packetsDropped: result.packetsDropped,
    };
  });
  return {
    trace: input.trace,
    config: input.config,
    base: { ...input.base, flags: runFlags(input.config), command: runCommand(input.trace, input.config), costBytes: baseCost },
    limiter,
    latency: input.latency,
    tenants: input.tenants.map((t) => ({ ...t, why: whyTenant(t, input.latency) })),
    whatIf: rankWhatIfs(evaluated, input.base.linkUtilization),
    skipped: input.skipped,
    tieTolerance: TIE_TOLERANCE,
    notes: input.whatIfs.flatMap(({ whatIf }) => {
      const accesses = input.iotlbSetAccesses?.[whatIf.id];
      const note = accesses === undefined ? undefined : setUseNote(whatIf, accesses);
      return note === undefined ? [] : [note];
    }),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const signedPct = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x * 100).toFixed(2)}`;
const bytes = (b: number) => `${Math.round(b).toLocaleString('en-US')} B`;
const signedBytes = (b: number) => `${b > 0 ? '+' : b < 0 ? '−' : '±'}${Math.abs(Math.round(b)).toLocaleString('en-US')} B`;

/** Whether every tenant's Mb/s and mean latency are within 1 % of the others' (a round-robin synthetic trace). */
export function evenlyServed(tenants: readonly TenantBreakdown[]): boolean {
  const within = (values: number[]) => values.length === 0 || Math.max(...values) <= Math.min(...values) * 1.01;
  return within(tenants.map((t) => t.mbps)) && within(tenants.flatMap((t) => (t.meanNs === undefined ? [] : [t.meanNs])));
}

/** How many worst tenants the text names. */
const WORST_SHOWN = 3;

/** The text report. */
export function formatExplanation(e: Explanation, files: { outDir?: string; charts?: string[] } = {}): string {
  const lines: string[] = [];
  lines.push(`trace             ${e.trace}`);
  lines.push(`configuration     ${e.base.flags.length > 0 ? e.base.flags.join(' ') : 'the base architecture'}`);
  lines.push(`link utilization  ${pct(e.base.linkUtilization)} (${Math.round(e.base.mbps).toLocaleString('en-US')} Mb/s), ${bytes(e.base.costBytes)} of translation storage`);
  lines.push('');
  lines.push(`limiter: ${e.limiter.sentence}`);
  lines.push('');
  lines.push('where the time goes');
  for (const line of formatBreakdown(e.latency)) lines.push(`  ${line}`);
  const worst = e.tenants.slice(0, WORST_SHOWN);
  if (worst.length > 1) {
    lines.push('');
    if (evenlyServed(e.tenants)) {
      lines.push(`tenants           all ${e.tenants.length} within 1 % of each other in Mb/s and mean latency: none stands out`);
    } else {
      lines.push(`worst tenants (of ${e.tenants.length})`);
      for (const t of worst) lines.push(`  did ${t.did}: ${t.mbps.toLocaleString('en-US')} Mb/s, ${t.translations.toLocaleString('en-US')} translations${t.why ? `; ${t.why}` : ''}`);
    }
  }
  lines.push('');
  lines.push(`what would help (each change simulated; ties within ${(e.tieTolerance * 100).toFixed(2)} points share a rank)`);
  const rows = e.whatIf.map((w) => ({
    rank: `${w.rank}${w.tied ? '=' : ''}`,
    change: w.change,
    util: pct(w.linkUtilization),
    gain: signedPct(w.gain),
    cost: w.limitStudy ? 'limit study' : bytes(w.costBytes),
    delta: w.limitStudy ? '' : signedBytes(w.deltaBytes),
  }));
  const width = (key: keyof (typeof rows)[number], title: string) => Math.max(title.length, ...rows.map((r) => r[key].length));
  const w = { rank: width('rank', 'rank'), change: width('change', 'change'), util: width('util', 'utilization'), gain: width('gain', 'gain'), cost: width('cost', 'cost'), delta: width('delta', 'vs base') };
  lines.push(`  ${'rank'.padEnd(w.rank)}  ${'change'.padEnd(w.change)}  ${'utilization'.padStart(w.util)}  ${'gain'.padStart(w.gain)}  ${'cost'.padStart(w.cost)}  ${'vs base'.padStart(w.delta)}`);
  for (const r of rows) lines.push(`  ${r.rank.padEnd(w.rank)}  ${r.change.padEnd(w.change)}  ${r.util.padStart(w.util)}  ${r.gain.padStart(w.gain)}  ${r.cost.padStart(w.cost)}  ${r.delta.padStart(w.delta)}`);
  if (e.whatIf.length > 0) {
    lines.push('');
    lines.push(`each change as a command: hypersio run --trace ${e.trace} with`);
    for (const x of e.whatIf) lines.push(`  ${`${x.rank}${x.tied ? '=' : ''}`.padEnd(w.rank)}  ${x.flags.length > 0 ? x.flags.join(' ') : '(no flags: the base architecture)'}`);
  }
  const best = e.whatIf.find((x) => !x.limitStudy);
  if (best) {
    lines.push('');
    lines.push(`best single change: ${best.change}${e.whatIf.some((x) => x !== best && x.rank === best.rank && !x.limitStudy) ? ' (tied)' : ''}`);
    lines.push(`  ${best.command}`);
  }
  if (e.notes.length > 0) {
    lines.push('');
    lines.push('notes');
    for (const note of e.notes) lines.push(`  ${note}`);
  }
  if (e.skipped.length > 0) {
    lines.push('');
    lines.push('not simulated');
    for (const s of e.skipped) lines.push(`  ${s.change}: ${s.reason}`);
  }
  if (files.outDir !== undefined) {
    lines.push('');
    lines.push(`results  ${files.outDir}`);
    for (const chart of files.charts ?? []) lines.push(`chart    ${chart}`);
  }
  return lines.join('\n') + '\n';
}
