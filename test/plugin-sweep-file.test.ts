/**
 * A sweep file names plugin files as values of iotlbPolicy, setIndex and prefetchScheme,
 * relative to the sweep file (built-in names stay names); results name each plugin by
 * its real path and content hash.
 */
import { copyFileSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers.js';
import { hypersio, sweepApi, tempDir, TRACE_3 } from './sweep-helpers.js';

describe('plugins in a sweep file', () => {
  const dir = tempDir('plugin-sweep-file');
  afterAll(() => dir.cleanup());

  it('are paths relative to the sweep file', async () => {
    mkdirSync(join(dir.path, 'plugins'));
    copyFileSync(resolve(PROJECT_ROOT, 'examples/lru.ts'), join(dir.path, 'plugins', 'my-lru.ts'));
    const file = join(dir.path, 'sweep.json');
    writeFileSync(file, JSON.stringify({ traces: [TRACE_3], iotlbPolicy: ['lru', 'plugins/my-lru.ts'], setIndex: 'group-bits', out: 'out', workers: 1 }));
    const run = await hypersio(['sweep', '--sweep', file, '--no-charts']);
    expect(run.exitCode, run.stderr).toBe(0);
    const records = sweepApi.readResultsFile(join(dir.path, 'out', sweepApi.RESULTS_FILE));
    expect(records.map((r) => r['iotlbPolicy'])).toEqual(['lru', expect.stringMatching(new RegExp(`^${realpathSync(join(dir.path, 'plugins', 'my-lru.ts'))}#[0-9a-f]{16}$`))]);
    expect(records[1]!['setIndex']).toBe('group-bits');
    // The same policy: the same results.
    expect(records[1]!.mbps).toBe(records[0]!.mbps);
    expect(run.stdout).toContain('my-lru.ts');
  });
});
