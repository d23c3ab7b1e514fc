/**
 * The page's "Where the time goes" and "What would help" panels in headless Chromium,
 * checked against `hypersio explain --json` on the same trace and configuration. Skipped
 * where /usr/bin/chromium is absent, unless HYPERSIO_REQUIRE_BROWSER=1.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { buildWebDemo, CHROMIUM_PATH, launchChromium, serveStatic, SITE_DIR } from './browser/demo-check.js';
import { finishedRuns, openDemo, PROJECT_ROOT, waitForRun } from './browser/page-helpers.js';
import type { Explanation } from '../orchestrator/explain/explanation.js';

const browserRequired = process.env['HYPERSIO_REQUIRE_BROWSER'] === '1';
const browserPresent = existsSync(CHROMIUM_PATH);
if (!browserPresent && !browserRequired) console.warn(`browser explain test skipped: ${CHROMIUM_PATH} not found (bash .ci/install-chromium.sh installs it)`);

const WORK_DIR = join(PROJECT_ROOT, 'build/browser-test/explain');
const EXPLAIN_SCREENSHOT_PATH = join(PROJECT_ROOT, 'build/web-screenshot-explain.png');

/** What the page shows in both panels. */
async function shownPanels(page: Page) {
  await page.waitForFunction(() => document.getElementById('help-panel')?.dataset['state'] === 'done', undefined, { timeout: 120_000 });
  return page.evaluate(() => ({
    limiter: document.getElementById('limiter-sentence')?.textContent ?? '',
    limiterId: document.getElementById('limiter-sentence')?.dataset['limiter'] ?? '',
    meanNs: Number(document.querySelector<HTMLElement>('#latency-table [data-mean-ns]')?.dataset['meanNs']),
    components: Array.from(document.querySelectorAll<HTMLElement>('#latency-table tr[data-component]')).map((row) => row.dataset['component']),
    whatIf: Array.from(document.querySelectorAll<HTMLElement>('#help-table tr[data-what-if]')).map((row) => ({
      id: row.dataset['whatIf'],
      rank: Number(row.dataset['rank']),
      linkUtilization: Number(row.dataset['utilization']),
      text: row.querySelector('th')?.textContent ?? '',
    })),
    notes: Array.from(document.querySelectorAll('#help-notes li')).map((li) => li.textContent),
  }));
}

describe.skipIf(!browserPresent && !browserRequired)('browser: explain panels (web/)', () => {
  let page: Page;
  let errors: string[];
  let cli: Explanation;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    if (!browserPresent) throw new Error(`${CHROMIUM_PATH} not found: run bash .ci/install-chromium.sh`);
    await buildWebDemo();
    const server = await serveStatic(SITE_DIR);
    closers.push(server.close);
    const browser = await launchChromium();
    closers.unshift(browser.close);
    ({ page, errors } = await openDemo(browser.context, server.url));
    // The page's default trace and configuration (8 tenants, tq 8), explained by the CLI.
    const samples = JSON.parse(readFileSync(join(SITE_DIR, 'samples/index.json'), 'utf8')) as { name: string; file: string; tenants: number }[];
    const sample = samples.find((s) => s.tenants === 8) ?? samples[0]!;
    expect(await page.locator('#trace-select').inputValue()).toBe(`sample:${sample.name}`);
    rmSync(WORK_DIR, { recursive: true, force: true });
    mkdirSync(WORK_DIR, { recursive: true });
    const trace = join(WORK_DIR, sample.name);
    writeFileSync(trace, gunzipSync(readFileSync(join(SITE_DIR, sample.file))));
    const out = execFileSync(process.execPath, [join(PROJECT_ROOT, 'bin/hypersio'), 'explain', '--trace', trace, '--tq', '8', '--out-dir', join(WORK_DIR, 'out'), '--no-charts', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    cli = JSON.parse(out) as Explanation;
  }, 300_000);

  afterAll(async () => {
    await page?.close();
    for (const close of closers) await close();
    expect(errors).toEqual([]);
  });

  it('"Where the time goes" shows the CLI’s limiter sentence and latency breakdown', async () => {
    const shown = await shownPanels(page);
    expect(shown.limiterId).toBe(cli.limiter.id);
    expect(shown.limiter).toBe(`${cli.limiter.sentence.charAt(0).toUpperCase()}${cli.limiter.sentence.slice(1)}.`);
    expect(shown.meanNs).toBe(cli.latency.meanNs);
    expect(shown.components).toEqual(Object.entries(cli.latency.components).filter(([, ns]) => ns > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name));
    await page.locator('#time-panel').scrollIntoViewIfNeeded();
    await page.screenshot({ path: EXPLAIN_SCREENSHOT_PATH, fullPage: true });
  });

  it('"What would help" ranks the same changes with the same utilization and ranks as the CLI, with its notes', async () => {
    const shown = await shownPanels(page);
    expect(shown.whatIf.map(({ id, rank, linkUtilization, text }) => ({ id, rank, linkUtilization, change: text }))).toEqual(
      cli.whatIf.map(({ id, rank, linkUtilization, change }) => ({ id, rank, linkUtilization, change })),
    );
    expect(shown.notes).toEqual(cli.notes);
  });

  it('clicking Apply on a change sets the controls to it and the run shows its utilization', async () => {
    const change = cli.whatIf.find((w) => w.id === 'tq*2')!;
    const runs = await finishedRuns(page);
    await page.click('#help-table button[data-apply="tq*2"]');
    await waitForRun(page, runs);
    expect(await page.locator('#hero-config').textContent()).toContain('Translations in flight (tq): 16');
    expect(await page.locator('#utilization').textContent()).toBe((change.linkUtilization * 100).toFixed(1));
    // The panels now explain the new configuration: tq 16 is the base of the new ranking.
    const shown = await shownPanels(page);
    expect(shown.limiter).toMatch(/tq 16/);
    expect(shown.whatIf.map((w) => w.id)).toContain('tq*2');
    expect(shown.whatIf.find((w) => w.id === 'tq*2')?.text).toBe('tq ×2 (16 → 32)');
  });
});
