/**
 * A trivial loopback HTTP target for engine tests and the bench: answers `{"ok":true}` to any request once its
 * body is read, with an adjustable status and delay, and a stall that holds every response for a while.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TrivialServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Requests answered so far. */
  readonly answered: number;
  /** Longest time (ms) from a request's arrival to its answer, as the server sees it. */
  readonly maxServiceMs: number;
  /** Holds every response (pending and arriving) until `ms` from now. */
  stall(ms: number): void;
  setStatus(status: number): void;
  setDelay(ms: number): void;
  /** Closes the listener and every connection. */
  close(): Promise<void>;
}

export interface TrivialServerOptions {
  /** Default 0: the OS picks a free port. */
  port?: number;
  status?: number;
  /** Milliseconds before each answer (default 0). */
  delayMs?: number;
}

const BODY = Buffer.from('{"ok":true}');

/** Starts the server on 127.0.0.1. */
export async function startTrivialServer(options: TrivialServerOptions = {}): Promise<TrivialServer> {
  let status = options.status ?? 200;
  let delayMs = options.delayMs ?? 0;
  let stalledUntil = 0;
  let answered = 0;
  let maxServiceMs = 0;

  const answer = (res: ServerResponse, arrived: number): void => {
    const wait = Math.max(stalledUntil - performance.now(), 0);
    if (wait > 0) {
      setTimeout(() => answer(res, arrived), wait);
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': BODY.length });
    res.end(BODY);
    answered++;
    maxServiceMs = Math.max(maxServiceMs, performance.now() - arrived);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const arrived = performance.now();
    req.on('end', () => {
      if (delayMs > 0) setTimeout(() => answer(res, arrived), delayMs);
      else answer(res, arrived);
    });
    req.resume();
  });
  server.keepAliveTimeout = 60_000;
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get answered() {
      return answered;
    },
    get maxServiceMs() {
      return maxServiceMs;
    },
    stall: (ms) => {
      stalledUntil = Math.max(stalledUntil, performance.now() + ms);
    },
    setStatus: (s) => {
      status = s;
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
