import type { SweepSummary } from '../sweep/runner.js';
import { formatSummary } from '../sweep/summary.js';

/** The summary table, then where everything was written (sweep, merge, demo-job, pipeline). */
export function printSweepOutputs(summary: Pick<SweepSummary, 'records' | 'files'>): void {
  process.stdout.write('\n' + formatSummary(summary.records));
  process.stdout.write(`\nresults  ${summary.files.results}\n`);
  process.stdout.write(`csv      ${summary.files.csv}\n`);
  for (const chart of summary.files.charts) process.stdout.write(`chart    ${chart}\n`);
}
