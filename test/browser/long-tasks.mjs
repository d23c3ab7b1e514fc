#!/usr/bin/env node
/**
 * Measures how long a large result keeps the page's main thread busy: loads SITE (a built
 * build/web/), uploads TRACE through "Load your trace…", and prints the main thread's long
 * tasks (PerformanceObserver 'longtask', > 50 ms) from the upload to 2 s after the result.
 *
 *   npm run build:web
 *   node test/browser/long-tasks.mjs build/web build/browser-test/big/synth_tnt_1024_rand3_iotlb_trace.bin
 *
 * A measurement, not a test: the figures depend on the machine (see the README's bench notes).
 */
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [siteArg, traceArg] = process.argv.slice(2);
if (!siteArg || !traceArg) {
  console.error('usage: long-tasks.mjs <built site dir> <trace file>');
  process.exit(2);
}
const root = resolve(siteArg);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.woff2': 'font/woff2' };
const server = createServer((req, res) => {
  let path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  if (path.endsWith('/')) path += 'index.html';
  const file = join(root, path);
  if (!file.startsWith(root) || !existsSync(file)) return void res.writeHead(404).end();
  res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const browser = await chromium.launch({
  executablePath: process.env.HYPERSIO_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks.push({ start: entry.startTime, ms: entry.duration });
    }).observe({ type: 'longtask' });
  });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 120_000 });
  const runs = Number(await page.evaluate(() => document.body.dataset.runs));
  const uploadAt = await page.evaluate(() => performance.now());
  await page.setInputFiles('#trace-file', resolve(traceArg));
  await page.waitForFunction((n) => Number(document.body.dataset.runs) > n && document.body.dataset.busy === 'false', runs, { timeout: 300_000 });
  const resultAt = await page.evaluate(() => performance.now());
  await page.waitForTimeout(2000);
  const tasks = (await page.evaluate(() => window.longTasks)).filter((t) => t.start >= uploadAt);
  const round = (t) => ({ at: Math.round(t.start - resultAt), ms: Math.round(t.ms) });
  console.log(JSON.stringify({
    resultAfterUploadMs: Math.round(resultAt - uploadAt),
    longTasksAroundResult: tasks.filter((t) => t.start + t.ms >= resultAt - 300).map(round),
    longTasksDuringRun: tasks.filter((t) => t.start + t.ms < resultAt - 300).map(round),
  }));
} finally {
  await browser.close();
  server.close();
}
