/**
 * The built demo opened as a file (file://…/build/web/index.html), where browsers refuse
 * its module script, worker and fetch(): it says it must be served, and how, instead of
 * "Loading the model…" forever (issue 22, item 22). Debian's Chromium, headless; skipped
 * without it unless HYPERSIO_REQUIRE_BROWSER=1.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWebDemo, CHROMIUM_PATH, launchChromium, SITE_DIR } from './browser/demo-check.js';

const browserRequired = process.env['HYPERSIO_REQUIRE_BROWSER'] === '1';
const browserPresent = existsSync(CHROMIUM_PATH);
if (!browserPresent && !browserRequired) console.warn(`browser file:// test skipped: ${CHROMIUM_PATH} not found (bash .ci/install-chromium.sh installs it)`);

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

describe.skipIf(!browserPresent && !browserRequired)('the demo opened from file://', () => {
  it('says it must be served, and how', async () => {
    expect(browserPresent, `${CHROMIUM_PATH} not found`).toBe(true);
    await buildWebDemo();
    const browser = await launchChromium();
    closers.push(browser.close);
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(join(SITE_DIR, 'index.html')).href);
    const status = page.locator('#engine-text');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('Must be served, not opened as a file: npm run demo');
    expect(await page.locator('#engine-status').getAttribute('data-state')).toBe('error');
    const note = page.locator('#served-note');
    expect(await note.isVisible()).toBe(true);
    const text = (await note.textContent())?.replace(/\s+/g, ' ') ?? '';
    expect(text).toContain('npm run demo');
    expect(text).toContain('npx vite preview --config web/vite.config.ts');
    // The page's own script never starts from a file: nothing replaces the message.
    await page.waitForTimeout(1000);
    expect(await status.textContent()).toBe('Must be served, not opened as a file: npm run demo');
  }, 180_000);
});
