/**
 * Host-side workload servers, bound to 127.0.0.1 only (the guest reaches them through
 * QEMU user networking), all inside this Node process: the HTTP server, and one
 * iperf3-compatible server per NIC (an iperf3 server runs one test at a time).
 */
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startIperf3TestServer, type Iperf3TestServer } from './iperf3-server.js';

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
  /** payload bytes moved per NIC number */
  bytesByNic: Map<number, number>;
  close(): Promise<void>;
}

/**
 * One iperf3-compatible server per NIC on basePort … basePort+count-1, inside this process
 * (iperf3-server.ts: the stock `iperf3 -s` busy-polls in the guest's `-R -n` tests).
 */
export async function startIperf3Servers(count: number): Promise<Iperf3Servers> {
  const basePort = await findFreePortBlock(count);
  const servers: Iperf3TestServer[] = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(servers.map((s) => s.close()));
  };
  try {
    for (let i = 0; i < count; i++) servers.push(await startIperf3TestServer(basePort + i));
  } catch (err) {
    await close();
    throw err;
  }
  return {
    basePort,
    get bytesByNic() {
      return new Map(servers.map((s, i) => [i + 1, s.bytes()]));
    },
    close,
  };
}
