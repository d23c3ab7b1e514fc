/**
 * Ctrl-C and SIGTERM for commands that write files: the signal is remembered (not the
 * default instant death, which would leave temporaries behind) so the work stops at a
 * safe point, removes what it had started, and the CLI exits 128 + the signal's number.
 */
import { existsSync, rmdirSync, rmSync } from 'node:fs';
import { Interrupted } from '../core/errors.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface SignalTrap {
  /** The first signal received, or null. */
  readonly signal: StopSignal | null;
  /** Throws Interrupted (with `cleanedUp` as its explanation) once a signal came. */
  check(cleanedUp: string): void;
  release(): void;
}

/** Remembers SIGINT/SIGTERM until release(); `onSignal` runs on the first one. */
export function trapSignals(onSignal?: (signal: StopSignal) => void): SignalTrap {
  let received: StopSignal | null = null;
  const handler = (signal: StopSignal) => {
    if (received !== null) return;
    received = signal;
    onSignal?.(signal);
  };
  const onSigint = () => handler('SIGINT');
  const onSigterm = () => handler('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return {
    get signal() {
      return received;
    },
    check(cleanedUp) {
      if (received !== null) throw new Interrupted(received, cleanedUp);
    },
    release() {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}

/**
 * Runs `work`, which writes the files it returns into `outDir`, so that an interrupted or
 * failed run leaves nothing: no temporaries (signals wait for the atomic writes), the
 * outputs removed when the signal came while they were written, and `outDir` removed
 * when this call created it and it is still empty.
 */
export async function writeOutputsOrNothing<T>(outDir: string, work: (trap: SignalTrap) => Promise<T>, outputsOf: (result: T) => string[]): Promise<T> {
  const created = !existsSync(outDir);
  const trap = trapSignals();
  try {
    const result = await work(trap);
    await signalsDelivered();
    if (trap.signal !== null) {
      for (const path of outputsOf(result)) rmSync(path, { force: true });
      trap.check('its output was removed');
    }
    return result;
  } catch (err) {
    if (created) removeIfEmpty(outDir);
    throw err;
  } finally {
    trap.release();
  }
}

/**
 * A checkpoint for work made of long synchronous steps (drawing a chart, copying files):
 * awaited between steps, it lets a signal that came meanwhile reach `trap` and then
 * throws Interrupted (`cleanedUp` explains what was left).
 */
export function checkpointOf(trap: SignalTrap, cleanedUp: string): () => Promise<void> {
  return async () => {
    await signalsDelivered();
    trap.check(cleanedUp);
  };
}

/**
 * Lets a signal that came during synchronous work reach its handler: libuv reads signals
 * in the event loop's poll phase, which the first turn may run before; the second turn
 * comes after it.
 */
function signalsDelivered(): Promise<void> {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  return turn().then(turn);
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir); // fails, harmlessly, when something is in it
  } catch {
    // not empty, or already gone
  }
}
