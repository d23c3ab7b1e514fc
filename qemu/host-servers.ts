/**
 * Host-side workload servers, bound to 127.0.0.1 only (the guest reaches them through
 * QEMU user networking). The HTTP server runs inside this Node process; iperf3 servers
 * are child processes, one per NIC because an iperf3 server runs one test at a time.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { execa, type ResultPromise } from 'execa';

const FILL = Buffer.alloc(64 * 1024, 'hypersio-payload-'.repeat(4096));
const MAX_RESPONSE_BYTES = 1 << 30;

export interface HttpWorkloadServer {
  port: number;
  /** bytes served + received, per NIC number (the guest sends ?nic=<i>) */
  bytesByNic: Map<number, number>;
  close(): Promise<void>;
}

/**
 * GET /bytes?n=N → N bytes (bulk download); POST /upload → drained (bulk upload);
 * GET /rr?n=N → N bytes (one small exchange).
 */
export async function startHttpServer(): Promise<HttpWorkloadServer> {
  const bytesByNic = new Map<number, number>();
  const count = (nic: number, bytes: number): void => {
    bytesByNic.set(nic, (bytesByNic.get(nic) ?? 0) + bytes);
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const nic = Number(url.searchParams.get('nic') ?? '0') || 0;
    if (req.method === 'POST' && url.pathname === '/upload') {
      let received = 0;
      req.on('data', (chunk: Buffer) => (received += chunk.length));
      req.on('end', () => {
        count(nic, received);
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '3' }).end('ok\n');
      });
      return;
    }
    const n = Number(url.searchParams.get('n') ?? '0');
    if ((url.pathname !== '/bytes' && url.pathname !== '/rr') || !Number.isInteger(n) || n < 0 || n > MAX_RESPONSE_BYTES) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(n) });
    let left = n;
    const pump = (): void => {
      while (left > 0) {
        const piece = left >= FILL.length ? FILL : FILL.subarray(0, left);
        left -= piece.length;
        count(nic, piece.length);
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    bytesByNic,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A block of `count` consecutive free loopback TCP ports (checked by binding each). */
export async function findFreePortBlock(count: number): Promise<number> {
  const isFree = (port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const probe = createNetServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await isFree(p);
    if (ok) return base;
  }
  throw new Error(`no block of ${count} free loopback ports found`);
}

export interface Iperf3Servers {
  basePort: number;
  close(): Promise<void>;
}

/** One `iperf3 -s -B 127.0.0.1` per NIC on basePort … basePort+count-1. */
export async function startIperf3Servers(iperf3Path: string, count: number, cancelSignal: AbortSignal): Promise<Iperf3Servers> {
  const basePort = await findFreePortBlock(count);
  const children: ResultPromise[] = [];
  const close = async (): Promise<void> => {
    for (const child of children) child.kill('SIGTERM');
    await Promise.allSettled(children);
  };
  try {
    const ready: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const port = basePort + i;
      const child = execa(iperf3Path, ['-s', '-B', '127.0.0.1', '-p', String(port), '--forceflush'], {
        stdin: 'ignore',
        stdout: 'pipe',
        stderr: 'pipe',
        buffer: false,
        reject: false,
        cancelSignal,
        forceKillAfterDelay: 2000,
      });
      children.push(child);
      // Readiness from its banner: probing with a connection would start an iperf3 test.
      ready.push(
        new Promise<void>((resolve, reject) => {
          let seen = '';
          const timer = setTimeout(() => reject(new Error(`iperf3 server on port ${port} did not start`)), 10_000);
          child.stdout?.on('data', (chunk: Buffer) => {
            seen += chunk.toString();
            if (seen.includes('Server listening')) {
              clearTimeout(timer);
              resolve();
            }
          });
          child.stderr?.resume();
          void child.then((result) => {
            clearTimeout(timer);
            reject(new Error(`iperf3 server on port ${port} exited at start (status ${result.exitCode ?? result.signal ?? '?'})`));
          });
        }),
      );
    }
    await Promise.all(ready);
  } catch (err) {
    await close();
    throw err;
  }
  return { basePort, close };
}
