/**
 * The browser demo in a real browser (Debian's Chromium, headless). Skipped with a message
 * where /usr/bin/chromium is absent, unless HYPERSIO_REQUIRE_BROWSER=1 (`npm run
 * test:browser`, CI), which makes a missing browser a failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWebDemo,
  CHECK_CONFIG,
  CHROMIUM_PATH,
  launchChromium,
  runDemoCheck,
  SCREENSHOT_PATH,
  serveStatic,
  SITE_DIR,
  synthMatchesSample,
  type DemoCheckReport,
} from './browser/demo-check.js';

const browserRequired = process.env['HYPERSIO_REQUIRE_BROWSER'] === '1';
const browserPresent = existsSync(CHROMIUM_PATH);
if (!browserPresent && !browserRequired) {
  console.warn(`browser demo test skipped: ${CHROMIUM_PATH} not found (bash .ci/install-chromium.sh installs it)`);
}

describe.skipIf(!browserPresent && !browserRequired)('browser demo (web/)', () => {
  let report: DemoCheckReport;
  let cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    if (!browserPresent) throw new Error(`${CHROMIUM_PATH} not found: run bash .ci/install-chromium.sh`);
    await buildWebDemo();
    const server = await serveStatic(SITE_DIR);
    cleanup.push(server.close);
    const browser = await launchChromium();
    cleanup.unshift(browser.close);
    report = await runDemoCheck(server.url, browser.context);
  }, 300_000);

  afterAll(async () => {
    for (const close of cleanup) await close();
    cleanup = [];
  });

  it('shows the same throughput as hypersio run --json for the same trace and configuration', () => {
    expect(report.shownMbps).toBe(String(report.cliMbps));
    expect(report.shownMbpsText).toBe(report.cliMbps.toLocaleString('en-US', { maximumFractionDigits: 3 }));
    expect(report.shownUtilization).toBe((report.cliUtilization * 100).toFixed(1));
  });

  it('shows the same cache hits and misses as hypersio run --json', () => {
    const format = (n: number) => n.toLocaleString('en-US');
    expect(report.shownCaches).toEqual(report.cliCaches.map((c) => ({ hit: format(c.hit), miss: format(c.miss) })));
  });

  it('reports a trace whose size is not a multiple of 48 as the CLI does', () => {
    expect(report.sizeErrorShown).toContain('is not a multiple of 48');
    expect(report.sizeErrorShown).toBe(report.sizeErrorCli);
  });

  it('reports a record the model cannot simulate as the CLI does', () => {
    expect(report.recordErrorShown).toContain('record 1 has a record type other than 1');
    expect(report.recordErrorShown).toBe(report.recordErrorCli);
  });

  it('runs offline, without page errors or outside requests', () => {
    expect(report.pageErrors).toEqual([]);
  });

  it('saves a screenshot under build/', () => {
    expect(readFileSync(SCREENSHOT_PATH).subarray(1, 4).toString()).toBe('PNG');
  });

  it('bundles samples that hypersio synth reproduces byte for byte', () => {
    const samples = JSON.parse(readFileSync(join(SITE_DIR, 'samples/index.json'), 'utf8')) as { name: string; tenants: number; translations: number; origin: string }[];
    const sample = samples.find((s) => s.tenants === CHECK_CONFIG.tenants);
    if (sample?.origin !== 'synthetic') return; // golden fallback: nothing to reproduce
    expect(synthMatchesSample(sample.name, sample.tenants, sample.translations / 3 / sample.tenants)).toBe(true);
  });
});
