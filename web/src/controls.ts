/**
 * The controls as a model configuration, and a configuration in words: legends, the line
 * under the big number, and the `hypersio` commands that reproduce a run.
 */
import { baseConfig, formatCacheConfig, type CacheGeometry, type IotlbPolicy, type ModelConfig } from '../../orchestrator/config.js';
import type { SampleInfo } from '../samples-plugin.js';
import { formatCount, formatInteger } from './format.js';
import { ui } from './page.js';
import type { TraceRef } from './protocol.js';

/** A trace the picker offers: a bundled sample or a file loaded from disk. */
export interface TraceChoice {
  ref: TraceRef;
  translations: number;
  sample?: SampleInfo;
}

const checkedValue = (name: string): string =>
  ui.form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? '';

/** A cache of `size` entries with at most `ways` ways (fewer entries than ways: fully associative). */
export function geometry(size: number, ways: number): CacheGeometry {
  if (size === 0) return { size: 0, assoc: 0, groups: 1 };
  return { size, assoc: ways === 0 ? size : Math.min(ways, size), groups: 1 };
}

/** Whether a cache geometry is one set holding every entry. */
export function fullyAssociative(g: CacheGeometry): boolean {
  return g.assoc === g.size;
}

export function readConfig(): ModelConfig {
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

/**
 * The sliders move in powers of two (their value is the exponent). What they show, and
 * what assistive technology reads (aria-valuenow/min/max, which Chromium takes over a
 * range input's own value, and aria-valuetext), is the setting itself.
 */
export function updateControlLabels(): void {
  const sliders = [
    { input: ui.iotlbEntries, output: ui.iotlbEntriesValue, unit: 'entries' },
    { input: ui.tq, output: ui.tqValue, unit: 'translations' },
  ];
  for (const { input, output, unit } of sliders) {
    const value = 2 ** Number(input.value);
    output.value = formatInteger(value);
    input.setAttribute('aria-valuenow', String(value));
    input.setAttribute('aria-valuemin', String(2 ** Number(input.min)));
    input.setAttribute('aria-valuemax', String(2 ** Number(input.max)));
    input.setAttribute('aria-valuetext', `${formatInteger(value)} ${value === 1 ? unit.slice(0, -1) : unit}`);
    // Range fill for WebKit/Blink, which have no ::-moz-range-progress.
    const fraction = (Number(input.value) - Number(input.min)) / (Number(input.max) - Number(input.min));
    input.style.setProperty('--fill', `${(fraction * 100).toFixed(1)}%`);
  }
}

export const POLICY_LABEL: Record<IotlbPolicy, string> = { lru: 'LRU', lfu: 'LFU', oracle: 'oracle' };

/** One line summing up a configuration, for legends; `swept` leaves out the setting the chart's x axis varies. */
export function describe(config: ModelConfig, swept?: 'iotlb'): string {
  const parts = [`tq ${config.tq}`, config.outOfOrder ? 'OoO' : 'in-order'];
  if (swept !== 'iotlb') parts.unshift(`IOTLB ${formatCount(config.iotlb.size)}`);
  if (config.iotlbPolicy !== 'lru') parts.push(POLICY_LABEL[config.iotlbPolicy]);
  if (config.prefetch.bufferSize > 0) parts.push(`prefetch ${config.prefetch.bufferSize}`);
  return parts.join(' · ');
}

/** The configuration in words, under the big number. */
export function describeLong(config: ModelConfig): string {
  const ways = fullyAssociative(config.iotlb) ? 'fully associative' : `${config.iotlb.assoc}-way`;
  const parts = [`IOTLB ${formatInteger(config.iotlb.size)} entries, ${ways}, ${POLICY_LABEL[config.iotlbPolicy]}`, `tq ${config.tq} ${config.outOfOrder ? 'out-of-order' : 'in-order'}`];
  if (config.prefetch.bufferSize > 0) parts.push(`prefetch buffer ${config.prefetch.bufferSize}`);
  if (config.selectiveAlloc) parts.push('selective allocation');
  return parts.join(' · ');
}

/** The file name the command line's --config refers to (and Download .cfg saves). */
export const CFG_FILE_NAME = 'hypersio-demo.cfg';

/**
 * The `hypersio` commands that reproduce a run, each as words that must stay whole on
 * screen: a flag and its value form one word, as does a path.
 */
export function cliCommands(config: ModelConfig, trace: TraceChoice): { lines: string[][]; needsCfg: boolean } {
  const base = baseConfig();
  const lines: string[][] = [];
  const s = trace.sample;
  let tracePath = trace.ref.name;
  if (s?.origin === 'synthetic') {
    // The bundled samples are exactly what `hypersio synth` writes for these options.
    const packets = s.translations / 3 / s.tenants;
    lines.push(['hypersio', 'synth', `--tenants ${s.tenants}`, `--packets ${packets}`, '--order rand', '--out-dir traces']);
    tracePath = `traces/${s.name}`;
  } else if (s) {
    // The repository's golden copy, as the test suite unpacks it (test/golden-setup.ts).
    tracePath = `build/golden/traces/${s.name}`;
  }
  const run = ['hypersio', 'run', `--trace ${tracePath}`];
  const needsCfg = formatCacheConfig(config) !== formatCacheConfig(base);
  if (needsCfg) run.push(`--config ${CFG_FILE_NAME}`);
  if (config.tq !== base.tq) run.push(`--tq ${config.tq}`);
  if (!config.outOfOrder) run.push('--in-order');
  if (config.selectiveAlloc) run.push('--salloc');
  if (config.iotlbPolicy !== base.iotlbPolicy) run.push(`--iotlb-policy ${config.iotlbPolicy}`);
  if (config.linkGbps !== base.linkGbps) run.push(`--link-gbps ${config.linkGbps}`);
  lines.push(run);
  return { lines, needsCfg };
}
