/**
 * The page's "Where the time goes" and "What would help" panels. The figures come from
 * the CLI's own code (orchestrator/explain/: the limiter, the breakdown, the what-if list
 * and its ranking); this file only draws them.
 */
import { breakdownRows, componentLabel, largestComponents } from '../../orchestrator/explain/breakdown.js';
import { evenlyServed, type Explanation, type WhatIfResult } from '../../orchestrator/explain/explanation.js';
import { escapeHtml, formatInteger } from './format.js';

/** Colours of the components, in order of size (the largest gets the first). */
const COMPONENT_COLORS = ['#2747d8', '#e0701a', '#1f9d6a', '#c2272d', '#7b4fd6', '#0f8fa8', '#b8860b', '#d6336c', '#5d6679', '#9aa2b3'];

const ns = (x: number) => `${formatInteger(x)} ns`;
const oneDecimal = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
const signedPoints = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x * 100).toFixed(2)}`;
const signedBytes = (b: number) => `${b > 0 ? '+' : b < 0 ? '−' : '±'}${formatInteger(Math.abs(b))} B`;

/** Where the time goes: the limiter sentence, the stacked bar of components, the worst tenants. */
export function renderTimePanel(elements: { limiter: HTMLElement; bar: HTMLElement; table: HTMLElement; tenants: HTMLElement }, e: Explanation): void {
  elements.limiter.textContent = capitalize(e.limiter.sentence) + '.';
  elements.limiter.dataset['limiter'] = e.limiter.id;
  const order = largestComponents(e.latency.components);
  const color = (name: string) => COMPONENT_COLORS[order.findIndex(([n]) => n === name) % COMPONENT_COLORS.length] ?? '#9aa2b3';
  elements.bar.innerHTML = order
    .map(([name, mean]) => {
      const share = e.latency.meanNs > 0 ? mean / e.latency.meanNs : 0;
      return `<span class="segment" style="flex-grow:${share.toFixed(6)};background:${color(name)}" title="${escapeHtml(`${componentLabel(name)}: ${oneDecimal(mean)} ns (${(share * 100).toFixed(1)}%)`)}"></span>`;
    })
    .join('');
  elements.bar.setAttribute('aria-label', `mean translation latency ${ns(e.latency.meanNs)}: ${order.map(([n, m]) => `${componentLabel(n)} ${oneDecimal(m)} ns`).join(', ')}`);
  const rows = breakdownRows(e.latency).map(
    (r) =>
      `<tr data-component="${escapeHtml(r.component)}"><th scope="row"><span class="swatch" style="background:${color(r.component)}"></span>${escapeHtml(r.label)}</th><td class="num">${oneDecimal(r.meanNs)} ns</td><td class="num">${(r.share * 100).toFixed(1)}%</td><td class="num">${ns(r.p50Ns)}</td><td class="num">${ns(r.p99Ns)}</td></tr>`,
  );
  rows.push(`<tr class="total"><th scope="row">mean (p50 ${ns(e.latency.p50Ns)}, p99 ${ns(e.latency.p99Ns)})</th><td class="num" data-mean-ns="${e.latency.meanNs}">${oneDecimal(e.latency.meanNs)} ns</td><td class="num">100%</td><td></td><td></td></tr>`);
  elements.table.innerHTML = `<thead><tr><th scope="col">Component</th><th scope="col" class="num">Mean</th><th scope="col" class="num">Share</th><th scope="col" class="num">p50</th><th scope="col" class="num">p99</th></tr></thead><tbody>${rows.join('')}</tbody>`;
  const worst = e.tenants.slice(0, 3);
  elements.tenants.innerHTML =
    e.tenants.length < 2
      ? ''
      : evenlyServed(e.tenants)
        ? `<p>All ${formatInteger(e.tenants.length)} tenants are served within 1% of each other.</p>`
        : `<p><strong>Worst tenants</strong> (of ${formatInteger(e.tenants.length)}, by mean latency)</p><ul>${worst
            .map((t) => `<li class="tenant" data-did="${t.did}"><strong>did ${t.did}</strong>: ${formatInteger(t.mbps)} Mb/s; ${escapeHtml(t.why)}</li>`)
            .join('')}</ul>`;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** What would help: the ranked changes, each with an Apply button when the controls can show it. */
export function renderHelpPanel(list: HTMLElement, e: Explanation, canApply: (w: WhatIfResult) => boolean): void {
  const rows = e.whatIf.map((w) => {
    const applicable = canApply(w);
    const button = applicable
      ? `<button type="button" class="button ghost small" data-apply="${escapeHtml(w.id)}">Apply</button>`
      : `<span class="muted" title="${escapeHtml(`not a control of this page; on the command line: ${w.flags.join(' ')}`)}">CLI only</span>`;
    const cost = w.limitStudy ? '<span class="muted">limit study</span>' : signedBytes(w.deltaBytes);
    const gainClass = w.gain > 0 ? 'up' : w.gain < 0 ? 'down' : '';
    return `<tr data-what-if="${escapeHtml(w.id)}" data-utilization="${w.linkUtilization}" data-rank="${w.rank}"><td class="rank">${w.rank}${w.tied ? '=' : ''}</td><th scope="row">${escapeHtml(w.change)}</th><td class="num">${percent(w.linkUtilization)}</td><td class="num gain ${gainClass}">${signedPoints(w.gain)}</td><td class="num">${cost}</td><td class="apply">${button}</td></tr>`;
  });
  list.innerHTML = `<thead><tr><th scope="col">Rank</th><th scope="col">Change</th><th scope="col" class="num">Utilization</th><th scope="col" class="num">Gain (points)</th><th scope="col" class="num">Storage vs now</th><th scope="col"><span class="visually-hidden">Apply</span></th></tr></thead><tbody>${rows.join('')}</tbody>`;
}
