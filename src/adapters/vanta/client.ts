/**
 * Authenticated, rate-limited GETs against Vanta's REST API and its cursor pagination. Throttles (429, honouring
 * Retry-After), 5xx, timeouts and network errors are retried under the retry policy unless the caller retries
 * itself (the pipeline's confirm step does: its own policy counts the attempts). A 401 re-mints the token once.
 */
import { TerraFixError } from '../../pipeline/errors.js';
import { runWithRetry } from '../../pipeline/retry.js';
import { errorForShape, errorForStatus, parseRetryAfterMs } from './http-errors.js';
import { exchange, type Exchange } from './http.js';
import type { VantaEndpoint } from './observer.js';
import type { SlidingWindowLimiter } from './rate-limiter.js';
import type { AccessTokenProvider } from './token-provider.js';
import { type VantaTransport, urlFor } from './transport.js';
import { pageSchema } from './wire.js';

/** Vanta caps `pageSize` at 100. */
export const MAX_PAGE_SIZE = 100;

export interface GetOptions {
  signal?: AbortSignal | undefined;
  /** false: one attempt, errors go to the caller's own retry policy (no stacked retries). Default true. */
  retry?: boolean;
}

export class VantaClient {
  constructor(
    private readonly transport: VantaTransport,
    private readonly auth: AccessTokenProvider,
    private readonly limiter: SlidingWindowLimiter,
    /** Items per page, 1..100. */
    readonly pageSize: number = MAX_PAGE_SIZE,
  ) {
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE)
      throw new RangeError('pageSize must be an integer in 1..100');
  }

  /** GET `path` and its JSON body. */
  async get(
    endpoint: VantaEndpoint,
    path: string,
    query: Record<string, string>,
    options: GetOptions = {},
  ): Promise<unknown> {
    const { transport } = this;
    const policy = options.retry === false ? { ...transport.retry, maxAttempts: 1 } : transport.retry;
    return runWithRetry(() => this.#attempt(endpoint, path, query, options.signal), policy, {
      sleep: transport.sleep,
      random: transport.random,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onRetry: ({ attempt, delayMs, error }) => {
        transport.observer.retried(endpoint, error.code);
        transport.logger.warn(
          { endpoint, path, attempt, delayMs, code: error.code },
          'Vanta request retried',
        );
      },
    });
  }

  /**
   * Every page of a list endpoint, in order: `pageSize` and `pageCursor` are added; pages follow
   * `results.pageInfo.endCursor` while `hasNextPage`. Each yielded array holds one page's raw items.
   */
  async *pages(
    endpoint: VantaEndpoint,
    path: string,
    query: Record<string, string>,
    options: GetOptions = {},
  ): AsyncGenerator<unknown[]> {
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const pageQuery: Record<string, string> = { ...query, pageSize: String(this.pageSize) };
      if (cursor !== undefined) pageQuery['pageCursor'] = cursor;
      const body = await this.get(endpoint, path, pageQuery, options);
      const page = pageSchema.safeParse(body);
      if (!page.success) throw errorForShape(`GET ${path}`);
      yield page.data.results.data;
      const { hasNextPage, endCursor } = page.data.results.pageInfo;
      if (!hasNextPage) return;
      // A cursor seen before would loop for ever: the server broke its own contract.
      if (endCursor === undefined || endCursor === null || endCursor === '' || seen.has(endCursor))
        throw errorForShape(`GET ${path}`);
      seen.add(endCursor);
      cursor = endCursor;
    }
  }

  async #attempt(
    endpoint: VantaEndpoint,
    path: string,
    query: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const label = `GET ${path}`;
    let token = await this.auth.token(signal);
    let answer = await this.#send(endpoint, path, query, token, signal);
    if (answer.status === 401) {
      token = await this.auth.rejected(token, signal);
      answer = await this.#send(endpoint, path, query, token, signal);
      if (answer.status === 401) {
        // A token minted a moment ago was refused: most likely another process minted with the same credentials.
        throw new TerraFixError(
          'TFX_TRANSIENT',
          `Vanta refused a freshly minted token for ${label} (401): is another process using the same VANTA_CLIENT_ID? Vanta keeps one active token per application`,
          { category: 'transient', cause: { status: 401 } },
        );
      }
    }
    if (answer.status >= 200 && answer.status < 300) return answer.json;
    const now = this.transport.clock.now();
    const retryAfterMs = parseRetryAfterMs(answer.headers.get('retry-after'), now);
    if (answer.status === 429) this.limiter.pauseUntil(now + (retryAfterMs ?? 0));
    throw errorForStatus(label, answer.status, retryAfterMs);
  }

  async #send(
    endpoint: VantaEndpoint,
    path: string,
    query: Record<string, string>,
    token: string,
    signal: AbortSignal | undefined,
  ): Promise<Exchange> {
    const { transport } = this;
    await this.limiter.acquire(signal);
    try {
      const answer = await exchange(
        transport.fetch,
        urlFor(transport.baseUrl, path, query),
        { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
        `GET ${path}`,
        transport.timeoutMs,
        signal,
      );
      transport.observer.requestFinished(endpoint, answer.status);
      return answer;
    } catch (error) {
      transport.observer.requestFinished(endpoint, 'network');
      throw error;
    }
  }
}
