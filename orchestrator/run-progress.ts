/**
 * `run`'s progress on stderr, as `sweep` shows its own: on a terminal (not TERM=dumb) one
 * line redrawn in place (at most five times a second) and cleared at the end; otherwise (CI logs, pipes)
 * a plain line every few seconds, so a long run is seen to advance and a short one prints
 * nothing.
 */
import { statSync } from 'node:fs';
import { resolveTraceArgument } from '../core/trace-file.js';
import { TRACE_RECORD_BYTES } from '../core/trace-format.js';
import { formatDuration, redrawsInPlace } from './sweep/progress.js';

export interface RunProgress {
  /** Records simulated so far (the model's onProgress). */
  update(records: number): void;
  finish(): void;
}

/** Bytes of a trace named as `run --trace` takes it (the file or its prefix), for the percentage; 0 if there is none. */
export function traceBytesOf(trace: string): number {
  return statSync(resolveTraceArgument(trace), { throwIfNoEntry: false })?.size ?? 0;
}

export function createRunProgress(
  traceBytes: number,
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  options: { tty?: boolean; intervalMs?: number } = {},
): RunProgress {
  const tty = options.tty ?? redrawsInPlace(stream);
  const intervalMs = options.intervalMs ?? (tty ? 200 : 5000);
  // Date.now(), not performance.now(): the latter loads perf_hooks (~2.5 ms of start-up).
  const started = Date.now();
  let last = started;
  let drawn = false;
  const text = (records: number) => {
    const percent = traceBytes > 0 ? ` (${((records * TRACE_RECORD_BYTES * 100) / traceBytes).toFixed(0)} %)` : '';
    return `simulating: ${records.toLocaleString('en-US')} translations${percent}, ${formatDuration(Date.now() - started)} elapsed`;
  };
  return {
    update(records) {
      const now = Date.now();
      if (now - last < intervalMs) return;
      last = now;
      drawn = true;
      stream.write(tty ? `\r\x1b[K${text(records)}` : `run: ${text(records)}\n`);
    },
    finish() {
      if (tty && drawn) stream.write('\r\x1b[K');
    },
  };
}
