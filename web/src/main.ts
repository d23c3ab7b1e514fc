/**
 * The demo page: reads the controls into a ModelConfig, runs it in the model worker, and
 * draws the results. The model itself lives only in the worker (model-worker.ts).
 */
import '@fontsource-variable/inter';
import '@fontsource-variable/jetbrains-mono';
import './styles.css';
import { baseConfig, formatCacheConfig, validateConfig, type CacheGeometry, type IotlbPolicy, type ModelConfig } from '../../orchestrator/config.js';
import { CACHE_NAMES, type CacheName, type RunResult } from '../../orchestrator/model-core.js';
import type { SampleInfo } from '../samples-plugin.js';
import { jainIndex, renderLineChart, renderTenantBars, UNDERSERVED_MARGIN, type Series } from './charts.js';
import { escapeHtml, formatCount, formatDuration, formatInteger, formatMbps, formatPercent } from './format.js';
import { ModelClient } from './model-client.js';
import type { TraceRef } from './protocol.js';
import { TRACE_RECORD_BYTES, traceSizeProblem } from '../../core/trace-format.js';

// ---------------------------------------------------------------------------
// Elements

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`page is missing #${id}`);
  return found as T;
}

const ui = {
  form: element<HTMLFormElement>('controls'),
  traceSelect: element<HTMLSelectElement>('trace-select'),
  traceFile: element<HTMLInputElement>('trace-file'),
  traceMeta: element('trace-meta'),
  iotlbEntries: element<HTMLInputElement>('iotlb-entries'),
  iotlbEntriesValue: element<HTMLOutputElement>('iotlb-entries-value'),
  iotlbWays: element<HTMLSelectElement>('iotlb-ways'),
  ccEntries: element<HTMLSelectElement>('cc-entries'),
  l2Entries: element<HTMLSelectElement>('l2-entries'),
  l3Entries: element<HTMLSelectElement>('l3-entries'),
  tq: element<HTMLInputElement>('tq'),
  tqValue: element<HTMLOutputElement>('tq-value'),
  linkGbps: element<HTMLSelectElement>('link-gbps'),
  prefetchEntries: element<HTMLSelectElement>('prefetch-entries'),
  salloc: element<HTMLInputElement>('salloc'),
  live: element<HTMLInputElement>('live'),
  runButton: element<HTMLButtonElement>('run-button'),
  progress: element('progress'),
  progressBar: element('progress-bar'),
  engine: element('engine-status'),
  engineText: element('engine-text'),
  results: element('results'),
  errorBanner: element('error-banner'),
  errorText: element('error-text'),
  utilization: element('utilization'),
  utilizationMeter: element('utilization-meter'),
  throughput: element('throughput-mbps'),
  heroConfig: element('hero-config'),
  linkLabel: element('link-label'),
  factTenants: element('fact-tenants'),
  factTranslations: element('fact-translations'),
  factIotlb: element('fact-iotlb'),
  factTime: element('fact-time'),
  factDropped: element('fact-dropped'),
  factElapsed: element('fact-elapsed'),
  sweepTitle: element('sweep-title'),
  sweepNote: element('sweep-note'),
  sweepAxis: element<HTMLSelectElement>('sweep-axis'),
  sweepVariant: element<HTMLSelectElement>('sweep-variant'),
  sweepButton: element<HTMLButtonElement>('sweep-button'),
  sweepLegend: element('sweep-legend'),
  sweepChart: element('sweep-chart'),
  tenantChart: element('tenant-chart'),
  fairnessNote: element('fairness-note'),
  cacheTable: element<HTMLTableElement>('cache-table'),
  cliCommand: element('cli-command'),
  downloadCfg: element<HTMLButtonElement>('download-cfg'),
};

// ---------------------------------------------------------------------------
// Traces: bundled samples and files loaded by the user

interface TraceChoice {
  ref: TraceRef;
  translations: number;
  sample?: SampleInfo;
}

const traceChoices = new Map<string, TraceChoice>();
let samples: SampleInfo[] = [];
let loadedFiles = 0;

function currentTrace(): TraceChoice {
  const choice = traceChoices.get(ui.traceSelect.value);
  if (!choice) throw new Error('no trace is selected');
  return choice;
}

/** Sample URLs are made absolute here: the worker would resolve them against its own script's URL. */
const sampleRef = (s: SampleInfo): TraceRef => ({ kind: 'sample', url: new URL(s.file, document.baseURI).href, name: s.name });

async function loadSamples(): Promise<void> {
  const response = await fetch(new URL('samples/index.json', document.baseURI));
  if (!response.ok) throw new Error(`cannot load the sample list (${response.status})`);
  samples = (await response.json()) as SampleInfo[];
  const group = document.createElement('optgroup');
  group.label = samples[0]?.origin === 'synthetic' ? 'Synthetic NIC traces (bundled)' : 'Golden traces (bundled)';
  for (const s of samples) {
    const key = `sample:${s.name}`;
    traceChoices.set(key, { ref: sampleRef(s), translations: s.translations, sample: s });
    group.append(new Option(`${s.tenants} tenant${s.tenants === 1 ? '' : 's'} · ${formatInteger(s.translations)} translations`, key));
  }
  ui.traceSelect.append(group);
  // Eight tenants: enough sharing to show misses and unfairness at the default settings.
  const preferred = samples.find((s) => s.tenants === 8) ?? samples[0];
  if (preferred) ui.traceSelect.value = `sample:${preferred.name}`;
}

async function loadTraceFile(file: File): Promise<void> {
  const bytes = await file.arrayBuffer();
  const problem = traceSizeProblem(file.name, bytes.byteLength);
  if (problem) {
    showError(problem);
    return;
  }
  const key = `file:${++loadedFiles}`;
  const translations = bytes.byteLength / TRACE_RECORD_BYTES;
  client.addFile(key, file.name, bytes);
  traceChoices.set(key, { ref: { kind: 'file', key, name: file.name }, translations });
  let group = ui.traceSelect.querySelector<HTMLOptGroupElement>('optgroup[data-files]');
  if (!group) {
    group = document.createElement('optgroup');
    group.label = 'Your traces';
    group.dataset['files'] = '';
    ui.traceSelect.append(group);
  }
  group.append(new Option(`${file.name} · ${formatInteger(translations)} translations`, key));
  ui.traceSelect.value = key;
  onTraceChanged();
  void runNow();
}

function onTraceChanged(): void {
  const choice = currentTrace();
  const origin = choice.sample ? (choice.sample.origin === 'synthetic' ? 'synthetic, seed 1' : 'golden trace') : 'loaded from your disk';
  ui.traceMeta.innerHTML = `<span class="mono">${escapeHtml(choice.ref.name)}</span><br>${formatInteger(choice.translations)} translations · ${formatBytes(choice.translations * TRACE_RECORD_BYTES)} · ${origin}`;
}

const formatBytes = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`);

// ---------------------------------------------------------------------------
// Controls ⇄ configuration

const checkedValue = (name: string): string =>
  ui.form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? '';

/** A cache of `size` entries with at most `ways` ways (fewer entries than ways: fully associative). */
function geometry(size: number, ways: number): CacheGeometry {
  if (size === 0) return { size: 0, assoc: 0, groups: 1 };
  return { size, assoc: ways === 0 ? size : Math.min(ways, size), groups: 1 };
}

function readConfig(): ModelConfig {
  const config = baseConfig();
  config.iotlb = geometry(2 ** Number(ui.iotlbEntries.value), Number(ui.iotlbWays.value));
  config.iotlbPolicy = checkedValue('policy') as IotlbPolicy;
  config.cc = geometry(Number(ui.ccEntries.value), 0);
  config.l2page = geometry(Number(ui.l2Entries.value), 16);
  config.l3page = geometry(Number(ui.l3Entries.value), 16);
  config.tq = 2 ** Number(ui.tq.value);
  config.outOfOrder = checkedValue('order') !== 'in-order';
  config.linkGbps = Number(ui.linkGbps.value);
  config.prefetch.bufferSize = Number(ui.prefetchEntries.value);
  config.selectiveAlloc = ui.salloc.checked;
  return config;
}

function updateControlLabels(): void {
  const entries = 2 ** Number(ui.iotlbEntries.value);
  ui.iotlbEntriesValue.value = formatInteger(entries);
  ui.iotlbEntries.setAttribute('aria-valuetext', `${entries} entries`);
  const tq = 2 ** Number(ui.tq.value);
  ui.tqValue.value = String(tq);
  ui.tq.setAttribute('aria-valuetext', String(tq));
  // Range fill for WebKit/Blink, which have no ::-moz-range-progress.
  for (const range of [ui.iotlbEntries, ui.tq]) {
    const fraction = (Number(range.value) - Number(range.min)) / (Number(range.max) - Number(range.min));
    range.style.setProperty('--fill', `${(fraction * 100).toFixed(1)}%`);
  }
}

const POLICY_LABEL: Record<IotlbPolicy, string> = { lru: 'LRU', lfu: 'LFU', oracle: 'oracle' };

/** Whether a cache geometry is one set holding every entry. */
function fullyAssociative(g: CacheGeometry): boolean {
  return g.assoc === g.size;
}

/** One line summing up a configuration, for legends. */
function describe(config: ModelConfig): string {
  const parts = [`IOTLB ${formatCount(config.iotlb.size)}`, `tq ${config.tq}`, config.outOfOrder ? 'OoO' : 'in-order'];
  if (config.iotlbPolicy !== 'lru') parts.push(POLICY_LABEL[config.iotlbPolicy]);
  if (config.prefetch.bufferSize > 0) parts.push(`prefetch ${config.prefetch.bufferSize}`);
  return parts.join(' · ');
}

/** The configuration in words, under the big number. */
function describeLong(config: ModelConfig): string {
  const ways = fullyAssociative(config.iotlb) ? 'fully associative' : `${config.iotlb.assoc}-way`;
  const parts = [`IOTLB ${formatInteger(config.iotlb.size)} entries, ${ways}, ${POLICY_LABEL[config.iotlbPolicy]}`, `tq ${config.tq} ${config.outOfOrder ? 'out-of-order' : 'in-order'}`];
  if (config.prefetch.bufferSize > 0) parts.push(`prefetch buffer ${config.prefetch.bufferSize}`);
  if (config.selectiveAlloc) parts.push('selective allocation');
  return parts.join(' · ');
}

/** The `hypersio` commands that reproduce the run shown. */
function cliCommands(config: ModelConfig, trace: TraceChoice): string {
  const base = baseConfig();
  const lines: string[] = [];
  const s = trace.sample;
  let tracePath = trace.ref.name;
  if (s?.origin === 'synthetic') {
    // The bundled samples are exactly what `hypersio synth` writes for these options.
    const packets = s.translations / 3 / s.tenants;
    lines.push(`hypersio synth --tenants ${s.tenants} --packets ${packets} --order rand --out-dir traces`);
    tracePath = `traces/${s.name}`;
  } else if (s) {
    // The repository's golden copy, as the test suite unpacks it (test/golden-setup.ts).
    tracePath = `build/golden/traces/${s.name}`;
  }
  const flags = [`hypersio run --trace ${tracePath}`];
  const cachesChanged = formatCacheConfig(config) !== formatCacheConfig(base);
  if (cachesChanged) flags.push('--config hypersio-demo.cfg');
  if (config.tq !== base.tq) flags.push(`--tq ${config.tq}`);
  if (!config.outOfOrder) flags.push('--in-order');
  if (config.selectiveAlloc) flags.push('--salloc');
  if (config.iotlbPolicy !== base.iotlbPolicy) flags.push(`--iotlb-policy ${config.iotlbPolicy}`);
  if (config.linkGbps !== base.linkGbps) flags.push(`--link-gbps ${config.linkGbps}`);
  lines.push(flags.join(' '));
  ui.downloadCfg.hidden = !cachesChanged;
  return lines.map((line) => `<span class="prompt">$</span> ${escapeHtml(line)}`).join('\n');
}

// ---------------------------------------------------------------------------
// Running

const client = new ModelClient(new Worker(new URL('./model-worker.ts', import.meta.url), { type: 'module' }));

let runInFlight = false;
let runPending = false;
let liveTimer: number | undefined;
let lastRunKey = '';

function showError(message: string): void {
  ui.errorText.textContent = message;
  ui.errorBanner.hidden = false;
  ui.results.classList.add('stale');
}

function clearError(): void {
  ui.errorBanner.hidden = true;
  ui.results.classList.remove('stale');
}

function setBusy(busy: boolean): void {
  ui.runButton.disabled = busy;
  ui.progress.classList.toggle('active', busy);
  document.body.dataset['busy'] = busy ? 'true' : 'false';
  if (!busy) ui.progressBar.style.width = '0%';
}

/** Runs the configuration now; a change made meanwhile queues exactly one more run. */
async function runNow(): Promise<void> {
  if (runInFlight) {
    runPending = true;
    return;
  }
  const config = readConfig();
  const trace = currentTrace();
  try {
    validateConfig(config);
  } catch (err) {
    showError((err as Error).message);
    return;
  }
  runInFlight = true;
  setBusy(true);
  const runKey = JSON.stringify([config, trace.ref]);
  try {
    const outcome = await client.run(config, trace.ref, (done, total) => {
      ui.progressBar.style.width = `${((done / total) * 100).toFixed(1)}%`;
    });
    clearError();
    showResult(config, trace, outcome.result, outcome.elapsedMs);
    lastRunKey = runKey;
    document.body.dataset['runs'] = String(Number(document.body.dataset['runs'] ?? '0') + 1);
  } catch (err) {
    showError((err as Error).message);
  } finally {
    runInFlight = false;
    setBusy(false);
  }
  if (runPending) {
    runPending = false;
    await runNow();
    return;
  }
  if (ui.live.checked) scheduleSweep();
}

function onControlsChanged(): void {
  updateControlLabels();
  if (!ui.live.checked) return;
  // The sweep shown no longer matches the controls; stop it so the single run is not kept waiting.
  cancelSweep();
  window.clearTimeout(liveTimer);
  // Short debounce: dragging a slider re-runs as it goes without queueing every step.
  liveTimer = window.setTimeout(() => {
    if (JSON.stringify([readConfig(), currentTrace().ref]) !== lastRunKey) void runNow();
  }, 90);
}

// ---------------------------------------------------------------------------
// Showing one run

function showResult(config: ModelConfig, trace: TraceChoice, r: RunResult, elapsedMs: number): void {
  ui.utilization.textContent = formatPercent(r.linkUtilization);
  ui.utilizationMeter.style.width = `${Math.min(100, r.linkUtilization * 100).toFixed(2)}%`;
  ui.throughput.textContent = formatMbps(r.mbps);
  ui.throughput.dataset['mbps'] = String(r.mbps);
  ui.linkLabel.textContent = String(config.linkGbps);
  ui.heroConfig.textContent = describeLong(config);

  const flows = Object.entries(r.flows).map(([did, f]) => ({ did, mbps: f.mbps, translations: f.translations }));
  const iotlb = r.caches.IOTLB;
  ui.factTenants.textContent = formatInteger(flows.length);
  ui.factTranslations.textContent = formatInteger(r.translations);
  ui.factIotlb.textContent = iotlb.hit + iotlb.miss > 0 ? `${formatPercent(iotlb.hit / (iotlb.hit + iotlb.miss))}%` : '—';
  ui.factTime.textContent = formatDuration(r.simTimeNs);
  ui.factDropped.textContent = formatInteger(r.packetsDropped);
  ui.factElapsed.textContent = `${elapsedMs < 10 ? elapsedMs.toFixed(1) : Math.round(elapsedMs)} ms`;

  lastTenantBars = flows;
  drawTenantBars();
  const jain = jainIndex(flows.map((f) => f.mbps));
  const sorted = flows.map((f) => f.mbps).sort((a, b) => a - b);
  const spread = sorted.length > 1 && sorted[0]! > 0 ? `${(sorted[sorted.length - 1]! / sorted[0]!).toFixed(2)}×` : '—';
  ui.fairnessNote.innerHTML =
    flows.length > 1
      ? `Jain’s fairness index <strong>${jain.toFixed(3)}</strong> · best-served tenant gets <strong>${spread}</strong> the worst-served. Amber: more than ${UNDERSERVED_MARGIN * 100}% below the mean.`
      : 'One tenant: it has the whole link.';

  renderCacheTable(config, r);
  ui.cliCommand.innerHTML = cliCommands(config, trace);
  updateSweepHighlight(config, trace);
}

const CACHE_LABELS: Record<CacheName, string> = {
  CC: 'Context cache',
  IOTLB: 'IOTLB',
  L2PAGE: 'L2 walk cache',
  L3PAGE: 'L3 walk cache',
};

function renderCacheTable(config: ModelConfig, r: RunResult): void {
  const geometries: Record<CacheName, CacheGeometry> = { CC: config.cc, IOTLB: config.iotlb, L2PAGE: config.l2page, L3PAGE: config.l3page };
  const row = (label: string, geometryText: string, hit: number, miss: number, highlight: boolean) => {
    const accesses = hit + miss;
    const rate = accesses > 0 ? hit / accesses : undefined;
    const rateCell =
      rate === undefined
        ? '<span class="muted">no accesses</span>'
        : `<div class="rate-cell"><span class="rate-bar"><span style="width:${(rate * 100).toFixed(1)}%"></span></span><span class="rate-text">${formatPercent(rate)}%</span></div>`;
    return `<tr${highlight ? ' class="highlight"' : ''}><th scope="row">${escapeHtml(label)}</th><td class="geometry">${escapeHtml(geometryText)}</td><td class="num">${formatInteger(hit)}</td><td class="num">${formatInteger(miss)}</td><td class="rate">${rateCell}</td></tr>`;
  };
  const rows = CACHE_NAMES.map((name) => {
    const g = geometries[name];
    const c = r.caches[name];
    const geometryText = g.size === 0 ? 'off' : fullyAssociative(g) ? `${formatInteger(g.size)} · fully assoc.` : `${formatInteger(g.size)} · ${g.assoc}-way`;
    return row(CACHE_LABELS[name], geometryText, c.hit, c.miss, name === 'IOTLB');
  });
  const p = r.prefetcher;
  rows.push(
    config.prefetch.bufferSize > 0
      ? row('Prefetch buffer', `${config.prefetch.bufferSize} · fully assoc.`, p.bufferHit, p.bufferMiss, false)
      : `<tr class="off"><th scope="row">Prefetch buffer</th><td class="geometry">off</td><td class="num">—</td><td class="num">—</td><td class="rate"></td></tr>`,
  );
  const body = ui.cacheTable.tBodies[0];
  if (body) body.innerHTML = rows.join('');
}

let lastTenantBars: { did: string; mbps: number; translations: number }[] = [];
function drawTenantBars(): void {
  if (lastTenantBars.length > 0) renderTenantBars(ui.tenantChart, lastTenantBars, 236);
}

// ---------------------------------------------------------------------------
// Sweep: utilization of two configurations across tenant counts or IOTLB sizes

type SweepAxis = 'tenants' | 'iotlb';
type SweepVariant = 'iotlb4' | 'tq4' | 'prefetch' | 'oracle' | 'order';
const IOTLB_SWEEP = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

function variantOf(config: ModelConfig, variant: SweepVariant): ModelConfig {
  const v = variant === 'iotlb4' ? withIotlbEntries(config, Math.min(config.iotlb.size * 4, 1 << 16)) : structuredClone(config);
  if (variant === 'tq4') v.tq = Math.min(v.tq * 4, 1 << 20);
  if (variant === 'prefetch') v.prefetch.bufferSize = 64;
  if (variant === 'oracle') v.iotlbPolicy = 'oracle';
  if (variant === 'order') v.outOfOrder = !v.outOfOrder;
  return v;
}

function withIotlbEntries(config: ModelConfig, entries: number): ModelConfig {
  const c = structuredClone(config);
  c.iotlb = geometry(entries, fullyAssociative(c.iotlb) ? 0 : Math.min(c.iotlb.assoc, entries));
  return c;
}

interface SweepState {
  axis: SweepAxis;
  series: Series[];
  xTicks: number[];
}

let sweep: SweepState | undefined;
let sweepGeneration = 0;
let sweepTimer: number | undefined;
let lastSweepKey = '';

function scheduleSweep(): void {
  window.clearTimeout(sweepTimer);
  sweepTimer = window.setTimeout(() => void runSweep(), 250);
}

async function runSweep(force = false): Promise<void> {
  const axis = ui.sweepAxis.value as SweepAxis;
  const variant = ui.sweepVariant.value as SweepVariant;
  const configA = readConfig();
  const configB = variantOf(configA, variant);
  const trace = currentTrace();
  const key = JSON.stringify([axis, configA, configB, axis === 'iotlb' ? trace.ref : null]);
  if (!force && key === lastSweepKey) return;
  try {
    validateConfig(configB);
  } catch (err) {
    ui.sweepNote.textContent = `Cannot compare: ${(err as Error).message}`;
    return;
  }
  const generation = ++sweepGeneration;
  lastSweepKey = key;
  const seriesA: Series = { name: `A · ${describe(configA)}`, color: 'var(--series-a)', points: [] };
  const seriesB: Series = { name: `B · ${describe(configB)}`, color: 'var(--series-b)', points: [] };
  const points =
    axis === 'tenants'
      ? samplesByTenants().map((s) => ({ x: s.tenants, trace: sampleRef(s), a: configA, b: configB }))
      : IOTLB_SWEEP.map((entries) => ({ x: entries, trace: trace.ref, a: withIotlbEntries(configA, entries), b: withIotlbEntries(configB, entries) }));
  sweep = { axis, series: [seriesA, seriesB], xTicks: points.map((p) => p.x) };
  ui.sweepTitle.textContent = axis === 'tenants' ? 'Utilization vs tenants' : 'Utilization vs IOTLB size';
  ui.sweepNote.textContent =
    axis === 'tenants'
      ? samples[0]?.origin === 'synthetic'
        ? `Same total traffic (${formatInteger(samples[0].translations)} translations) shared by more and more tenants.`
        : 'The bundled golden traces, one per tenant count.'
      : `IOTLB entries on ${trace.ref.name}, other settings as configured.`;
  ui.sweepButton.disabled = true;
  ui.sweepChart.dataset['state'] = 'running';
  renderLegend();
  drawSweep();
  try {
    for (const p of points) {
      for (const [series, config] of [
        [seriesA, p.a],
        [seriesB, p.b],
      ] as const) {
        // (The worker validates each configuration; an invalid one stops the sweep below.)
        const { result } = await client.run(config, p.trace);
        if (generation !== sweepGeneration) return;
        series.points.push({
          x: p.x,
          y: result.linkUtilization,
          label: `${axis === 'tenants' ? `${p.x} tenants` : `${p.x} IOTLB entries`}: ${formatPercent(result.linkUtilization)}% (${formatMbps(result.mbps)} Mb/s)`,
        });
        drawSweep();
      }
    }
    ui.sweepChart.dataset['state'] = 'done';
  } catch (err) {
    if (generation === sweepGeneration) ui.sweepNote.textContent = `Sweep stopped: ${(err as Error).message}`;
  } finally {
    if (generation === sweepGeneration) ui.sweepButton.disabled = false;
  }
}

/** One sample per tenant count (the golden traces have several with 8 tenants). */
function samplesByTenants(): SampleInfo[] {
  const seen = new Set<number>();
  return samples.filter((s) => s.tenants > 0 && !seen.has(s.tenants) && seen.add(s.tenants));
}

function cancelSweep(): void {
  window.clearTimeout(sweepTimer);
  if (ui.sweepChart.dataset['state'] !== 'running') return;
  sweepGeneration++;
  lastSweepKey = '';
  ui.sweepChart.dataset['state'] = 'cancelled';
  ui.sweepButton.disabled = false;
}

function renderLegend(): void {
  if (!sweep) return;
  ui.sweepLegend.innerHTML = sweep.series
    .map((s) => `<span class="legend-item"><span class="swatch" style="background:${s.color}"></span>${escapeHtml(s.name)}</span>`)
    .join('');
}

/** The run shown above the chart, marked on the sweep's x axis. */
let shownRun: { config: ModelConfig; trace: TraceChoice } | undefined;
function updateSweepHighlight(config: ModelConfig, trace: TraceChoice): void {
  shownRun = { config, trace };
  drawSweep();
}

function sweepHighlight(axis: SweepAxis): number | undefined {
  if (!shownRun) return undefined;
  return axis === 'tenants' ? shownRun.trace.sample?.tenants : shownRun.config.iotlb.size;
}

function drawSweep(): void {
  if (!sweep) return;
  renderLineChart(ui.sweepChart, {
    series: sweep.series,
    xTicks: sweep.xTicks,
    xLabel: sweep.axis === 'tenants' ? 'tenants sharing the IOMMU (log scale)' : 'IOTLB entries (log scale)',
    yLabel: 'link utilization',
    highlightX: sweepHighlight(sweep.axis),
    height: 300,
  });
}

// ---------------------------------------------------------------------------
// Wiring

function downloadCfg(): void {
  const blob = new Blob([formatCacheConfig(readConfig())], { type: 'text/plain' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = 'hypersio-demo.cfg';
  link.click();
  URL.revokeObjectURL(link.href);
}

async function start(): Promise<void> {
  updateControlLabels();
  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    void runNow();
  });
  ui.form.addEventListener('input', (event) => {
    if (event.target === ui.traceFile || event.target === ui.live) return;
    if (event.target === ui.traceSelect) onTraceChanged();
    onControlsChanged();
  });
  ui.traceFile.addEventListener('change', () => {
    const file = ui.traceFile.files?.[0];
    ui.traceFile.value = ''; // choosing the same file again fires another change
    if (file) void loadTraceFile(file).catch((err: unknown) => showError(`${file.name}: ${(err as Error).message}`));
  });
  ui.sweepButton.addEventListener('click', () => void runSweep(true));
  ui.sweepAxis.addEventListener('change', () => {
    // IOTLB ×4 says little on an IOTLB-size axis; compare the window size instead.
    if (ui.sweepAxis.value === 'iotlb' && ui.sweepVariant.value === 'iotlb4') ui.sweepVariant.value = 'tq4';
    ui.sweepVariant.querySelector<HTMLOptionElement>('option[value="iotlb4"]')!.disabled = ui.sweepAxis.value === 'iotlb';
    void runSweep();
  });
  ui.sweepVariant.addEventListener('change', () => void runSweep());
  ui.downloadCfg.addEventListener('click', downloadCfg);
  new ResizeObserver(() => {
    drawSweep();
    drawTenantBars();
  }).observe(ui.results);

  try {
    await loadSamples();
    onTraceChanged();
    await client.ready();
    ui.engine.dataset['state'] = 'ready';
    ui.engineText.textContent = 'WebAssembly model ready · runs locally';
  } catch (err) {
    ui.engine.dataset['state'] = 'error';
    ui.engineText.textContent = 'Model unavailable';
    showError((err as Error).message);
    return;
  }
  await runNow();
  await runSweep();
  document.body.dataset['ready'] = 'true';
}

void start();
