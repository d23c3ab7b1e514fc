/**
 * Progress while long work runs (issue 22, item 17): a sweep's line shows a live
 * translations/s and the elapsed time before any configuration finishes; `run --trace
 * PREFIX` shows a percentage; TERM=dumb gets plain lines, never `\r\x1b[K`.
 */
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunProgress, traceBytesOf } from '../orchestrator/run-progress.js';
import { createProgressReporter, progressText, type ProgressSnapshot } from '../orchestrator/sweep/progress.js';
import { hypersio, sweepApi, tempDir } from './sweep-helpers.js';

const dir = tempDir('progress-live');
afterAll(() => dir.cleanup());
const prefix = join(dir.path, 'synth_tnt_1024_rr3');

beforeAll(async () => {
  // About 4.6 million translations: a configuration takes a second or more.
  expect((await hypersio(['synth', '--tenants', '1024', '--packets', '1500', '--out-dir', dir.path])).exitCode).toBe(0);
});

function sink(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  let written = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, { isTTY, text: () => written });
}

describe('live progress', () => {
  it('a sweep counts the translations of running configurations, before any finishes', async () => {
    const snapshots: ProgressSnapshot[] = [];
    const progress = { update: (s: ProgressSnapshot) => void snapshots.push({ ...s }), finish: (s: ProgressSnapshot) => void snapshots.push({ ...s }) };
    await sweepApi.runSweep({ traces: [`${prefix}_iotlb_trace.bin`], axes: { tq: [32] } }, { out: join(dir.path, 'sweep'), workers: 1, progress, charts: false });
    const early = snapshots.find((s) => s.done === 0 && s.translations > 0);
    expect(early, JSON.stringify(snapshots)).toBeDefined();
    expect(progressText(early!)).toMatch(/^0\/1 configs, 1 running, \d+:\d\d elapsed, ETA \?, [\d.]+ [kM]?translations\/s$/);
    expect(progressText(early!)).not.toMatch(/ 0 translations\/s/);
  });

  it('run --trace PREFIX shows a percentage', () => {
    const stream = sink(false);
    const progress = createRunProgress(traceBytesOf(prefix), stream, { intervalMs: 0 });
    progress.update(2_304_000);
    expect(stream.text()).toBe('run: simulating: 2,304,000 translations (50 %), 0:00 elapsed\n');
  });

  it('TERM=dumb: plain lines, no carriage returns or erase sequences', () => {
    const term = process.env['TERM'];
    process.env['TERM'] = 'dumb';
    try {
      const run = sink(true);
      const runProgress = createRunProgress(48_000, run, { intervalMs: 0 });
      runProgress.update(500);
      runProgress.finish();
      const sweep = sink(true);
      const sweepProgress = createProgressReporter(sweep as unknown as NodeJS.WriteStream, { intervalMs: 0 });
      const s: ProgressSnapshot = { total: 2, done: 1, skipped: 0, failed: 0, running: 1, translations: 1000, elapsedMs: 1000 };
      sweepProgress.update(s);
      sweepProgress.finish(s);
      for (const text of [run.text(), sweep.text()]) {
        expect(text).not.toContain('\r');
        expect(text).not.toContain('\x1b');
        expect(text.endsWith('\n')).toBe(true);
      }
      expect(run.text()).toBe('run: simulating: 500 translations (50 %), 0:00 elapsed\n');
    } finally {
      if (term === undefined) delete process.env['TERM'];
      else process.env['TERM'] = term;
    }
  });
});
