/**
 * Every way the collector can be stopped leaves nothing running and nothing half-written:
 * SIGINT, SIGTERM and SIGHUP (it stops QEMU and closes its servers itself and exits
 * 128 + n), and SIGKILL (its watchdog stops QEMU and removes the run's files); files that
 * outlived both are removed by the next run. Each test looks only at the processes its
 * own collector started (found through their parents before the signal).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTool } from '../qemu/tools.js';
import { descendantsOf, qemuPresent, requireQemu, waitFor, waitGone, type ProcessInfo } from './collect-helpers.js';
import { HYPERSIO_BIN, PROJECT_ROOT } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'hypersio-collect-signals-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The pid of a process that has exited (so no process has it, for a while). */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('collector run files', () => {
  it('the watchdog stops the watched processes and removes the watched paths when its collector is SIGKILLed', async () => {
    const dir = join(scratch, 'watchdog');
    mkdirSync(dir);
    writeFileSync(join(dir, 'raw.log'), 'half-written');
    // A stand-in collector: starts a watchdog and a long-running child, then waits.
    const script = `
      import { spawn } from 'node:child_process';
      import { startWatchdog } from ${JSON.stringify(join(PROJECT_ROOT, 'dist/qemu/run-guard.js'))};
      const watchdog = startWatchdog();
      const child = spawn('sleep', ['300'], { stdio: 'ignore' });
      watchdog.watchProcess(child.pid);
      watchdog.watchPath(${JSON.stringify(dir)});
      console.log('ready', child.pid);
      setInterval(() => {}, 1000);
    `;
    const collector = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const sleeperPid = await new Promise<number>((resolve) => collector.stdout.on('data', (chunk: Buffer) => resolve(Number(/ready (\d+)/.exec(chunk.toString())?.[1]))));
    const snapshot: ProcessInfo[] = descendantsOf(collector.pid!).filter((p) => p.pid === sleeperPid);
    expect(snapshot).toHaveLength(1);
    collector.kill('SIGKILL');
    expect(await waitGone(snapshot, 15_000)).toEqual([]);
    expect(await waitFor(() => !existsSync(dir), 10_000)).toBe(true);
  }, 30_000);

  it('the next run removes the temporary folders and partial files of collectors that died', async () => {
    const { removeAbandonedRunFiles } = await import('../qemu/run-guard.js');
    const pid = await deadPid();
    const out = join(scratch, 'abandoned-out');
    mkdirSync(out);
    const folder = join(tmpdir(), `hypersio-collect-${pid}-test`);
    mkdirSync(folder);
    writeFileSync(join(folder, 'vtd.log'), 'x');
    const partial = join(out, `hypersio_http_vm_2_log_0.txt.gz.partial-${pid}`);
    const live = join(out, `hypersio_http_vm_2_log_0.txt.gz.partial-${process.pid}`);
    writeFileSync(partial, 'x');
    writeFileSync(live, 'x');
    const removed = await removeAbandonedRunFiles(out);
    expect(removed.sort()).toEqual([folder, partial].sort());
    expect(existsSync(folder)).toBe(false);
    expect(readdirSync(out)).toEqual([`hypersio_http_vm_2_log_0.txt.gz.partial-${process.pid}`]); // our own: left alone
  });
});

const SIGNALS = [
  { signal: 'SIGINT', exitCode: 130 },
  { signal: 'SIGTERM', exitCode: 143 },
  { signal: 'SIGHUP', exitCode: 129 },
  { signal: 'SIGKILL', exitCode: null },
] as const;

describe.skipIf(!qemuPresent && !requireQemu)('collect stopped by a signal under QEMU', () => {
  const workload = findTool('iperf3') !== null ? 'iperf3' : 'http'; // iperf3 needs the host binary for the guest image

  beforeAll(async () => {
    expect(qemuPresent, 'qemu-system-x86_64 is required here (HYPERSIO_REQUIRE_QEMU=1): run bash .ci/install-qemu.sh').toBe(true);
    const built = await execa(process.execPath, [HYPERSIO_BIN, 'guest', 'build'], { cwd: PROJECT_ROOT, reject: false });
    expect(built.exitCode, built.stderr).toBe(0);
  }, 300_000);

  for (const { signal, exitCode } of SIGNALS) {
    it(`${signal}: QEMU and servers stop, no temporary or partial file stays${exitCode === null ? '' : `, exit status ${exitCode}`}`, async () => {
      const tmp = join(scratch, `tmp-${signal}`); // the collector's TMPDIR: its run folder goes here
      const out = join(scratch, `out-${signal}`);
      mkdirSync(tmp);
      const collector = execa(process.execPath, [HYPERSIO_BIN, 'collect', '--nics', '2', '--workload', workload, '--mb', '4', '--out-dir', out], {
        cwd: PROJECT_ROOT,
        reject: false,
        env: { ...process.env, TMPDIR: tmp },
        buffer: { stderr: true },
      });
      try {
        // Once QEMU runs: everything the collector started, before the signal.
        // The guest's QEMU, not the `qemu-system-x86_64 --version` the collector asks first.
        const isQemu = (p: ProcessInfo): boolean => p.args.includes('qemu-system-x86_64') && p.args.includes(' -kernel ');
        expect(await waitFor(() => descendantsOf(collector.pid!).some(isQemu), 120_000), 'QEMU never started').toBe(true);
      } catch (err) {
        collector.kill('SIGKILL');
        throw err;
      }
      const started = descendantsOf(collector.pid!);
      collector.kill(signal);
      const r = await collector;
      if (exitCode === null) expect(r.signal).toBe('SIGKILL');
      else {
        expect(r.exitCode, String(r.stderr)).toBe(exitCode);
        expect(String(r.stderr)).toMatch(new RegExp(`hypersio: collect: interrupted by ${signal}`));
      }
      expect(await waitGone(started, 20_000)).toEqual([]);
      expect(await waitFor(() => readdirSync(tmp).length === 0, 10_000), `left in TMPDIR: ${readdirSync(tmp).join(', ')}`).toBe(true);
      const outputs = existsSync(out) ? readdirSync(out) : [];
      // Only the console transcript of an interrupted run may stay (not after SIGKILL: the watchdog removes it, half-written).
      expect(outputs.filter((f) => !f.endsWith('.console.txt'))).toEqual([]);
      if (exitCode === null) expect(outputs).toEqual([]);
    }, 180_000);
  }
});
