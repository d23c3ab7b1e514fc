/**
 * The configuration panel, derived from the project's parameter table
 * (orchestrator/parameters.ts): each control's label, help, unit, default, limits and
 * value checking, how its value goes into a ModelConfig, and its flag on the "same run"
 * command line all come from the parameter it stands for. This file says only which
 * parameters the page offers, with which values, in which kind of control.
 */
import { baseConfig, type ModelConfig } from '../../orchestrator/config.js';
import { MODEL_PARAMETERS, modelFlags, parameterByKey, parseParameter, type ModelParameter, type ParameterValue } from '../../orchestrator/parameters.js';
import type { SampleInfo } from '../samples-plugin.js';
import { escapeHtml, formatInteger } from './format.js';
import type { TraceRef } from './protocol.js';

/** A trace the picker offers: a bundled sample or a file loaded from disk. */
export interface TraceChoice {
  ref: TraceRef;
  translations: number;
  sample?: SampleInfo;
}

type ControlSpec =
  /** A slider over powers of two, 2^from … 2^to. */
  | { kind: 'slider'; from: number; to: number }
  | { kind: 'select'; values: readonly ParameterValue[] }
  /** One button per value of a choice parameter. */
  | { kind: 'segmented' }
  | { kind: 'checkbox' };

/**
 * What the page offers, by parameter key; it is placed where index.html has
 * `data-parameter="<key>"`. Parameters not listed keep their defaults.
 */
const PAGE_CONTROLS: Readonly<Record<string, ControlSpec>> = {
  iotlbSize: { kind: 'slider', from: 2, to: 12 },
  iotlbWays: { kind: 'select', values: [1, 2, 4, 8, 16, 'fa'] },
  iotlbPolicy: { kind: 'segmented' },
  ccSize: { kind: 'select', values: [0, 256, 512, 1024, 1536, 4096] },
  l2pageSize: { kind: 'select', values: [0, 64, 128, 256, 512, 1024, 2048] },
  l3pageSize: { kind: 'select', values: [0, 128, 256, 512, 1024, 2048, 4096] },
  tq: { kind: 'slider', from: 0, to: 7 },
  queue: { kind: 'segmented' },
  linkGbps: { kind: 'select', values: [10, 25, 40, 100, 200, 400] },
  prefetchBuffer: { kind: 'select', values: [0, 8, 16, 32, 64, 128] },
  salloc: { kind: 'checkbox' },
  idealIotlb: { kind: 'checkbox' },
  idealCc: { kind: 'checkbox' },
  idealWalkCaches: { kind: 'checkbox' },
};

/** The page's defaults where they differ from the base architecture: a window of 8 shows the queue at work. */
const PAGE_DEFAULTS: Readonly<Record<string, ParameterValue>> = { tq: 8 };

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A value as a control shows it: the table's label of a choice, "off" for no cache or buffer, "8-way", "fully assoc.", "200 Gb/s", "1,536". */
function valueText(p: ModelParameter, value: ParameterValue): string {
  if (p.kind === 'choice') return capitalized(p.valueLabels[String(value)] ?? String(value));
  if (value === 'fa') return 'fully assoc.';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (value === 0 && p.unit === 'entries') return 'off';
  if (p.unit === 'ways') return `${value}-way`;
  if (p.unit === 'Gb/s') return `${value} Gb/s`;
  return formatInteger(value);
}

/** The help text without a leading "<label>: " (shown next to the label). */
const helpOnly = (p: ModelParameter) => (p.help.startsWith(`${p.label}: `) ? p.help.slice(p.label.length + 2) : p.help);

interface Control {
  parameter: ModelParameter;
  spec: ControlSpec;
  /** The control's value as the parameter's value. */
  read(): ParameterValue;
}

const controls: Control[] = [];

/**
 * Builds every control in place of its placeholder. Each offered value is checked
 * against the parameter's declared type and range (parseParameter) so that the page
 * cannot offer what the CLI refuses.
 */
export function renderControls(form: HTMLFormElement): void {
  for (const [key, spec] of Object.entries(PAGE_CONTROLS)) {
    const p = parameterByKey(key);
    const slot = form.querySelector<HTMLElement>(`[data-parameter="${key}"]`);
    if (!slot) throw new Error(`page has no place for the ${p.label} control`);
    const initial = PAGE_DEFAULTS[key] ?? p.default;
    const id = `param-${key}`;
    const label = escapeHtml(capitalized(p.label));
    const help = escapeHtml(helpOnly(p));
    switch (spec.kind) {
      case 'slider': {
        for (let e = spec.from; e <= spec.to; e++) parseParameter(p, String(2 ** e));
        const exponent = Math.log2(Number(initial));
        slot.outerHTML = `<div class="field">
          <span class="label"><label for="${id}" title="${help}">${label}</label> <output class="value" for="${id}" id="${id}-value"></output></span>
          <input type="range" id="${id}" min="${spec.from}" max="${spec.to}" step="1" value="${exponent}" />
        </div>`;
        const input = form.querySelector<HTMLInputElement>(`#${id}`)!;
        controls.push({ parameter: p, spec, read: () => 2 ** Number(input.value) });
        break;
      }
      case 'select': {
        for (const v of spec.values) parseParameter(p, String(v));
        const options = spec.values.map((v) => `<option value="${v}"${v === initial ? ' selected' : ''}>${escapeHtml(valueText(p, v))}</option>`).join('');
        // The label apart from the select: a label around it would add the selected option to the select's name.
        slot.outerHTML = `<div class="field"><label class="label" for="${id}" title="${help}">${label}</label><select id="${id}">${options}</select></div>`;
        const select = form.querySelector<HTMLSelectElement>(`#${id}`)!;
        controls.push({ parameter: p, spec, read: () => (typeof p.default === 'number' && /^\d/.test(select.value) ? Number(select.value) : select.value) });
        break;
      }
      case 'segmented': {
        if (p.kind !== 'choice') throw new Error(`${p.label}: buttons need a choice parameter`);
        const buttons = p.values
          .map((v) => `<label><input type="radio" name="${key}" value="${v}"${v === initial ? ' checked' : ''} /><span>${escapeHtml(valueText(p, v))}</span></label>`)
          .join('');
        slot.outerHTML = `<fieldset class="field"><legend class="label" title="${help}">${label}</legend><div class="segmented">${buttons}</div></fieldset>`;
        controls.push({ parameter: p, spec, read: () => form.querySelector<HTMLInputElement>(`input[name="${key}"]:checked`)?.value ?? String(p.default) });
        break;
      }
      case 'checkbox': {
        slot.outerHTML = `<label class="check"><input type="checkbox" id="${id}"${initial === true ? ' checked' : ''} /><span>${label} <span class="hint">(${help})</span></span></label>`;
        const box = form.querySelector<HTMLInputElement>(`#${id}`)!;
        controls.push({ parameter: p, spec, read: () => box.checked });
        break;
      }
    }
  }
  updateControlLabels();
}

/** The configuration the controls set: the base architecture, then each control's value, in the table's order. */
export function readConfig(): ModelConfig {
  const config = baseConfig();
  for (const p of MODEL_PARAMETERS) {
    const control = controls.find((c) => c.parameter === p);
    if (!control) continue;
    let value = control.read();
    // Ways beyond a cache's entries: the whole cache is one set.
    if (p.unit === 'ways' && typeof value === 'number' && value > Number(parameterByKey(p.key.replace(/Ways$/, 'Size')).read(config))) value = 'fa';
    p.write(config, value);
  }
  return config;
}

/**
 * The sliders move in powers of two (their value is the exponent). What they show, and
 * what assistive technology reads (aria-valuenow/min/max, which Chromium takes over a
 * range input's own value, and aria-valuetext), is the setting itself.
 */
export function updateControlLabels(): void {
  for (const { parameter: p, spec, read } of controls) {
    if (spec.kind !== 'slider') continue;
    const input = document.getElementById(`param-${p.key}`) as HTMLInputElement;
    const value = Number(read());
    (document.getElementById(`param-${p.key}-value`) as HTMLOutputElement).value = formatInteger(value);
    input.setAttribute('aria-valuenow', String(value));
    input.setAttribute('aria-valuemin', String(2 ** spec.from));
    input.setAttribute('aria-valuemax', String(2 ** spec.to));
    input.setAttribute('aria-valuetext', `${formatInteger(value)} ${p.unit ?? ''}`.trim());
    // Range fill for WebKit/Blink, which have no ::-moz-range-progress.
    input.style.setProperty('--fill', `${(((Number(input.value) - spec.from) / (spec.to - spec.from)) * 100).toFixed(1)}%`);
  }
}

/** Sets one parameter of a copy of `config`, as the CLI's flag would. */
export function withParameter(config: ModelConfig, key: string, value: ParameterValue): ModelConfig {
  const copy = structuredClone(config);
  parameterByKey(key).write(copy, value);
  return copy;
}

/** Always in a legend, whatever their value; any other parameter shows when it is not the default. */
const LEGEND_KEYS = ['iotlbSize', 'tq', 'queue'];

/** One line summing up a configuration, for legends; `swept` (a parameter key) is left out: the x axis shows it. */
export function describe(config: ModelConfig, swept?: string): string {
  const base = baseConfig();
  return MODEL_PARAMETERS.filter((p) => p.key !== swept && (LEGEND_KEYS.includes(p.key) || p.read(config) !== p.read(base)))
    .map((p) => p.short(p.read(config)))
    .join(' · ');
}

/** The configuration in words, under the big number: the legend's settings and every other one the page changed. */
export function describeLong(config: ModelConfig): string {
  const base = baseConfig();
  return controls
    .filter(({ parameter: p }) => LEGEND_KEYS.includes(p.key) || p.read(config) !== p.read(base))
    .map(({ parameter: p }) => `${capitalized(p.label)}: ${valueText(p, p.read(config))}`)
    .join(' · ');
}

/** The file name Download .cfg saves. */
export const CFG_FILE_NAME = 'hypersio-demo.cfg';

/**
 * The `hypersio` commands that reproduce a run, each as words that must stay whole on
 * screen: a flag and its value form one word, as does a path. The flags are the
 * parameter table's (modelFlags), for every setting that differs from the base architecture.
 */
export function cliCommands(config: ModelConfig, trace: TraceChoice): string[][] {
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
  lines.push(['hypersio', 'run', `--trace ${tracePath}`, ...modelFlags(config, baseConfig())]);
  return lines;
}
