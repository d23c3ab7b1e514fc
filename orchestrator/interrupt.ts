/**
 * Ctrl-C and SIGTERM for commands that write files: the signal is remembered (not the
 * default instant death, which would leave temporaries behind) so the work stops at a
 * safe point, removes what it had started, and the CLI exits 128 + the signal's number.
 */
import { existsSync, rmdirSync } from 'node:fs';
import type { WriteCheckpoint } from '../core/atomic-write.js';
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
 * Runs `work`, which writes its files into `outDir` through writeFilesAtomicallyAsync with
 * the checkpoint it is given, so that an interrupted or failed run changes nothing: the
 * checkpoint throws Interrupted at the first block after a signal, the temporaries are
 * removed, files already at the output paths stay as they were, and `outDir` is removed
 * when this call created it and it is still empty. A signal that comes after the new
 * files were complete keeps them (they replaced the old ones in one step) and still ends
 * the command as interrupted.
 */
export async function writeOutputsOrNothing<T>(outDir: string, work: (trap: SignalTrap, checkpoint: WriteCheckpoint) => Promise<T>): Promise<T> {
  const created = !existsSync(outDir);
  const trap = trapSignals();
  const checkpoint = async () => {
    await signalsDelivered();
    trap.check(created ? 'nothing was written' : `nothing was written; the files already in ${outDir} are as they were`);
  };
  try {
    const result = await work(trap, checkpoint);
    await signalsDelivered();
    trap.check('the new output was complete and is kept');
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
