/**
 * An iperf3-compatible TCP server inside the collector process, for the `iperf3` workload's
 * host side. The stock `iperf3 -s` (3.12) busy-polls as the sender of a `-R -n` test: once
 * its bytes are sent it keeps select()ing on a writable socket until the slow guest client
 * ends the test (about 13,000 wake-ups per second; in one 24-NIC run the servers used more
 * CPU than QEMU). Here, sending is driven by the socket's backpressure, so waiting costs
 * nothing, and the bytes per NIC are counted like the HTTP server's.
 *
 * The protocol (iperf3 3.x, TCP, what a client of the guest's iperf3 needs): a control
 * connection opens with a 37-byte cookie; the server sends one-byte states: PARAM_EXCHANGE
 * (the client answers with its parameters: a 4-byte big-endian length and JSON),
 * CREATE_STREAMS (the client opens `parallel` data connections, each starting with the
 * cookie), TEST_START and TEST_RUNNING (data flows: to the client with `reverse`, else from
 * it). The client sends TEST_END when its byte count or time is reached; the server then
 * sends EXCHANGE_RESULTS, reads the client's results (length + JSON), sends its own, then
 * DISPLAY_RESULTS; the client ends with IPERF_DONE.
 */
import { createServer, type Server, type Socket } from 'node:net';

const COOKIE_BYTES = 37;
const STATE = {
  TEST_START: 1,
  TEST_RUNNING: 2,
  TEST_END: 4,
  PARAM_EXCHANGE: 9,
  CREATE_STREAMS: 10,
  CLIENT_TERMINATE: 12,
  EXCHANGE_RESULTS: 13,
  DISPLAY_RESULTS: 14,
  IPERF_DONE: 16,
  SERVER_ERROR: -2,
} as const;
const DEFAULT_BLOCK_BYTES = 128 * 1024;
/** After an upload's TEST_END, data still arriving is counted until the streams are quiet this long (at most DRAIN_LIMIT_MS). */
const DRAIN_QUIET_MS = 100;
const DRAIN_LIMIT_MS = 2_000;
/** A guest iperf3 client that goes silent this long is abandoned (its test is over anyway). */
const IDLE_CONTROL_MS = 600_000;

interface TestParams {
  tcp?: boolean;
  udp?: boolean;
  reverse?: boolean;
  bidirectional?: boolean;
  num?: number;
  blockcount?: number;
  parallel?: number;
  len?: number;
}

/** Reads exactly n bytes at a time from a socket, in order, across chunk boundaries. */
class ByteReader {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  private ended: Error | null = null;
  private readonly onData = (chunk: Buffer): void => {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    this.deliver();
  };

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    const end = (): void => {
      this.ended ??= new Error('connection closed');
      this.deliver();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  /** Stops reading; returns the bytes received but not read. */
  detach(): Buffer {
    this.socket.off('data', this.onData);
    const rest = this.buffered;
    this.buffered = Buffer.alloc(0);
    return rest;
  }

  read(n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting = { n, resolve, reject };
      this.deliver();
    });
  }

  private deliver(): void {
    const w = this.waiting;
    if (w === null) return;
    if (this.buffered.length >= w.n) {
      this.waiting = null;
      const out = this.buffered.subarray(0, w.n);
      this.buffered = this.buffered.subarray(w.n);
      w.resolve(out);
    } else if (this.ended !== null) {
      this.waiting = null;
      w.reject(this.ended);
    }
  }
}

export interface Iperf3TestServer {
  port: number;
  /** payload bytes moved (both directions) */
  bytes(): number;
  close(): Promise<void>;
}

/** An iperf3 server on 127.0.0.1:port (0: any free port), serving one test at a time, as `iperf3 -s` does. */
export async function startIperf3TestServer(port: number): Promise<Iperf3TestServer> {
  let moved = 0;
  interface Stream {
    socket: Socket;
    /** data that arrived with the cookie */
    early: Buffer;
  }
  let current: { cookie: string; expected: number; streams: Stream[]; onStreams: () => void } | null = null;
  const sockets = new Set<Socket>();

  const runTest = async (control: Socket, reader: ByteReader, cookie: string): Promise<void> => {
    if (current !== null) {
      control.end(Buffer.from([STATE.SERVER_ERROR & 0xff]));
      return;
    }
    const send = (state: number): void => void control.write(Buffer.from([state & 0xff]));
    send(STATE.PARAM_EXCHANGE);
    const params = JSON.parse((await reader.read((await reader.read(4)).readUInt32BE(0))).toString('utf8')) as TestParams;
    if (params.udp === true || params.bidirectional === true) throw new Error('only TCP tests in one direction');
    const parallel = params.parallel ?? 1;
    const block = params.len ?? DEFAULT_BLOCK_BYTES;
    const test = { cookie, expected: parallel, streams: [] as Stream[], onStreams: () => {} };
    const streamsReady = new Promise<void>((resolve) => (test.onStreams = resolve));
    current = test;
    try {
      send(STATE.CREATE_STREAMS);
      await streamsReady;
      send(STATE.TEST_START);
      send(STATE.TEST_RUNNING);
      const started = Date.now();
      const perStream = test.streams.map(() => 0);
      let lastDataAt = Date.now();
      // Sender: at most `num` bytes (or blocks), split over the streams; unlimited for timed tests.
      const limit = params.num ? params.num : params.blockcount ? params.blockcount * block : Infinity;
      const payload = Buffer.alloc(block, 0x5a);
      if (params.reverse === true) {
        let left = limit;
        test.streams.forEach(({ socket: stream }, i) => {
          const pump = (): void => {
            while (left > 0 && !stream.destroyed) {
              const piece = left >= block ? payload : payload.subarray(0, left);
              left -= piece.length;
              perStream[i]! += piece.length;
              moved += piece.length;
              if (!stream.write(piece)) {
                stream.once('drain', pump);
                return;
              }
            }
          };
          pump();
        });
      } else {
        test.streams.forEach(({ socket: stream, early }, i) => {
          const count = (chunk: Buffer): void => {
            perStream[i]! += chunk.length;
            moved += chunk.length;
            lastDataAt = Date.now();
          };
          count(early);
          stream.on('data', count);
        });
      }
      // Wait for the client's TEST_END (or its giving up).
      for (;;) {
        const state = (await reader.read(1)).readInt8(0);
        if (state === STATE.TEST_END) break;
        if (state === STATE.CLIENT_TERMINATE) return;
      }
      const seconds = (Date.now() - started) / 1000;
      // The client's last data may still be on its way behind its TEST_END: take it until the streams go quiet.
      for (const until = Date.now() + DRAIN_LIMIT_MS; params.reverse !== true && Date.now() - lastDataAt < DRAIN_QUIET_MS && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, DRAIN_QUIET_MS / 4));
      }
      for (const stream of test.streams) stream.socket.destroy();
      send(STATE.EXCHANGE_RESULTS);
      await reader.read((await reader.read(4)).readUInt32BE(0)); // the client's results: not needed
      const results = Buffer.from(
        JSON.stringify({
          cpu_util_total: 0,
          cpu_util_user: 0,
          cpu_util_system: 0,
          sender_has_retransmits: params.reverse === true ? 0 : -1,
          streams: perStream.map((bytes, i) => ({
            id: i === 0 ? 1 : i + 2, // iperf3 numbers streams 1, 3, 4, …
            bytes,
            retransmits: 0,
            jitter: 0,
            errors: 0,
            omitted_errors: 0,
            packets: 0,
            omitted_packets: 0,
            start_time: 0,
            end_time: seconds,
          })),
        }),
      );
      const length = Buffer.alloc(4);
      length.writeUInt32BE(results.length, 0);
      control.write(Buffer.concat([length, results]));
      send(STATE.DISPLAY_RESULTS);
      await reader.read(1); // IPERF_DONE
    } finally {
      for (const stream of test.streams) stream.socket.destroy();
      current = null;
    }
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_CONTROL_MS, () => socket.destroy());
    const reader = new ByteReader(socket);
    // A connection is a data stream of the current test if it opens with its cookie, else a control connection.
    void reader
      .read(COOKIE_BYTES)
      .then((first) => {
        const cookie = first.toString('latin1');
        const test = current;
        if (test !== null && cookie === test.cookie && test.streams.length < test.expected) {
          test.streams.push({ socket, early: reader.detach() });
          if (test.streams.length === test.expected) test.onStreams();
          return;
        }
        return runTest(socket, reader, cookie).finally(() => socket.end());
      })
      .catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    bytes: () => moved,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
