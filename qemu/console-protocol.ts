/**
 * The host side of the guest's console protocol (lines `HSIO …`, written by the /init of
 * init-script.ts): what the guest reported so far, fed line by line from QEMU's serial
 * console, and the run's failure, if any, named after the NIC it concerns.
 */
import { CONSOLE_MARKER } from './init-script.js';
import type { NicPlacement } from './layout.js';

export interface NicReport {
  idx: number;
  mac: string;
  ifname: string;
  bdf: string;
  rx: number;
  tx: number;
  status: number;
}

/** Nested mode: one L2 VM, keyed by its NIC's L1 PCI address. */
export interface L2State {
  bdf: string;
  started: boolean;
  /** its QEMU's exit status, once it ended */
  exitStatus: number | null;
  /** the last lines of its console when it reported no result */
  tail: string[];
}

/** Parses `key=value` words of a protocol line. */
function protocolFields(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const word of line.split(/\s+/)) {
    const eq = word.indexOf('=');
    if (eq > 0) fields.set(word.slice(0, eq), word.slice(eq + 1));
  }
  return fields;
}

/** An exit status field; a missing or cut one ("status=" when a console line was truncated) is a failure, 255. */
function exitStatus(text: string | undefined): number {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : 255;
}

/**
 * Nested mode: an L1 soft lockup this long means L1 is wedged (normal L2 runs show none;
 * the reports come every ~28 s, so this is caught at the fourth one at most).
 */
export const L1_WEDGED_LOCKUP_SECONDS = 90;
/** Nested mode: this long without any L1 console line (its heartbeat comes every 20 s) means L1 froze. */
export const L1_FROZEN_SILENCE_SECONDS = 120;

/** Stages worth a progress line of their own: the guest's own complaints. */
const NOTABLE_STAGE = /^(only-|insmod-failed|vfio-bind-failed|l2-failed|\d+-links)/;

/** The guest PCI address a NIC on pcie.0 gets (its slot); null behind a root port (bus numbered by the guest). */
export function plannedAddress(p: NicPlacement): string | null {
  return p.rootPortFunction === null ? `0000:00:${p.busSlot.toString(16).padStart(2, '0')}.0` : null;
}

export class ConsoleProtocol {
  stage = 'boot';
  readonly nicsUp = new Set<number>();
  readonly reports = new Map<number, NicReport>();
  readonly l2 = new Map<string, L2State>();
  readonly guestErrors: string[] = [];
  /**
   * Nested mode: the L2 VM (L1 PCI address) that L1 could not get past, and why: one L1
   * could not kill (its QEMU spins in L1's kernel), or the one running while L1 itself
   * wedged (soft lockups past L1_WEDGED_LOCKUP_SECONDS). L1 must be restarted.
   */
  stuckL2: { bdf: string; why: string } | null = null;
  /** the guest kernel's last soft lockup report ("CPU#1 stuck for 495 s in kthreadd:2"), if any */
  softLockup: string | null = null;
  /** the guest kernel's panic message, if it panicked (QEMU then exits 0: -no-reboot) */
  kernelPanic: string | null = null;
  /** `wlog idx=<i> …` lines: the tail of a failed NIC's workload output, per NIC */
  private readonly workloadTails = new Map<number, string[]>();

  constructor(
    private readonly nics: number,
    private readonly workload: string,
    private readonly progress: (line: string) => void,
  ) {}

  /** One console line (protocol lines are recognized anywhere in it: kernel output may precede them). */
  line(text: string): void {
    const panic = /Kernel panic - not syncing: (.*)$/.exec(text);
    if (panic !== null) this.kernelPanic ??= panic[1]!.trim();
    const lockup = /soft lockup - CPU#(\d+) stuck for (\d+)s! \[([^\]]*)\]/.exec(text);
    if (lockup !== null) this.noteSoftLockup(Number(lockup[1]), Number(lockup[2]), lockup[3] ?? '?');
    const at = text.indexOf(`${CONSOLE_MARKER} `);
    if (at < 0) return;
    const body = text.slice(at + CONSOLE_MARKER.length + 1).trim();
    const fields = protocolFields(body);
    const kind = body.slice(0, body.search(/[\s=]|$/));
    switch (kind) {
      case 'stage': {
        const stage = fields.get('stage') ?? this.stage;
        // The guest's complaints about one device are progress lines, not stages of the run.
        if (NOTABLE_STAGE.test(stage)) {
          this.progress(`guest: ${stage}`);
          break;
        }
        this.stage = stage;
        if (stage === 'workload' && this.l2.size === 0) this.progress(`${this.nicsUp.size} of ${this.nics} NIC(s) up, workload ${this.workload} running`);
        else if (stage === 'l2-boot') this.progress(`L1 up, starting ${this.nics} L2 VM(s)`);
        break;
      }
      case 'nic':
        this.nicsUp.add(Number(fields.get('idx')));
        break;
      case 'result': {
        const idx = Number(fields.get('idx'));
        this.reports.set(idx, {
          idx,
          mac: fields.get('mac') ?? '',
          ifname: fields.get('if') ?? '',
          bdf: fields.get('bdf') ?? '',
          rx: Number(fields.get('rx') ?? 0),
          tx: Number(fields.get('tx') ?? 0),
          status: exitStatus(fields.get('status')),
        });
        break;
      }
      case 'wlog': {
        const idx = Number(fields.get('idx'));
        const tail = this.workloadTails.get(idx) ?? [];
        tail.push(body.replace(/^wlog idx=\d+ ?/, ''));
        this.workloadTails.set(idx, tail);
        break;
      }
      case 'l2': {
        const state = this.l2State(fields.get('bdf') ?? '?');
        if (fields.get('state') === 'start') {
          state.started = true;
          this.progress(`L2 VM for ${state.bdf} started (${this.countL2((s) => s.started)} of ${this.nics})`);
        } else if (fields.get('state') === 'hung') {
          this.progress(`L2 VM for ${state.bdf} hung (no result after ${fields.get('after') ?? '?'} s); killing it`);
        } else if (fields.get('state') === 'stuck') {
          this.stuckL2 = { bdf: state.bdf, why: "its QEMU could not be killed: it spins inside L1's kernel" };
          this.progress(`L2 VM for ${state.bdf} stuck: ${this.stuckL2.why}`);
        } else if (fields.get('state') === 'retry') {
          this.progress(`L2 VM for ${state.bdf} ended without a result (status ${exitStatus(fields.get('status'))}); trying it once more`);
        } else if (fields.get('state') === 'exit') {
          state.exitStatus = exitStatus(fields.get('status'));
          this.progress(`L2 VM for ${state.bdf} exited with status ${state.exitStatus} (${this.countL2((s) => s.exitStatus !== null)} of ${this.nics} done)`);
        }
        break;
      }
      case 'l2log':
        this.l2State(fields.get('bdf') ?? '?').tail.push(body.replace(/^l2log bdf=\S+ ?/, ''));
        break;
      case 'error':
        this.guestErrors.push(body.slice('error='.length));
        break;
    }
  }

  /** Nested mode: L1 PCI addresses of the NICs whose L2 reported its result (a restarted L1 skips them). */
  l2Done(): string[] {
    return [...this.reports.values()].map((r) => r.bdf);
  }

  /** Nested mode: L1 said nothing for `seconds` (not even its heartbeat) while an L2 ran: it froze. */
  noteSilence(seconds: number): void {
    if (seconds >= L1_FROZEN_SILENCE_SECONDS) this.declareStuck(`L1 froze while it ran (no console output for ${Math.round(seconds)} s)`);
  }

  /** The running L2 (if any) is stuck for `why`: L1 must be restarted. */
  private declareStuck(why: string): void {
    if (this.stuckL2 !== null) return;
    const running = [...this.l2.values()].find((s) => s.started && s.exitStatus === null);
    if (running === undefined) return;
    this.stuckL2 = { bdf: running.bdf, why };
    this.progress(`L2 VM for ${running.bdf} stuck: ${why}`);
  }

  /**
   * A soft lockup report. Two of the hangs seen in nested mode wedged L1 this way, at an
   * L2's start: every L1 CPU stuck in interrupts (`finish_task_switch` right after `sti`),
   * or one CPU stuck in the L2's QEMU, for 400-500 s until the run timed out; L1's own
   * watcher could not act. Past L1_WEDGED_LOCKUP_SECONDS the running L2 is declared stuck.
   */
  private noteSoftLockup(cpu: number, seconds: number, task: string): void {
    this.softLockup = `CPU#${cpu} stuck for ${seconds} s in ${task}`;
    if (seconds >= L1_WEDGED_LOCKUP_SECONDS) this.declareStuck(`L1 wedged while it ran (soft lockup: ${this.softLockup})`);
  }

  /** A new L1 boot (after a stuck L2): the stages start over; results and L2 states so far stay. */
  restart(): void {
    this.stuckL2 = null;
    this.softLockup = null;
    this.stage = 'boot';
  }

  /** Where the guest is, with real counts, for the heartbeat line. */
  summary(): string {
    if (this.l2.size > 0) return `stage ${this.stage}, L2 VMs ${this.countL2((s) => s.started)} started, ${this.countL2((s) => s.exitStatus !== null)} done of ${this.nics}`;
    if (this.nicsUp.size > 0) return `stage ${this.stage}, ${this.nicsUp.size} of ${this.nics} NIC(s) up, ${this.reports.size} reported`;
    return `stage ${this.stage}`;
  }

  private l2State(bdf: string): L2State {
    let state = this.l2.get(bdf);
    if (state === undefined) {
      state = { bdf, started: false, exitStatus: null, tail: [] };
      this.l2.set(bdf, state);
    }
    return state;
  }

  private countL2(predicate: (s: L2State) => boolean): number {
    return [...this.l2.values()].filter(predicate).length;
  }

  /** What became of NIC p's own VM (nested mode), for an error message: "" in direct mode. */
  l2Detail(p: NicPlacement): string {
    const address = plannedAddress(p);
    const state = address === null ? undefined : this.l2.get(address);
    if (state === undefined) return '';
    const status = state.exitStatus === null ? (state.started ? 'L2 QEMU still running' : 'L2 QEMU never started') : `L2 QEMU exit status ${state.exitStatus}`;
    const lockup = this.softLockup === null ? '' : `; L1 soft lockup: ${this.softLockup}`;
    const tail = state.tail.length > 0 ? `; its console: ${state.tail.slice(-3).join(' | ')}` : '';
    return `; ${status}${lockup}${tail}`;
  }

  /** Why NIC p did not succeed, or null when it reported success and moved traffic. */
  nicProblem(p: NicPlacement, bytesServed: number | undefined): string | null {
    const address = plannedAddress(p);
    const name = `NIC ${p.index} (${p.model}${address === null ? '' : `, ${address}`})`;
    const report = this.reports.get(p.index);
    if (report === undefined) return `${name} never reported (stage ${this.stage}${this.l2Detail(p)})`;
    if (report.status !== 0) {
      const tail = this.workloadTails.get(p.index) ?? [];
      return `workload failed on ${name}, status ${report.status}${tail.length > 0 ? `: ${tail[tail.length - 1]}` : ''}${this.l2Detail(p)}`;
    }
    if (report.rx + report.tx < 1024 || bytesServed === 0) return `${name} moved no traffic`;
    return null;
  }
}
