/**
 * Sweep progress on stderr: a bar redrawn in place on a terminal; otherwise (CI logs,
 * pipes) a plain line every few seconds, so logs stay readable.
 */
export interface ProgressSnapshot {
  total: number;
  done: number;
  /** Of `done`, found already finished in results.jsonl (not timed by this run). */
  skipped: number;
  failed: number;
  running: number;
  /** Translations simulated so far by this run, finished configurations and running ones alike. */
  translations: number;
  elapsedMs: number;
}

export interface ProgressReporter {
  update(snapshot: ProgressSnapshot): void;
  finish(snapshot: ProgressSnapshot): void;
}

/**
 * Whether progress on `stream` may be redrawn in place (`\r`, erase line): a terminal
 * that is not TERM=dumb (Emacs shell buffers, some CI consoles), which gets plain lines.
 */
export function redrawsInPlace(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true && process.env['TERM'] !== 'dumb';
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k`;
  return `${perSecond.toFixed(0)} `;
}

/** ETA from the mean time per configuration finished by this run. */
function eta(s: ProgressSnapshot): string {
  const ran = s.done - s.skipped;
  if (ran <= 0) return '?';
  return formatDuration((s.elapsedMs / ran) * (s.total - s.done));
}

export function progressText(s: ProgressSnapshot): string {
  const rate = s.elapsedMs > 0 ? (s.translations * 1000) / s.elapsedMs : 0;
  const failed = s.failed > 0 ? `, ${s.failed} failed` : '';
  return `${s.done}/${s.total} configs${failed}, ${s.running} running, ${formatDuration(s.elapsedMs)} elapsed, ETA ${eta(s)}, ${formatRate(rate)}translations/s`;
}

export function createProgressReporter(stream: NodeJS.WriteStream, options: { intervalMs?: number; tty?: boolean } = {}): ProgressReporter {
  const tty = options.tty ?? redrawsInPlace(stream);
  if (tty) {
    let lastDraw = 0;
    const draw = (s: ProgressSnapshot, force: boolean) => {
      const now = Date.now();
      if (!force && now - lastDraw < 100) return;
      lastDraw = now;
      const text = progressText(s);
      const columns = stream.columns || 80; // 0 when the terminal size is unknown
      // The numbers matter more than the bar: the bar takes what room is left.
      const width = Math.min(24, columns - text.length - 2);
      const filled = s.total > 0 ? Math.round((s.done / s.total) * Math.max(width, 0)) : width;
      const bar = width >= 5 ? '█'.repeat(filled) + '░'.repeat(width - filled) + ' ' : '';
      stream.write(`\r\x1b[K${(bar + text).slice(0, columns - 1)}`);
    };
    return {
      update: (s) => draw(s, false),
      finish: (s) => {
        draw(s, true);
        stream.write('\n');
      },
    };
  }
  const intervalMs = options.intervalMs ?? 5000;
  let lastLine = Date.now();
  return {
    update(s) {
      if (Date.now() - lastLine < intervalMs) return;
      lastLine = Date.now();
      stream.write(`sweep: ${progressText(s)}\n`);
    },
    finish(s) {
      stream.write(`sweep: ${progressText(s)}\n`);
    },
  };
}

export const silentProgress: ProgressReporter = { update() {}, finish() {} };
