/**
 * The bearer token, one per process. Vanta keeps one active token per application: a new mint revokes the previous
 * token and fails the requests still using it (protocols.md §1.2). So concurrent callers share one token and one
 * in-flight mint; the token is renewed a minute before it expires, and a 401 leads to at most one re-mint per
 * request. Mints have their own limiter: the token endpoint allows 5 per minute. A failed mint fails the requests
 * waiting for it; their retry policy (the client's, or the pipeline's) tries again with a new mint. With a shared
 * store (shared-token.ts) replicas use one token: a replica adopts the one in the store and mints only under its lock.
 */
import { TerraFixError } from '../../pipeline/errors.js';
import { untilAborted } from './abort.js';
import { errorForStatus, parseRetryAfterMs } from './http-errors.js';
import { exchange } from './http.js';
import type { SlidingWindowLimiter } from './rate-limiter.js';
import { obtainShared, type SharedTokenStore } from './shared-token.js';
import { type VantaTransport, urlFor } from './transport.js';
import { tokenResponseSchema } from './wire.js';

export const VANTA_SCOPE = 'vanta-api.all:read';
/** Renew this long before expiry (the official MCP server uses one minute). */
export const REFRESH_MARGIN_MS = 60_000;

export interface AccessTokenProvider {
  /** A token to send now. */
  token(signal?: AbortSignal): Promise<string>;
  /** Vanta answered 401 to `token`: a token to retry with once, or a configuration error. */
  rejected(token: string, signal?: AbortSignal): Promise<string>;
}

/** The guide's `VANTA_API_TOKEN`: minted elsewhere, never refreshed here. */
export class StaticTokenProvider implements AccessTokenProvider {
  constructor(private readonly value: string) {}

  token(): Promise<string> {
    return Promise.resolve(this.value);
  }

  rejected(): Promise<string> {
    return Promise.reject(
      new TerraFixError(
        'TFX_CONFIG',
        'Vanta rejected VANTA_API_TOKEN (401): it expired or was revoked; set VANTA_CLIENT_ID and VANTA_CLIENT_SECRET so TerraFix mints and renews its own token',
        { category: 'config', field: 'VANTA_API_TOKEN' },
      ),
    );
  }
}

interface Held {
  value: string;
  /** Epoch ms after which the token is renewed before use. */
  renewAt: number;
}

/** OAuth 2.0 client credentials (`VANTA_CLIENT_ID` / `VANTA_CLIENT_SECRET`), JSON body, scope vanta-api.all:read. */
export class ClientCredentialsProvider implements AccessTokenProvider {
  #held: Held | undefined;
  #minting: Promise<Held> | undefined;

  constructor(
    private readonly credentials: { clientId: string; clientSecret: string },
    private readonly transport: VantaTransport,
    private readonly mintLimiter: SlidingWindowLimiter,
    /** Where replicas share one token; absent: this process mints its own. */
    private readonly shared?: SharedTokenStore,
  ) {}

  async token(signal?: AbortSignal): Promise<string> {
    const held = this.#held;
    if (held !== undefined && this.transport.clock.now() < held.renewAt) return held.value;
    return (await untilAborted(this.#mint(), signal)).value;
  }

  async rejected(token: string, signal?: AbortSignal): Promise<string> {
    this.transport.observer.tokenRejected();
    const held = this.#held;
    // Another caller already replaced the rejected token: use theirs instead of revoking it with a new mint.
    if (held !== undefined && held.value !== token) return held.value;
    if (held?.value === token) this.#held = undefined;
    return (await untilAborted(this.#mint(token), signal)).value;
  }

  /**
   * Joins the mint in flight, or starts the one mint every concurrent caller waits for. The shared mint takes no
   * caller's signal (one caller giving up must not fail the others); each caller stops waiting on its own signal.
   */
  #mint(rejected?: string): Promise<Held> {
    this.#minting ??= this.#obtain(rejected).finally(() => {
      this.#minting = undefined;
    });
    return this.#minting;
  }

  /** The shared token when there is one (never `rejected`), else a fresh one. */
  async #obtain(rejected: string | undefined): Promise<Held> {
    const { transport, shared } = this;
    const held =
      shared === undefined
        ? await this.#mintOnce()
        : await obtainShared(shared, {
            mint: () => this.#mintOnce(),
            now: () => transport.clock.now(),
            sleep: transport.sleep,
            rejected,
            waitMs: transport.timeoutMs + 1_000,
            logger: transport.logger,
          });
    this.#held = held;
    return held;
  }

  /** One token request. Not retried here: the request that needed the token is retried as a whole (no stacking). */
  async #mintOnce(): Promise<Held> {
    const { transport } = this;
    const held = await this.#request();
    transport.observer.tokenMinted();
    transport.logger.debug({ renewAt: new Date(held.renewAt).toISOString() }, 'Vanta token minted');
    return held;
  }

  async #request(): Promise<Held> {
    const { transport } = this;
    const label = 'POST /oauth/token';
    await this.mintLimiter.acquire();
    const answer = await exchange(
      transport.fetch,
      urlFor(transport.baseUrl, '/oauth/token'),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          client_id: this.credentials.clientId,
          client_secret: this.credentials.clientSecret,
          scope: VANTA_SCOPE,
          grant_type: 'client_credentials',
        }),
      },
      label,
      transport.timeoutMs,
      undefined,
    ).catch((error: unknown) => {
      transport.observer.requestFinished('token', 'network');
      throw error;
    });
    transport.observer.requestFinished('token', answer.status);
    const now = transport.clock.now();
    if (answer.status === 400 || answer.status === 401) {
      throw new TerraFixError(
        'TFX_CONFIG',
        `Vanta refused the client credentials (${answer.status}): check VANTA_CLIENT_ID, VANTA_CLIENT_SECRET and that the application may use the scope ${VANTA_SCOPE}`,
        { category: 'config', field: 'VANTA_CLIENT_ID', cause: { status: answer.status } },
      );
    }
    if (answer.status === 429) this.mintLimiter.pauseUntil(now + (retryAfterOf(answer.headers, now) ?? 0));
    if (answer.status < 200 || answer.status >= 300)
      throw errorForStatus(label, answer.status, retryAfterOf(answer.headers, now));
    const parsed = tokenResponseSchema.safeParse(answer.json);
    if (!parsed.success) {
      throw new TerraFixError('TFX_PERMANENT', 'Vanta answered POST /oauth/token with an unexpected body', {
        category: 'permanent',
      });
    }
    const lifetimeMs = parsed.data.expires_in * 1000;
    // A very short lifetime still gets used for half of it rather than renewed on every call.
    const margin = Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2);
    return { value: parsed.data.access_token, renewAt: now + lifetimeMs - margin };
  }
}

function retryAfterOf(headers: Headers, now: number): number | undefined {
  return parseRetryAfterMs(headers.get('retry-after'), now);
}
