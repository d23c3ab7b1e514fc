/**
 * `run` shows its progress on stderr as `sweep` does: redrawn in place on a terminal and
 * cleared at the end, plain lines every few seconds otherwise; fed by the model's real
 * progress callback.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { baseConfig } from '../orchestrator/config.js';
import { runTraceFile } from '../orchestrator/model.js';
import { createRunProgress } from '../orchestrator/run-progress.js';
import { GOLDEN_DIR } from './helpers.js';

const trace = resolve(GOLDEN_DIR, 'traces', 'syn_tnt_8_rr3_iotlb_trace.bin');

async function progressOf(tty: boolean): Promise<string> {
  let written = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  const progress = createRunProgress(statSync(trace).size, stream, { tty, intervalMs: 0 });
  const result = await runTraceFile(trace, baseConfig(), { onProgress: progress.update, chunkRecords: 1024 });
  progress.finish();
  expect(result.translations).toBeGreaterThan(4096);
  return written;
}

describe('run progress', () => {
  it('prints plain lines up to 100 % when stderr is not a terminal', async () => {
    const lines = (await progressOf(false)).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line).toMatch(/^run: simulating: [\d,]+ translations \(\d+ %\), \d+:\d\d elapsed$/);
    expect(lines.at(-1)).toContain('(100 %)');
  });

  it('redraws one line on a terminal and clears it at the end', async () => {
    const written = await progressOf(true);
    expect(written).not.toContain('\n');
    expect(written.split('\r\x1b[K').filter(Boolean).length).toBeGreaterThan(3);
    expect(written.endsWith('\r\x1b[K')).toBe(true);
  });
});
