/**
 * The engine's HTTP side: keep-alive connections to the loopback target, one undici Client (one connection, no
 * pipelining) per VU, as k6 gives each VU its own connection. An undici Pool is a list of such Clients, but it
 * scans that list twice per request to find an idle one; a VU already knows its own, so it dispatches straight
 * to it. Requests go through `dispatch` with a reusable handler per VU, so a request allocates no promise,
 * stream or response object, and the body is discarded unread. Request timeouts are enforced by a sweep over
 * the in-flight exchanges instead of a timer per request.
 */
import { Client } from 'undici';
import type { ErrorKind } from '../results/run-result.js';
import { SIGNATURE_HEADER as SIGNATURE } from '../signature.js';
import { statusErrorKind, transportErrorKind } from './error-kind.js';

/** Whoever waits for an exchange: told once per request, with status 0 when no response came. */
export interface ExchangeOwner {
  /** `now` = performance.now() when the exchange ended. */
  exchangeDone(exchange: Exchange, status: number, kind: ErrorKind | null, now: number): void;
}

const JSON_HEADERS = ['content-type', 'application/json'];
const SIGNATURE_HEADER = SIGNATURE.toLowerCase();
const TIMED_OUT = Object.assign(new Error('request timeout exceeded'), { code: 'TFX_LOAD_TIMEOUT' });
const RUN_OVER = Object.assign(new Error('load run aborted'), { code: 'TFX_LOAD_ABORTED' });

/**
 * One VU's request slot; reused request after request until it has to be abandoned (timeout, abort). It speaks
 * undici's raw handler protocol (onConnect/onHeaders/onData/onComplete/onError): the newer onRequestStart style
 * is wrapped by undici in an adapter that allocates a controller and parses every response's headers into an
 * object, which costs about a microsecond per request that a load generator can spend better.
 */
export class Exchange {
  inFlight = false;
  /** Set when the engine gave up on the request: late callbacks for it are ignored and the slot is not reused. */
  abandoned = false;
  deadline = 0;
  private status = 0;

  constructor(
    private readonly owner: ExchangeOwner,
    /** This slot's own connection; destroyed with the slot when a request is abandoned. */
    readonly connection: Client,
  ) {}

  onConnect(): void {
    // Required by undici's protocol; requests are given up by destroying the slot's connection (abandon()).
  }

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(): boolean {
    // The body is discarded: load runs measure the exchange, not the answer.
    return true;
  }

  onComplete(): void {
    if (!this.inFlight || this.abandoned) return;
    this.inFlight = false;
    // Synchronous on purpose: a request dispatched from here is queued before undici frees the socket, so it
    // goes out on the same connection without an extra idle-socket check.
    this.owner.exchangeDone(this, this.status, statusErrorKind(this.status), performance.now());
  }

  onError(error: Error): void {
    if (!this.inFlight || this.abandoned) return;
    this.inFlight = false;
    const kind = transportErrorKind(error);
    const now = performance.now();
    // Deferred: undici calls onError in the middle of failing its queue and asserts that nothing was dispatched
    // meanwhile; a closed loop against a refused port would also spin without yielding.
    setImmediate(() => this.owner.exchangeDone(this, 0, kind, now));
  }

  begin(deadline: number): void {
    this.inFlight = true;
    this.status = 0;
    this.deadline = deadline;
  }

  /** Gives up on the request as timed out and tells the owner. */
  expire(): void {
    if (!this.inFlight) return;
    this.abandon(TIMED_OUT);
    this.owner.exchangeDone(this, 0, 'timeout', performance.now());
  }

  /** Gives up on the request without telling the owner (the run is being torn down). */
  abandon(reason: Error = RUN_OVER): void {
    this.inFlight = false;
    this.abandoned = true;
    // Destroying the slot's own connection aborts the request, queued or on the wire, and frees the socket.
    this.connection.destroy(reason).catch(() => undefined);
  }
}

/** Client options: timeouts are the engine's (requestTimeoutMs, swept), measured over the whole exchange. */
const CONNECTION_OPTIONS: Client.Options = {
  pipelining: 1,
  keepAliveTimeout: 60_000,
  headersTimeout: 0,
  bodyTimeout: 0,
};

export class LoopbackClient {
  private readonly exchanges = new Set<Exchange>();
  private readonly sweeper: NodeJS.Timeout;

  /** `origin` must already be checked to be loopback. */
  constructor(
    private readonly origin: string,
    private readonly requestTimeoutMs: number,
  ) {
    const every = Math.max(5, Math.min(100, Math.floor(requestTimeoutMs / 10)));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  /** A new request slot with its own connection for `owner` (one per VU; a fresh one after a timeout). */
  exchange(owner: ExchangeOwner): Exchange {
    const ex = new Exchange(owner, new Client(this.origin, CONNECTION_OPTIONS));
    this.exchanges.add(ex);
    return ex;
  }

  /** POSTs `body` as JSON to `path` (`now` = performance.now()); the outcome arrives through the exchange's owner. */
  post(ex: Exchange, path: string, body: string | Buffer, now: number, signature?: string): void {
    ex.begin(now + this.requestTimeoutMs);
    const headers = signature === undefined ? JSON_HEADERS : [...JSON_HEADERS, SIGNATURE_HEADER, signature];
    ex.connection.dispatch({ path, method: 'POST', headers, body }, ex);
  }

  /** Abandons every request still in flight (a run cut short by its signal). */
  abandonAll(): void {
    for (const ex of this.exchanges) if (ex.inFlight) ex.abandon();
  }

  /** Stops the sweeper and destroys every connection. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.abandonAll();
    await Promise.all([...this.exchanges].map((ex) => ex.connection.destroy().catch(() => undefined)));
    this.exchanges.clear();
  }

  private sweep(): void {
    const now = performance.now();
    for (const ex of this.exchanges) {
      if (ex.abandoned) this.exchanges.delete(ex);
      else if (ex.inFlight && now >= ex.deadline) {
        this.exchanges.delete(ex);
        ex.expire();
      }
    }
  }
}
