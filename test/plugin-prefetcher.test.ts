/**
 * A prefetcher plugin (examples/next-page.ts) sees each request's context fill and its
 * prefetches are issued as the built-in prefetcher's are: walked ahead, filled into the
 * prefetch buffer, where later requests hit.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferSource, simulate } from '../orchestrator/model-core.js';
import { loadModelFor } from '../orchestrator/model.js';
import { pluginFileValue } from '../orchestrator/plugins/resolve.js';
import type { ModelConfig } from '../orchestrator/config.js';
import { PROJECT_ROOT } from './helpers.js';
import { config, traceBytes, type TestRecord } from './model-harness.js';
import { tempDir } from './sweep-helpers.js';

const dir = tempDir('plugin-prefetcher');
afterAll(() => dir.cleanup());

/**
 * One tenant reading `pages` consecutive 4 KiB pages, `perPage` translations each (a
 * prefetch issued at a page's first translation takes about one walk to arrive).
 */
const sequential = (pages: number, perPage: number): TestRecord[] =>
  Array.from({ length: pages * perPage }, (_, i) => ({ sid: 24, did: 1, iova: 0x10000000n + (BigInt(Math.floor(i / perPage)) << 12n), level: 1 }));

async function run(c: ModelConfig, records: TestRecord[]) {
  return simulate(await loadModelFor(c), c, bufferSource(traceBytes(records)));
}

const withPrefetcher = (prefetchScheme: ModelConfig['prefetchScheme']) =>
  config((c) => {
    c.prefetchScheme = prefetchScheme;
    c.prefetch.bufferSize = 64;
  });

describe('prefetcher plugins', () => {
  it('next-page: a sequential reader finds its pages in the prefetch buffer', async () => {
    const nextPage = pluginFileValue(resolve(PROJECT_ROOT, 'examples/next-page.ts'), 'test');
    const r = await run(withPrefetcher(nextPage), sequential(200, 12));
    // One prefetch per context fill (2400), less the few still walking when the last demand
    // request completes and the model stops (as with the built-in prefetcher's).
    expect(r.prefetcher.bufferFill).toBeGreaterThan(2400 - 24);
    expect(r.prefetcher.bufferFill).toBeLessThanOrEqual(2400);
    // Each page's translations find it in the buffer, but the first page's and those that
    // come before its prefetch has arrived.
    expect(r.prefetcher.bufferHit).toBeGreaterThan(0.85 * 2400);
    const builtIn = await run(withPrefetcher('sid-successor'), sequential(200, 12));
    expect(builtIn.prefetcher.bufferHit).toBe(0); // one sid: no successor to predict
    expect(r.simTimeNs).toBeLessThan(builtIn.simTimeNs);
  }, 120_000);

  it('issues every page asked for, at the level asked for', async () => {
    const path = join(dir.path, 'two-pages.ts');
    writeFileSync(path, "import { iova, prefetch } from './plugin-api';\nexport function init(): void {}\nexport function contextFill(): void {\n  prefetch(iova() + 4096, 1);\n  prefetch(iova() + 8192, 1);\n}\n");
    const r = await run(withPrefetcher(pluginFileValue(path, 'test')), sequential(100, 3));
    // 2 × 300, less those still walking at the end; at 3 translations per page only the
    // page two ahead arrives in time (the model is deterministic: these are its figures).
    expect(r.prefetcher.bufferFill).toBe(588);
    expect(r.prefetcher.bufferHit).toBe(198);
  }, 120_000);

  it('a page level outside 1..3 fails the run with the plugin and the reason', async () => {
    const path = join(dir.path, 'bad-level.ts');
    writeFileSync(path, "import { iova, prefetch } from './plugin-api';\nexport function init(): void {}\nexport function contextFill(): void {\n  prefetch(iova(), 4);\n}\n");
    await expect(run(withPrefetcher(pluginFileValue(path, 'test')), sequential(2, 3))).rejects.toThrow(`plugin ${path} (prefetcher): prefetch(): page level 4 is not 1, 2 or 3`);
  }, 120_000);
});
