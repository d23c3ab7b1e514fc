/** advise's text report: the answer first, then the path, the frontier and the files. */
import { basename } from 'node:path';
import { tenantsFromTraceName } from '../sweep/spec.js';
import { table } from '../sweep/summary.js';
import type { AdviseResult, AdvisedConfiguration } from './index.js';

const pct = (u: number) => `${(u * 100).toFixed(1)} %`;
const bytes = (n: number) => n.toLocaleString('en-US');

function traceName(trace: string, all: readonly string[]): string {
  const tenants = tenantsFromTraceName(trace);
  const names = all.map((t) => tenantsFromTraceName(t));
  if (tenants !== null && new Set(names).size === all.length) return `${tenants} tnt`;
  return basename(trace).replace(/_iotlb_trace\.bin$/, '');
}

/** The summary's table, indented under its heading. */
const indented = (header: string[], rows: string[][], right: (c: number) => boolean) =>
  table(header, rows, right)
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');

/** Frontier rows shown in the text (all are in advise.json). */
const FRONTIER_ROWS = 25;

export function formatAdviseReport(r: AdviseResult): string {
  const names = r.traces.map((t) => traceName(t, r.traces));
  const utilizations = (c: AdvisedConfiguration) => r.traces.map((t) => pct(c.linkUtilization[t] ?? 0));
  const changes = (c: AdvisedConfiguration) => (c.changes.length > 0 ? c.changes.join(' ') : '(the start)');
  let out = `Target: ${r.targetPercent} % link utilization on every trace (${names.join(', ')})\n\n`;
  out += r.reached
    ? `Reached. Cheapest configuration found: ${bytes(r.best.costBytes)} bytes (the start: ${bytes(r.start.costBytes)} bytes)\n`
    : `NOT reached within the limits${r.budgetSpent ? ` (the search stopped at --budget: ${r.evaluated} configurations)` : ''}. Best found (highest worst-trace utilization, then cheapest): ${bytes(r.best.costBytes)} bytes (the start: ${bytes(r.start.costBytes)} bytes)\n`;
  if (r.reached && r.budgetSpent) out += `  (the search stopped at --budget, ${r.evaluated} configurations: a cheaper one may exist)\n`;
  out += `  changes from the start: ${changes(r.best)}\n`;
  out += indented(['trace', 'link util', 'start'], names.map((name, t) => [name, utilizations(r.best)[t] ?? '', utilizations(r.start)[t] ?? '']), (c) => c > 0);

  out += `\nPath (${r.path.length - 1} step${r.path.length === 2 ? '' : 's'})\n`;
  out += indented(
    ['#', 'phase', 'change', 'cost (B)', ...names],
    r.path.map((step, i) => [
      String(i),
      step.phase,
      step.changes.length > 0 ? step.changes.map((c) => `${c.key} ${String(c.from)} → ${String(c.to)}`).join(', ') : '-',
      bytes(step.costBytes),
      ...r.traces.map((t) => pct(step.linkUtilization[t] ?? 0)),
    ]),
    (c) => c === 0 || c >= 3,
  );

  out += `\nCost vs. utilization: Pareto frontier (${r.frontier.length} of ${r.evaluated} configurations evaluated; worst trace ≥ target marked *)\n`;
  const rows = r.frontier.slice(0, FRONTIER_ROWS).map((c) => [c.worstLinkUtilization >= r.targetPercent / 100 - 1e-9 ? '*' : '', bytes(c.costBytes), ...utilizations(c), changes(c)]);
  out += indented(['', 'cost (B)', ...names, 'changes from the start'], rows, (c) => c >= 1 && c <= names.length + 1);
  if (r.frontier.length > FRONTIER_ROWS) out += `  … ${r.frontier.length - FRONTIER_ROWS} more in ${r.files.json}\n`;

  out += `\nEvaluated ${r.evaluated} configurations × ${r.traces.length} trace${r.traces.length === 1 ? '' : 's'}: ${r.simulated} simulations run now, the rest found in ${r.files.results}\n`;
  out += `\ncfg      ${r.files.cfg}\nrun      ${r.runCommand}\njson     ${r.files.json}\ncsv      ${r.files.csv}\n`;
  for (const chart of r.files.charts) out += `chart    ${chart}\n`;
  return out;
}
