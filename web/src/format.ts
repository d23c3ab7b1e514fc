/** Number formatting for the page: en-US grouping everywhere, so values read the same as the CLI's report. */

// One formatter each, made once: toLocaleString builds a new one per call, which costs
// tens of milliseconds over the thousands of labels of a 1,024-tenant result.
const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const mbpsFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

export const formatInteger = (n: number): string => integerFormat.format(Math.round(n));

/** Throughput exactly as the model reports it (it is an integer today; fractions are kept if not). */
export const formatMbps = (mbps: number): string => mbpsFormat.format(mbps);

export const formatPercent = (fraction: number, digits = 1): string => `${(fraction * 100).toFixed(digits)}`;

export function formatDuration(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${ns} ns`;
}

/** 1536 → "1.5K", 4096 → "4K": compact cache sizes for axis ticks. */
export function formatCount(n: number): string {
  if (n >= 1024 && n % 512 === 0) return `${n / 1024}K`;
  return String(n);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
