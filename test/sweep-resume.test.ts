import { appendFileSync, existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hypersio, sweepApi, tempDir, TRACE_3, TRACE_8 } from './sweep-helpers.js';

const completeLines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.endsWith('}')).length : 0);

describe('resume after the sweep is killed', () => {
  const dir = tempDir('sweep-resume');
  afterAll(() => dir.cleanup());

  it('loses no configuration and runs none twice', async () => {
    const out = join(dir.path, 'out');
    const results = join(out, sweepApi.RESULTS_FILE);
    const args = ['sweep', '--trace', TRACE_3, TRACE_8, '--iotlb-size', '8', '16', '32', '64', '--tq', '1', '2', '4', '8', '--workers', '1', '--out', out, '--no-charts'];
    const total = 2 * 4 * 4;
    const first = hypersio(args);
    // Kill it (SIGKILL: no cleanup at all) once a few configurations are in.
    const deadline = Date.now() + 60_000;
    while (completeLines(results) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    first.kill('SIGKILL');
    await first;
    const before = sweepApi.readResultsFile(results);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.length).toBeLessThan(total);
    // As if the kill had cut a line in half.
    appendFileSync(results, '{"id":"torn","trace":"x","sta');
    // The killed sweep's lock stays until its heartbeat is 20 s old (any host): as if that long had passed.
    const longAgo = Date.now() / 1000 - 60;
    utimesSync(join(out, '.hypersio.lock'), longAgo, longAgo);

    const second = await hypersio(args);
    expect(second.exitCode).toBe(0);
    expect(second.stderr).toContain(`${before.length} of ${total} configurations already in`);
    const after = sweepApi.readResultsFile(results);
    expect(readFileSync(results, 'utf8')).not.toContain('"torn"');
    expect(after).toHaveLength(total);
    const ids = after.map((r) => r.id);
    expect(new Set(ids).size).toBe(total);
    expect(new Set(ids)).toEqual(new Set(sweepApi.expandGrid({ traces: [TRACE_3, TRACE_8], axes: { iotlbSize: [8, 16, 32, 64], tq: [1, 2, 4, 8] } }).map((j) => j.id)));
    // The lines written before the kill are kept as they were.
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.every((r) => r.status === 'ok')).toBe(true);

    const third = await hypersio(args);
    expect(third.exitCode).toBe(0);
    expect(sweepApi.readResultsFile(results)).toHaveLength(total);
  });
});
