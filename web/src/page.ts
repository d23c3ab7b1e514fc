/** The page's elements, looked up once (a missing one is a broken page: fail at load). */

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`page is missing #${id}`);
  return found as T;
}

export const ui = {
  form: element<HTMLFormElement>('controls'),
  traceSelect: element<HTMLSelectElement>('trace-select'),
  traceFile: element<HTMLInputElement>('trace-file'),
  removeFile: element<HTMLButtonElement>('remove-file'),
  traceMeta: element('trace-meta'),
  live: element<HTMLInputElement>('live'),
  runButton: element<HTMLButtonElement>('run-button'),
  cancelButton: element<HTMLButtonElement>('cancel-button'),
  progress: element('progress'),
  progressBar: element('progress-bar'),
  engine: element('engine-status'),
  engineText: element('engine-text'),
  enginePercent: element('engine-percent'),
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
