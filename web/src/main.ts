/**
 * The demo page: reads the controls into a ModelConfig, runs it in the model worker, and
 * draws the results. The model itself lives only in the worker (model-worker.ts).
 */
import '@fontsource-variable/inter';
import '@fontsource-variable/jetbrains-mono';
import './styles.css';
import { formatCacheConfig, validateConfig, type CacheGeometry, type ModelConfig } from '../../orchestrator/config.js';
import { CACHE_NAMES, type CacheName, type RunResult } from '../../orchestrator/model-core.js';
import { TRACE_RECORD_BYTES, traceSizeProblem } from '../../core/trace-format.js';
import type { SampleInfo } from '../samples-plugin.js';
import { jainIndex, renderLineChart, renderTenantBars, UNDERSERVED_MARGIN, type Series, type TenantBar } from './charts.js';
import { applyConfig, CFG_FILE_NAME, cliCommands, cliTracePath, controlsCanShow, describe, describeLong, readConfig, renderControls, updateControlLabels, withParameter, type TraceChoice } from './controls.js';
import { configCostBytes } from '../../orchestrator/cost-model-core.js';
import { summarizeAttribution } from '../../orchestrator/attribution.js';
import { buildExplanation, SET_USE_WHAT_IFS, type Explanation, type RunFigures } from '../../orchestrator/explain/explanation.js';
import { whatIfChanges, type WhatIf } from '../../orchestrator/explain/what-if.js';
import { renderHelpPanel, renderTimePanel } from './explain-panels.js';
import { escapeHtml, formatDuration, formatInteger, formatMbps, formatPercent } from './format.js';
import { ModelClient, RunCancelled } from './model-client.js';
import { ui } from './page.js';
import type { TraceRef } from './protocol.js';

// ---------------------------------------------------------------------------
// The page's state, all of it

type SweepAxis = 'tenants' | 'iotlb';
type SweepVariant = 'iotlb4' | 'tq4' | 'prefetch' | 'oracle' | 'order';

interface SweepChart {
  axis: SweepAxis;
  series: Series[];
  xTicks: number[];
}

interface PageState {
  /** The picker's entries by option value ("sample:…", "file:N"). */
  traces: Map<string, TraceChoice>;
  /** The bundled samples, as listed in samples/index.json. */
  samples: SampleInfo[];
  /** Files loaded so far (numbers the next file's key). */
  filesLoaded: number;
  run: {
    /** The run in progress; aborting it cancels it in the worker. */
    current?: AbortController;
    /** Key (configuration and trace) of the run shown. */
    shownKey: string;
    /** Finished runs (also on <body data-runs> for the browser test). */
    finished: number;
    /** Live mode's debounce. */
    liveTimer?: number;
  };
  sweep: {
    current?: AbortController;
    chart?: SweepChart;
    /** Key of the sweep drawn (or being drawn); a sweep with the same key is not run again. */
    key: string;
    finished: number;
    timer?: number;
  };
  /** The what-ifs of the run shown ("What would help"). */
  whatIf: {
    current?: AbortController;
    /** Key of the run whose what-ifs are shown (or being simulated). */
    key: string;
    finished: number;
    /** The changes shown, by id (Apply sets the controls to one). */
    changes: Map<string, WhatIf>;
  };
  /** The run shown in the results (the sweep chart marks it; a resize redraws its bars). */
  shown?: { config: ModelConfig; trace: TraceChoice; bars: TenantBar[]; result: RunResult };
  /** The last run or sweep was cancelled with the Cancel button (the status says so until the next run). */
  cancelled: boolean;
  /** Delays the running indicator so that quick runs do not make it flicker. */
  activityTimer?: number;
  /** Last width the charts were drawn at. */
  chartWidth: number;
}

const state: PageState = {
  traces: new Map(),
  samples: [],
  filesLoaded: 0,
  run: { shownKey: '', finished: 0 },
  sweep: { key: '', finished: 0 },
  whatIf: { key: '', finished: 0, changes: new Map() },
  cancelled: false,
  chartWidth: 0,
};

const client = new ModelClient(new Worker(new URL('./model-worker.ts', import.meta.url), { type: 'module' }));
client.onFilesHeld = (count, bytes) => {
  // For the browser test: what the worker still holds of the files loaded.
  document.body.dataset['workerFiles'] = String(count);
  document.body.dataset['workerFileBytes'] = String(bytes);
};

const runKey = (config: ModelConfig, trace: TraceChoice) => JSON.stringify([config, trace.ref]);

// ---------------------------------------------------------------------------
// Traces: bundled samples and files loaded by the user

function currentTrace(): TraceChoice {
  const choice = state.traces.get(ui.traceSelect.value);
  if (!choice) throw new Error('no trace is selected');
  return choice;
}

/** Sample URLs are made absolute here: the worker would resolve them against its own script's URL. */
const sampleRef = (s: SampleInfo): TraceRef => ({ kind: 'sample', url: new URL(s.file, document.baseURI).href, name: s.name });

/** Eight tenants: enough sharing to show misses and unfairness at the default settings. */
const preferredSample = (): SampleInfo | undefined => state.samples.find((s) => s.tenants === 8) ?? state.samples[0];

async function loadSamples(): Promise<void> {
  const response = await fetch(new URL('samples/index.json', document.baseURI));
  if (!response.ok) throw new Error(`cannot load the sample list (${response.status})`);
  state.samples = (await response.json()) as SampleInfo[];
  const group = document.createElement('optgroup');
  group.label = state.samples[0]?.origin === 'synthetic' ? 'Synthetic NIC traces (bundled)' : 'Golden traces (bundled)';
  for (const s of state.samples) {
    const key = `sample:${s.name}`;
    state.traces.set(key, { ref: sampleRef(s), translations: s.translations, sample: s });
    group.append(new Option(`${s.tenants} tenant${s.tenants === 1 ? '' : 's'} · ${formatInteger(s.translations)} translations`, key));
  }
  ui.traceSelect.append(group);
  const preferred = preferredSample();
  if (preferred) ui.traceSelect.value = `sample:${preferred.name}`;
}

const fileKeys = () => [...state.traces.keys()].filter((key) => key.startsWith('file:'));

/** Lists a file the size check passed; its first run checks its records (runNow drops it if they fail). */
async function loadTraceFile(file: File): Promise<void> {
  const bytes = await file.arrayBuffer();
  const problem = traceSizeProblem(file.name, bytes.byteLength);
  if (problem) {
    showError(problem, { stale: false });
    return;
  }
  const key = `file:${++state.filesLoaded}`;
  const translations = bytes.byteLength / TRACE_RECORD_BYTES;
  client.addFile(key, file.name, bytes);
  state.traces.set(key, { ref: { kind: 'file', key, name: file.name }, translations });
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
  await runNow();
}

/**
 * Unlists a loaded file and frees it in the worker. If it was selected, the picker goes
 * back to the trace of the run shown (or the default sample).
 */
function dropFile(key: string): void {
  state.traces.delete(key);
  client.removeFile(key);
  const wasSelected = ui.traceSelect.value === key;
  const option = [...ui.traceSelect.options].find((o) => o.value === key);
  const group = option?.parentElement;
  option?.remove();
  if (group instanceof HTMLOptGroupElement && group.children.length === 0) group.remove();
  if (!wasSelected) return;
  const shown = state.shown && [...state.traces].find(([, choice]) => choice === state.shown?.trace)?.[0];
  const preferred = preferredSample();
  ui.traceSelect.value = shown ?? (preferred ? `sample:${preferred.name}` : '');
  onTraceChanged();
}

function onTraceChanged(): void {
  const choice = currentTrace();
  const origin = choice.sample ? (choice.sample.origin === 'synthetic' ? 'synthetic, seed 1' : 'golden trace') : 'loaded from your disk';
  ui.traceMeta.innerHTML = `<span class="mono">${escapeHtml(choice.ref.name)}</span><br>${formatInteger(choice.translations)} translations · ${formatBytes(choice.translations * TRACE_RECORD_BYTES)} · ${origin}`;
  ui.removeFile.hidden = choice.ref.kind !== 'file';
}

const formatBytes = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`);

// ---------------------------------------------------------------------------
// Running

function showError(message: string, { stale = true } = {}): void {
  ui.errorText.textContent = message;
  ui.errorBanner.hidden = false;
  ui.results.classList.toggle('stale', stale);
}

function clearError(): void {
  ui.errorBanner.hidden = true;
  ui.results.classList.remove('stale');
}

const READY_TEXT = 'WebAssembly model ready · runs locally';

/** Shows whether a run or a sweep is in progress: at once on <body data-busy>, after a moment on screen. */
function updateActivity(): void {
  document.body.dataset['busy'] = state.run.current ? 'true' : 'false';
  const running = state.run.current !== undefined || state.sweep.current !== undefined;
  window.clearTimeout(state.activityTimer);
  if (running) state.activityTimer = window.setTimeout(() => showActivity(true), 150);
  else showActivity(false);
}

function showActivity(running: boolean): void {
  ui.engine.dataset['state'] = running ? 'running' : 'ready';
  if (running) ui.engineText.textContent = state.run.current ? 'Running the model…' : 'Running the sweep…';
  else ui.engineText.textContent = state.cancelled ? 'Cancelled' : READY_TEXT;
  if (!running) showProgress(undefined);
  // Cancel stands in for Run during a run; a sweep has its own Stop button.
  const cancellable = running && state.run.current !== undefined;
  // Focus follows the swap, so that a keyboard user can cancel and run again without hunting for it.
  const runHadFocus = document.activeElement === ui.runButton;
  const cancelHadFocus = document.activeElement === ui.cancelButton;
  ui.runButton.hidden = cancellable;
  ui.cancelButton.hidden = !cancellable;
  if (runHadFocus && cancellable) ui.cancelButton.focus();
  if (cancelHadFocus && !cancellable) ui.runButton.focus();
  ui.progress.classList.toggle('active', running);
}

/** Progress of what is running, 0..1 (undefined: none). */
function showProgress(fraction: number | undefined): void {
  ui.progressBar.style.width = `${((fraction ?? 0) * 100).toFixed(1)}%`;
  ui.enginePercent.textContent = fraction === undefined ? '' : `${Math.floor(fraction * 100)}%`;
}

type RunStatus = 'done' | 'failed' | 'cancelled';

/** Runs the controls' configuration now, cancelling a run still in progress (the newest wins). */
async function runNow(): Promise<RunStatus> {
  state.run.current?.abort();
  cancelSweep();
  const config = readConfig();
  const trace = currentTrace();
  try {
    validateConfig(config);
  } catch (err) {
    showError((err as Error).message);
    return 'failed';
  }
  const controller = new AbortController();
  state.run.current = controller;
  state.cancelled = false;
  updateActivity();
  try {
    const outcome = await client.run(config, trace.ref, {
      signal: controller.signal,
      onProgress: (done, total) => showProgress(done / total),
      // "Where the time goes" needs the latency attribution (the attribution build).
      attribution: true,
    });
    clearError();
    showResult(config, trace, outcome.result, outcome.elapsedMs);
    state.run.shownKey = runKey(config, trace);
    document.body.dataset['runs'] = String(++state.run.finished);
    // A file that ran replaces any loaded before it.
    if (trace.ref.kind === 'file') for (const key of fileKeys()) if (key !== trace.ref.key) dropFile(key);
    scheduleSweep();
    return 'done';
  } catch (err) {
    if (err instanceof RunCancelled) return 'cancelled';
    // A file the model refuses is not kept: unlisted, freed, and the picker goes back.
    if (trace.ref.kind === 'file') dropFile(trace.ref.key);
    showError((err as Error).message, { stale: runKey(readConfig(), currentTrace()) !== state.run.shownKey });
    return 'failed';
  } finally {
    if (state.run.current === controller) {
      state.run.current = undefined;
      updateActivity();
    }
  }
}

/** The Cancel button: stops the run and the sweep in progress. */
function cancelAll(): void {
  state.run.current?.abort();
  state.run.current = undefined;
  cancelSweep();
  state.cancelled = true;
  ui.results.classList.toggle('stale', runKey(readConfig(), currentTrace()) !== state.run.shownKey);
  updateActivity();
}

function onControlsChanged(): void {
  updateControlLabels();
  if (!ui.live.checked) return;
  // The sweep shown no longer matches the controls; stop it so the single run is not kept waiting.
  cancelSweep();
  window.clearTimeout(state.run.liveTimer);
  // Short debounce: dragging a slider re-runs as it goes without queueing every step.
  state.run.liveTimer = window.setTimeout(() => {
    if (runKey(readConfig(), currentTrace()) !== state.run.shownKey) void runNow();
    else scheduleSweep();
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

  const bars = Object.entries(r.flows).map(([did, f]) => ({ did, mbps: f.mbps, translations: f.translations }));
  const iotlb = r.caches.IOTLB;
  ui.factTenants.textContent = formatInteger(bars.length);
  ui.factTranslations.textContent = formatInteger(r.translations);
  ui.factIotlb.textContent = iotlb.hit + iotlb.miss > 0 ? `${formatPercent(iotlb.hit / (iotlb.hit + iotlb.miss))}%` : '—';
  ui.factTime.textContent = formatDuration(r.simTimeNs);
  ui.factDropped.textContent = formatInteger(r.packetsDropped);
  ui.factElapsed.textContent = `${elapsedMs < 10 ? elapsedMs.toFixed(1) : Math.round(elapsedMs)} ms`;

  state.shown = { config, trace, bars, result: r };
  showExplanation(config, trace, r, []);
  drawTenantBars();
  const jain = jainIndex(bars.map((f) => f.mbps));
  const sorted = bars.map((f) => f.mbps).sort((a, b) => a - b);
  const spread = sorted.length > 1 && sorted[0]! > 0 ? `${(sorted[sorted.length - 1]! / sorted[0]!).toFixed(2)}×` : '—';
  ui.fairnessNote.innerHTML =
    bars.length > 1
      ? `Jain’s fairness index <strong>${jain.toFixed(3)}</strong> · best-served tenant gets <strong>${spread}</strong> the worst-served. Amber: more than ${UNDERSERVED_MARGIN * 100}% below the mean.`
      : 'One tenant: it has the whole link.';

  renderCacheTable(config, r);
  // Spaces between words are where a line may wrap; a word (a flag with its value, a path) never breaks.
  ui.cliCommand.innerHTML = cliCommands(config, trace)
    .map((words) => `<span class="prompt">$</span> ${words.map((w) => `<span class="word">${escapeHtml(w)}</span>`).join(' ')}`)
    .join('\n');
  drawSweep();
}

const CACHE_LABELS: Record<CacheName, string> = {
  CC: 'Context cache',
  IOTLB: 'IOTLB',
  L2PAGE: 'L2 walk cache',
  L3PAGE: 'L3 walk cache',
};

/** Whether a cache geometry is one set holding every entry. */
const fullyAssociative = (g: CacheGeometry) => g.assoc === g.size;

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

function drawTenantBars(): void {
  if (state.shown && state.shown.bars.length > 0) renderTenantBars(ui.tenantChart, state.shown.bars, 236);
}

// ---------------------------------------------------------------------------
// Sweep: utilization of two configurations across tenant counts or IOTLB sizes

const IOTLB_SWEEP = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

/** Configuration B of the sweep: A with one parameter changed (an out-of-range value is refused by validateConfig). */
function variantOf(config: ModelConfig, variant: SweepVariant): ModelConfig {
  switch (variant) {
    case 'iotlb4':
      return withParameter(config, 'iotlbSize', config.iotlb.size * 4);
    case 'tq4':
      return withParameter(config, 'tq', config.tq * 4);
    case 'prefetch':
      return withParameter(config, 'prefetchBuffer', 64);
    case 'oracle':
      return withParameter(config, 'iotlbPolicy', 'oracle');
    case 'order':
      return withParameter(config, 'queue', config.outOfOrder ? 'in-order' : 'ooo');
  }
}

function scheduleSweep(): void {
  window.clearTimeout(state.sweep.timer);
  state.sweep.timer = window.setTimeout(() => void runSweep(), 250);
}

async function runSweep(force = false): Promise<void> {
  const axis = ui.sweepAxis.value as SweepAxis;
  const variant = ui.sweepVariant.value as SweepVariant;
  const configA = readConfig();
  const configB = variantOf(configA, variant);
  const trace = currentTrace();
  const key = JSON.stringify([axis, configA, configB, axis === 'iotlb' ? trace.ref : null]);
  if (!force && key === state.sweep.key) {
    if (!state.sweep.current) void runWhatIfs();
    return;
  }
  try {
    validateConfig(configB);
  } catch (err) {
    ui.sweepNote.textContent = `Cannot compare: ${(err as Error).message}`;
    return;
  }
  cancelSweep();
  const controller = new AbortController();
  state.sweep.current = controller;
  state.sweep.key = key;
  updateActivity();
  // On the IOTLB axis the IOTLB size is the x value: the legend leaves it out.
  const swept = axis === 'iotlb' ? 'iotlbSize' : undefined;
  const seriesA: Series = { id: 'A', name: `A · ${describe(configA, swept)}`, color: 'var(--series-a)', points: [] };
  const seriesB: Series = { id: 'B', name: `B · ${describe(configB, swept)}`, color: 'var(--series-b)', points: [] };
  const points =
    axis === 'tenants'
      ? samplesByTenants().map((s) => ({ x: s.tenants, trace: sampleRef(s), a: configA, b: configB }))
      : IOTLB_SWEEP.map((entries) => ({ x: entries, trace: trace.ref, a: withParameter(configA, 'iotlbSize', entries), b: withParameter(configB, 'iotlbSize', entries) }));
  state.sweep.chart = { axis, series: [seriesA, seriesB], xTicks: points.map((p) => p.x) };
  const first = state.samples[0];
  ui.sweepTitle.textContent = axis === 'tenants' ? 'Utilization vs tenants' : 'Utilization vs IOTLB size';
  ui.sweepNote.textContent =
    axis === 'tenants'
      ? first?.origin === 'synthetic'
        ? `Same total traffic (${formatInteger(first.translations)} translations) shared by more and more tenants.`
        : 'The bundled golden traces, one per tenant count.'
      : `IOTLB entries on ${trace.ref.name}, other settings as configured.`;
  showSweepRunning(true);
  ui.sweepChart.dataset['state'] = 'running';
  renderLegend();
  drawSweep();
  try {
    let done = 0;
    for (const p of points) {
      for (const [series, config] of [
        [seriesA, p.a],
        [seriesB, p.b],
      ] as const) {
        // (The worker validates each configuration; an invalid one stops the sweep below.)
        const { result } = await client.run(config, p.trace, { signal: controller.signal });
        series.points.push({
          x: p.x,
          y: result.linkUtilization,
          label: `${axis === 'tenants' ? `${p.x} tenants` : `${p.x} IOTLB entries`}: ${formatPercent(result.linkUtilization)}% (${formatMbps(result.mbps)} Mb/s)`,
        });
        drawSweep();
        if (!state.run.current) showProgress(++done / (points.length * 2));
      }
    }
    ui.sweepChart.dataset['state'] = 'done';
    document.body.dataset['sweeps'] = String(++state.sweep.finished);
    state.sweep.current = undefined;
    showSweepRunning(false);
    updateActivity();
    void runWhatIfs();
  } catch (err) {
    if (!(err instanceof RunCancelled)) {
      state.sweep.key = '';
      ui.sweepNote.textContent = `Sweep stopped: ${(err as Error).message}`;
    }
  } finally {
    if (state.sweep.current === controller) {
      state.sweep.current = undefined;
      showSweepRunning(false);
      updateActivity();
    }
  }
}

/** One sample per tenant count (the golden traces have several with 8 tenants). */
function samplesByTenants(): SampleInfo[] {
  const seen = new Set<number>();
  return state.samples.filter((s) => s.tenants > 0 && !seen.has(s.tenants) && seen.add(s.tenants));
}

function cancelSweep(): void {
  cancelWhatIfs();
  window.clearTimeout(state.sweep.timer);
  const running = state.sweep.current;
  if (!running) return;
  state.sweep.current = undefined;
  running.abort();
  state.sweep.key = '';
  ui.sweepChart.dataset['state'] = 'cancelled';
  showSweepRunning(false);
  updateActivity();
}

/** While a sweep runs, its button stops it. */
function showSweepRunning(running: boolean): void {
  ui.sweepButton.textContent = running ? 'Stop sweep' : 'Run sweep';
}

function renderLegend(): void {
  const chart = state.sweep.chart;
  if (!chart) return;
  ui.sweepLegend.innerHTML = chart.series
    .map((s) => `<span class="legend-item" data-series="${s.id}"><span class="swatch" style="background:${s.color}"></span>${escapeHtml(s.name)}</span>`)
    .join('');
}

/** Where the run shown above the chart sits on the sweep's x axis. */
function sweepHighlight(axis: SweepAxis): number | undefined {
  const shown = state.shown;
  if (!shown) return undefined;
  return axis === 'tenants' ? shown.trace.sample?.tenants : shown.config.iotlb.size;
}

function drawSweep(): void {
  const chart = state.sweep.chart;
  if (!chart) return;
  renderLineChart(ui.sweepChart, {
    series: chart.series,
    xTicks: chart.xTicks,
    xLabel: chart.axis === 'tenants' ? 'tenants sharing the IOMMU (log scale)' : 'IOTLB entries (log scale)',
    yLabel: 'link utilization',
    highlightX: sweepHighlight(chart.axis),
    height: 300,
  });
}

// ---------------------------------------------------------------------------
// Where the time goes, and what would help: the CLI's explain code on the page's runs

/** Simulations the what-ifs may cost without asking (translations × changes): a few seconds at most. */
const WHAT_IF_AUTO_BUDGET = 4_000_000;

const figuresOf = (r: RunResult): RunFigures => ({ linkUtilization: r.linkUtilization, mbps: r.mbps, packetsDropped: r.packetsDropped, translations: r.translations, simTimeNs: r.simTimeNs });

/** A what-if's figures, and its IOTLB's accesses per set (for explain's note on unused sets). */
type WhatIfRun = { whatIf: WhatIf; result: RunFigures; iotlbSetAccesses: number[] };

function explanationOf(config: ModelConfig, trace: TraceChoice, r: RunResult, whatIfs: WhatIfRun[]): Explanation {
  const summary = summarizeAttribution(r);
  return buildExplanation({
    trace: cliTracePath(trace),
    config,
    base: figuresOf(r),
    latency: summary.latency,
    tenants: summary.tenants,
    whatIfs,
    skipped: whatIfChanges(config).skipped,
    costOf: (c) => configCostBytes(c),
    iotlbSetAccesses: Object.fromEntries(whatIfs.filter((w) => SET_USE_WHAT_IFS.includes(w.whatIf.id)).map((w) => [w.whatIf.id, w.iotlbSetAccesses])),
  });
}

/** Draws both panels for the run shown; `whatIfs` empty: the ranking waits for its simulations. */
function showExplanation(config: ModelConfig, trace: TraceChoice, r: RunResult, whatIfs: WhatIfRun[]): void {
  const explanation = explanationOf(config, trace, r, whatIfs);
  renderTimePanel({ limiter: ui.limiterSentence, bar: ui.latencyBar, table: ui.latencyTable, tenants: ui.worstTenants }, explanation);
  if (whatIfs.length === 0) {
    if (state.whatIf.key !== runKey(config, trace)) {
      ui.helpTable.innerHTML = '';
      ui.helpNotes.innerHTML = '';
      ui.helpPanel.dataset['state'] = 'idle';
      const count = whatIfChanges(config).changes.length;
      ui.helpNote.textContent = `${count} single changes from this configuration, each to be simulated and ranked by the utilization it gains.`;
    }
    return;
  }
  renderHelpPanel(ui.helpTable, explanation, (w) => {
    const change = state.whatIf.changes.get(w.id);
    return change !== undefined && controlsCanShow(change.config);
  });
  ui.helpNotes.innerHTML = explanation.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('');
  const skipped = explanation.skipped.length;
  ui.helpNote.textContent = `${explanation.whatIf.length} single changes, each simulated, ranked by link utilization gained (ties within ${(explanation.tieTolerance * 100).toFixed(1)} point share a rank; storage from the cost model)${skipped > 0 ? `; ${skipped} skipped as invalid or the same as another` : ''}. Apply sets the controls.`;
}

/**
 * Simulates the single changes of the run shown, one after another in the worker, then
 * ranks them. Small traces go at once; a large one waits for the button.
 */
async function runWhatIfs(force = false): Promise<void> {
  const shown = state.shown;
  if (!shown || state.run.current) return;
  const key = runKey(shown.config, shown.trace);
  if (!force && key === state.whatIf.key) return;
  const { changes } = whatIfChanges(shown.config);
  if (!force && shown.trace.translations * changes.length > WHAT_IF_AUTO_BUDGET) {
    ui.helpNote.textContent = `${changes.length} single changes from this configuration; on this trace they take a while to simulate: press the button.`;
    return;
  }
  cancelWhatIfs();
  const controller = new AbortController();
  state.whatIf.current = controller;
  state.whatIf.key = key;
  state.whatIf.changes = new Map(changes.map((c) => [c.id, c]));
  ui.helpPanel.dataset['state'] = 'running';
  ui.helpButton.textContent = 'Stop';
  try {
    const results: WhatIfRun[] = [];
    for (const [i, whatIf] of changes.entries()) {
      ui.helpNote.textContent = `Simulating change ${i + 1} of ${changes.length}: ${whatIf.change}…`;
      const { result } = await client.run(whatIf.config, shown.trace.ref, { signal: controller.signal });
      results.push({ whatIf, result: figuresOf(result), iotlbSetAccesses: result.caches.IOTLB.setAccesses });
    }
    showExplanation(shown.config, shown.trace, shown.result, results);
    ui.helpPanel.dataset['state'] = 'done';
    document.body.dataset['whatIfs'] = String(++state.whatIf.finished);
  } catch (err) {
    if (!(err instanceof RunCancelled)) {
      state.whatIf.key = '';
      ui.helpNote.textContent = `Stopped: ${(err as Error).message}`;
    }
  } finally {
    if (state.whatIf.current === controller) {
      state.whatIf.current = undefined;
      ui.helpButton.textContent = 'Simulate the changes';
    }
  }
}

function cancelWhatIfs(): void {
  const running = state.whatIf.current;
  if (!running) return;
  state.whatIf.current = undefined;
  running.abort();
  state.whatIf.key = '';
  ui.helpPanel.dataset['state'] = 'cancelled';
  ui.helpButton.textContent = 'Simulate the changes';
}

/** Apply: the controls take the change's configuration (and, re-running on change, run it). */
function applyWhatIf(id: string): void {
  const change = state.whatIf.changes.get(id);
  if (!change || !applyConfig(change.config)) return;
  onControlsChanged();
}

// ---------------------------------------------------------------------------
// Wiring

function downloadCfg(): void {
  const blob = new Blob([formatCacheConfig(readConfig())], { type: 'text/plain' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = CFG_FILE_NAME;
  link.click();
  URL.revokeObjectURL(link.href);
}

async function start(): Promise<void> {
  renderControls(ui.form);
  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    void runNow();
  });
  ui.form.addEventListener('input', (event) => {
    if (event.target === ui.traceFile || event.target === ui.live) return;
    if (event.target === ui.traceSelect) onTraceChanged();
    onControlsChanged();
  });
  // Turning re-run on applies the changes made while it was off.
  ui.live.addEventListener('change', () => onControlsChanged());
  ui.cancelButton.addEventListener('click', cancelAll);
  ui.traceFile.addEventListener('change', () => {
    const file = ui.traceFile.files?.[0];
    ui.traceFile.value = ''; // choosing the same file again fires another change
    if (file) void loadTraceFile(file).catch((err: unknown) => showError(`${file.name}: ${(err as Error).message}`, { stale: false }));
  });
  ui.removeFile.addEventListener('click', () => {
    const key = ui.traceSelect.value;
    if (!key.startsWith('file:')) return;
    dropFile(key);
    ui.traceSelect.focus();
    onControlsChanged();
  });
  ui.sweepButton.addEventListener('click', () => {
    if (state.sweep.current) cancelSweep();
    else void runSweep(true);
  });
  ui.sweepAxis.addEventListener('change', () => {
    // IOTLB ×4 says little on an IOTLB-size axis; compare the window size instead.
    if (ui.sweepAxis.value === 'iotlb' && ui.sweepVariant.value === 'iotlb4') ui.sweepVariant.value = 'tq4';
    ui.sweepVariant.querySelector<HTMLOptionElement>('option[value="iotlb4"]')!.disabled = ui.sweepAxis.value === 'iotlb';
    void runSweep();
  });
  ui.sweepVariant.addEventListener('change', () => void runSweep());
  ui.downloadCfg.addEventListener('click', downloadCfg);
  ui.helpButton.addEventListener('click', () => {
    if (state.whatIf.current) cancelWhatIfs();
    else void runWhatIfs(true);
  });
  ui.helpTable.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-apply]');
    if (button?.dataset['apply']) applyWhatIf(button.dataset['apply']);
  });
  // Charts are drawn at the container's width: redraw when it changes (not when content grows taller).
  new ResizeObserver(() => {
    if (ui.results.clientWidth === state.chartWidth) return;
    state.chartWidth = ui.results.clientWidth;
    drawSweep();
    drawTenantBars();
  }).observe(ui.results);

  try {
    await loadSamples();
    onTraceChanged();
    await client.ready();
    ui.engine.dataset['state'] = 'ready';
    ui.engineText.textContent = READY_TEXT;
  } catch (err) {
    ui.engine.dataset['state'] = 'error';
    ui.engineText.textContent = 'Model unavailable';
    showError((err as Error).message);
    return;
  }
  await runNow();
  window.clearTimeout(state.sweep.timer);
  await runSweep();
  document.body.dataset['ready'] = 'true';
}

void start();
