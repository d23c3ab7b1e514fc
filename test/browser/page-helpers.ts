/**
 * Helpers for the browser checks of the demo's usability (test/browser-demo.test.ts):
 * open the page, wait for runs and sweeps, read what assistive technology is given, run
 * axe-core, and make a large trace.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import type { BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../core/paths.js';

export const PROJECT_ROOT = projectRoot();

const HYPERSIO_BIN = join(PROJECT_ROOT, 'bin/hypersio');
const BIG_TRACE_DIR = join(PROJECT_ROOT, 'build/browser-test/big');

/** A fresh page on the demo, ready (first run and sweep done); page errors are collected in `errors`. */
export async function openDemo(context: BrowserContext, siteUrl: string, viewport = { width: 1440, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.setViewportSize(viewport);
  await page.goto(siteUrl);
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true', undefined, { timeout: 60_000 });
  return { page, errors };
}

export const finishedRuns = async (page: Page): Promise<number> => Number(await page.evaluate(() => document.body.dataset['runs'] ?? '0'));
export const finishedSweeps = async (page: Page): Promise<number> => Number(await page.evaluate(() => document.body.dataset['sweeps'] ?? '0'));

/** Waits until the page has finished more than `runsBefore` runs and is idle. */
export async function waitForRun(page: Page, runsBefore: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset['runs'] ?? 0) > n && document.body.dataset['busy'] === 'false', runsBefore, {
    timeout: 120_000,
  });
}

/** Waits until more than `sweepsBefore` sweeps have finished and none is running. */
export async function waitForSweep(page: Page, sweepsBefore: number): Promise<void> {
  await page.waitForFunction(
    (n) => Number(document.body.dataset['sweeps'] ?? 0) > n && document.getElementById('sweep-chart')?.dataset['state'] === 'done',
    sweepsBefore,
    { timeout: 120_000 },
  );
}

/** Sets a range input as a drag would (value, then an input event). */
export async function setRange(page: Page, selector: string, value: number): Promise<void> {
  await page.locator(selector).evaluate((input, v) => {
    (input as HTMLInputElement).value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

/** Turns "Re-run on change" on or off by clicking its switch, as a user does. */
export async function setLive(page: Page, on: boolean): Promise<void> {
  if ((await page.locator('#live').isChecked()) !== on) await page.locator('label.switch').click();
}

/** Name, value and range of every slider as Chromium exposes them to assistive technology. */
export async function sliderAccessibility(page: Page): Promise<{ name: string; value: number; min: number; max: number }[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { role?: { value?: string }; name?: { value?: string }; value?: { value?: unknown }; properties?: { name: string; value: { value?: unknown } }[] }[];
    };
    const property = (node: (typeof nodes)[number], name: string) => Number(node.properties?.find((p) => p.name === name)?.value.value);
    return nodes
      .filter((n) => n.role?.value === 'slider')
      .map((n) => ({ name: String(n.name?.value ?? ''), value: Number(n.value?.value), min: property(n, 'valuemin'), max: property(n, 'valuemax') }));
  } finally {
    await cdp.detach();
  }
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  targets: string[];
}

/** axe-core's violations on the page as it is now (axe-core's own script injected from node_modules). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axe.source });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

/** Whether the element's box lies wholly inside the viewport and is the element hit at its centre (not covered). */
export async function fullyInView(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    if (r.top < 0 || r.left < 0 || r.bottom > window.innerHeight || r.right > window.innerWidth) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && (el === hit || el.contains(hit) || hit.contains(el));
  });
}

/** 1,024 tenants × 489 packets: about 1.5 million translations (72 MB), made once per build/ folder. */
export function bigTrace(): string {
  const path = join(BIG_TRACE_DIR, 'synth_tnt_1024_rand3_iotlb_trace.bin');
  if (!existsSync(path)) {
    mkdirSync(BIG_TRACE_DIR, { recursive: true });
    execFileSync(process.execPath, [HYPERSIO_BIN, 'synth', '--tenants', '1024', '--packets', '489', '--order', 'rand', '--out-dir', BIG_TRACE_DIR], {
      cwd: PROJECT_ROOT,
      stdio: 'ignore',
    });
  }
  return path;
}

/**
 * Runs the commands the page shows under "Same run on the command line" in a fresh
 * folder (saving the page's .cfg first when they name one) and returns the last one's
 * `--json` result.
 */
export async function runShownCommands(page: Page, folder: string): Promise<{ mbps: number; linkUtilization: number; commands: string[] }> {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const text = (await page.locator('#cli-command').textContent()) ?? '';
  const commands = text.split('\n').map((line) => line.replace(/^\$\s*/, '').trim()).filter((line) => line !== '');
  const config = /--config (\S+)/.exec(text)?.[1];
  if (config) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-cfg')]);
    await download.saveAs(join(folder, config));
  }
  let output = '';
  for (const command of commands) {
    const [program, ...args] = command.split(/\s+/);
    if (program !== 'hypersio') throw new Error(`the page shows a command that is not hypersio: ${command}`);
    const isRun = args[0] === 'run';
    output = execFileSync(process.execPath, [HYPERSIO_BIN, ...args, ...(isRun ? ['--json'] : [])], { cwd: folder, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }
  const result = JSON.parse(output) as { mbps: number; linkUtilization: number };
  return { mbps: result.mbps, linkUtilization: result.linkUtilization, commands };
}
