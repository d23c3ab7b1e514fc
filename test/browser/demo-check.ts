/**
 * Drives the built browser demo (build/web/) in Debian's Chromium through playwright-core:
 * runs one configuration and checks the throughput shown against `hypersio run --json` on
 * the same trace and configuration, loads corrupt traces and checks the messages against
 * the CLI's, and saves screenshots under build/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { chromium, type BrowserContext } from 'playwright-core';
import { finishedRuns, finishedSweeps, PROJECT_ROOT, setRange, waitForRun, waitForSweep } from './page-helpers.js';

export { PROJECT_ROOT };
export const SITE_DIR = join(PROJECT_ROOT, 'build/web');
export const CHROMIUM_PATH = process.env['HYPERSIO_CHROMIUM'] ?? '/usr/bin/chromium';
const HYPERSIO_BIN = join(PROJECT_ROOT, 'bin/hypersio');
const WORK_DIR = join(PROJECT_ROOT, 'build/browser-test');
export const SCREENSHOT_PATH = join(PROJECT_ROOT, 'build/web-screenshot.png');
export const MOBILE_SCREENSHOT_PATH = join(PROJECT_ROOT, 'build/web-screenshot-mobile.png');
export const ERROR_SCREENSHOT_PATH = join(PROJECT_ROOT, 'build/web-screenshot-error.png');

/** Builds the page with Vite (the same config as `npm run build:web`). */
export async function buildWebDemo(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(PROJECT_ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.gz': 'application/octet-stream',
  '.svg': 'image/svg+xml',
};

/** A plain static file server on 127.0.0.1 (any free port), as any static host would be. */
export async function serveStatic(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'hypersio-chromium-'));
  // A persistent context is how playwright takes a --user-data-dir: a fresh one per run.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The configuration the check sets in the page, and the same as CLI flags. */
export const CHECK_CONFIG = {
  tenants: 16,
  iotlbEntries: 128,
  iotlbWays: 4,
  policy: 'lfu',
  tq: 8,
  linkGbps: 100,
  /** IOTLB 128 entries 4-way, other caches as the base architecture. */
  cfg: 'IOTLB\nsize:128\nassoc:4\ngroups:1\n',
  flags: ['--tq', '8', '--iotlb-policy', 'lfu', '--link-gbps', '100'],
} as const;

export interface DemoCheckReport {
  traceName: string;
  shownMbpsText: string;
  shownMbps: string;
  cliMbps: number;
  shownUtilization: string;
  cliUtilization: number;
  /** Hits and misses in the cache table, rows CC, IOTLB, L2PAGE, L3PAGE, as shown ("12,345"). */
  shownCaches: { hit: string; miss: string }[];
  cliCaches: { hit: number; miss: number }[];
  sizeErrorShown: string;
  sizeErrorCli: string;
  recordErrorShown: string;
  recordErrorCli: string;
  /** After both bad files: the picker's own-file entries, its selection, and what the worker holds. */
  fileOptionsAfterErrors: string[];
  selectedAfterErrors: string;
  workerFilesAfterErrors: string;
  pageErrors: string[];
}

interface SampleEntry {
  name: string;
  file: string;
  tenants: number;
  origin: string;
}

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [HYPERSIO_BIN, ...args], { encoding: 'utf8', cwd: PROJECT_ROOT });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI's one-line error (`hypersio: <path>: <problem>`) with the path replaced by the file name. */
function cliError(path: string, name: string, args: string[]): string {
  const { status, stderr } = runCli(['run', '--trace', path, ...args, '--json']);
  if (status === 0) throw new Error(`hypersio run accepted ${path}`);
  return stderr.trim().replace(/^hypersio: /, '').replace(path, name);
}

export async function runDemoCheck(siteUrl: string, context: BrowserContext): Promise<DemoCheckReport> {
  mkdirSync(WORK_DIR, { recursive: true });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  // Offline: any request that is not to the local server is a failure.
  await page.route('**/*', (route) => (route.request().url().startsWith(siteUrl) ? route.continue() : route.abort()));
  page.on('requestfailed', (request) => pageErrors.push(`request failed: ${request.url()}`));

  await page.goto(siteUrl);
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true', undefined, { timeout: 60_000 });

  // The sample the check uses, decompressed to a file the CLI can read.
  const samples = JSON.parse(readFileSync(join(SITE_DIR, 'samples/index.json'), 'utf8')) as SampleEntry[];
  const sample = samples.find((s) => s.tenants === CHECK_CONFIG.tenants) ?? samples[samples.length - 1];
  if (!sample) throw new Error('the page bundles no sample traces');
  const tracePath = join(WORK_DIR, sample.name);
  writeFileSync(tracePath, gunzipSync(readFileSync(join(SITE_DIR, sample.file))));
  const cfgPath = join(WORK_DIR, 'check.cfg');
  writeFileSync(cfgPath, CHECK_CONFIG.cfg);

  // Set the configuration with re-run-on-change off, then press Run: exactly one run.
  await page.locator('#live').evaluate((input) => {
    (input as HTMLInputElement).checked = false;
  });
  await page.selectOption('#trace-select', `sample:${sample.name}`);
  await setRange(page, '#param-iotlbSize', Math.log2(CHECK_CONFIG.iotlbEntries));
  await page.selectOption('#param-iotlbWays', String(CHECK_CONFIG.iotlbWays));
  await page.locator(`input[name="iotlbPolicy"][value="${CHECK_CONFIG.policy}"]`).check({ force: true });
  await setRange(page, '#param-tq', Math.log2(CHECK_CONFIG.tq));
  await page.selectOption('#param-linkGbps', String(CHECK_CONFIG.linkGbps));
  const runsBefore = await finishedRuns(page);
  const sweepsBefore = await finishedSweeps(page);
  await page.click('#run-button');
  await waitForRun(page, runsBefore);

  const shownMbpsText = (await page.locator('#throughput-mbps').textContent()) ?? '';
  const shownMbps = (await page.locator('#throughput-mbps').getAttribute('data-mbps')) ?? '';
  const shownUtilization = (await page.locator('#utilization').textContent()) ?? '';
  const cli = runCli(['run', '--trace', tracePath, '--config', cfgPath, ...CHECK_CONFIG.flags, '--json']);
  if (cli.status !== 0) throw new Error(`hypersio run failed: ${cli.stderr}`);
  const cliResult = JSON.parse(cli.stdout) as { mbps: number; linkUtilization: number; caches: Record<string, { hit: number; miss: number }> };
  const shownCaches = await page.locator('#cache-table tbody tr').evaluateAll((rows) =>
    rows.slice(0, 4).map((row) => {
      const cells = row.querySelectorAll('td.num');
      return { hit: cells[0]?.textContent ?? '', miss: cells[1]?.textContent ?? '' };
    }),
  );
  const cliCaches = ['CC', 'IOTLB', 'L2PAGE', 'L3PAGE'].map((name) => {
    const cache = cliResult.caches[name];
    if (!cache) throw new Error(`hypersio run --json has no cache ${name}`);
    return { hit: cache.hit, miss: cache.miss };
  });

  // The sweep that follows the run, then the screenshots (desktop and phone widths).
  await waitForSweep(page, sweepsBefore);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: MOBILE_SCREENSHOT_PATH, fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });

  // A file whose size is not a whole number of records: rejected before simulating.
  const sizeName = 'truncated_iotlb_trace.bin';
  const sizeBytes = readFileSync(tracePath).subarray(0, 48 * 3 + 20);
  const sizePath = join(WORK_DIR, sizeName);
  writeFileSync(sizePath, sizeBytes);
  await page.setInputFiles('#trace-file', { name: sizeName, mimeType: 'application/octet-stream', buffer: sizeBytes });
  await page.waitForSelector('#error-banner:not([hidden])');
  const sizeErrorShown = ((await page.locator('#error-text').textContent()) ?? '').trim();
  const sizeErrorCli = cliError(sizePath, sizeName, []);

  // Whole records (their next accesses cut off with the rest of the trace), but the second has record type 7.
  const recordName = 'bad_type_iotlb_trace.bin';
  const recordBytes = Buffer.from(readFileSync(tracePath).subarray(0, 48 * 2));
  for (const record of [0, 1]) recordBytes.writeBigUInt64LE(0xffff_ffff_ffff_ffffn, record * 48 + 40);
  recordBytes.writeInt32LE(7, 48);
  const recordPath = join(WORK_DIR, recordName);
  writeFileSync(recordPath, recordBytes);
  const errorBefore = sizeErrorShown;
  await page.setInputFiles('#trace-file', { name: recordName, mimeType: 'application/octet-stream', buffer: recordBytes });
  await page.waitForFunction((before) => document.getElementById('error-text')?.textContent?.trim() !== before, errorBefore, { timeout: 30_000 });
  const recordErrorShown = ((await page.locator('#error-text').textContent()) ?? '').trim();
  const recordErrorCli = cliError(recordPath, recordName, []);
  await page.waitForFunction(() => document.body.dataset['workerFiles'] === '0');
  const fileOptionsAfterErrors = await page.locator('#trace-select option[value^="file:"]').allTextContents();
  const selectedAfterErrors = await page.locator('#trace-select').inputValue();
  const workerFilesAfterErrors = (await page.evaluate(() => document.body.dataset['workerFiles'])) ?? '';
  await page.screenshot({ path: ERROR_SCREENSHOT_PATH, fullPage: false });

  await page.close();
  return {
    traceName: sample.name,
    shownMbpsText,
    shownMbps,
    cliMbps: cliResult.mbps,
    shownUtilization,
    cliUtilization: cliResult.linkUtilization,
    shownCaches,
    cliCaches,
    sizeErrorShown,
    sizeErrorCli,
    recordErrorShown,
    recordErrorCli,
    fileOptionsAfterErrors,
    selectedAfterErrors,
    workerFilesAfterErrors,
    pageErrors,
  };
}

/** `hypersio synth` with the options the page shows must write exactly the bundled sample. */
export function synthMatchesSample(sampleName: string, tenants: number, packets: number): boolean {
  const outDir = join(WORK_DIR, 'synth');
  rmSync(outDir, { recursive: true, force: true });
  execFileSync(process.execPath, [HYPERSIO_BIN, 'synth', '--tenants', String(tenants), '--packets', String(packets), '--order', 'rand', '--out-dir', outDir], {
    cwd: PROJECT_ROOT,
    stdio: 'ignore',
  });
  const written = readFileSync(join(outDir, sampleName));
  const bundled = gunzipSync(readFileSync(join(SITE_DIR, 'samples', `${sampleName}.gz`)));
  return written.equals(bundled);
}
