/**
 * The Octokit client with the throttling and retry plugins, configured so each failure kind has one owner:
 * - rate limits (403/429 with GitHub's headers): the throttling plugin. It is the only layer that reads
 *   `retry-after` / `x-ratelimit-reset` and shares one limiter between concurrent publishes; it waits the server's
 *   time, at most `rateLimitRetries` times and never longer than `maxWaitMs`, then lets the error surface as
 *   TFX_THROTTLED carrying that wait (the pipeline's policy waits it out only within its own maxRetryAfterMs).
 * - 5xx, timeouts and network errors on one request: the retry plugin (`requestRetries`), which retries that one
 *   call without redoing the earlier steps of a multi-step publish. 403/429 are on its do-not-retry list so the
 *   two plugins never retry the same answer.
 * - everything else (4xx) is final here; the pipeline's policy retries only what is still transient afterwards.
 * The throttling plugin's write limiters are per client (not the module-wide defaults), so spacing is configurable.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import type { Logger } from 'pino';

export const GitHubOctokit = Octokit.plugin(throttling, retry);
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

export interface RateLimitEvent {
  limit: 'primary' | 'secondary';
  /** The server's wait, in milliseconds. */
  waitMs: number;
  /** Retries of this request so far. */
  retryCount: number;
  /** Whether the client waits and retries (false: the error surfaces as throttled). */
  willRetry: boolean;
  method: string;
  url: string;
}

export interface GitHubClientOptions {
  token: string;
  apiUrl: string;
  throttle: {
    enabled: boolean;
    writeIntervalMs: number;
    pullRequestIntervalMs: number;
    rateLimitRetries: number;
    maxWaitMs: number;
  };
  requestRetries: number;
  requestTimeoutMs: number;
  /** Milliseconds per second of server-requested wait (tests shrink time with it; default 1000). */
  msPerSecond?: number;
  /** Base of the retry plugin's backoff (retry n waits n² × this; default 1000 ms). */
  retryBaseMs?: number;
  logger?: Logger | undefined;
  onRateLimit?: ((event: RateLimitEvent) => void) | undefined;
}

/** fetch with a per-attempt timeout, chained to the caller's signal. */
function timedFetch(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal == null ? timeout : AbortSignal.any([init.signal, timeout]);
    return fetch(input, { ...init, signal });
  };
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const { throttle, logger } = options;
  const msPerSecond = options.msPerSecond ?? 1000;
  const onLimit =
    (limit: RateLimitEvent['limit']) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ): boolean => {
      const waitMs = retryAfter * 1000;
      const willRetry = retryCount < throttle.rateLimitRetries && waitMs <= throttle.maxWaitMs;
      const event = { limit, waitMs, retryCount, willRetry, method: request.method, url: request.url };
      logger?.warn({ github: event }, 'GitHub rate limit');
      options.onRateLimit?.(event);
      return willRetry;
    };
  const id = `terrafix-${Math.random().toString(36).slice(2)}`;
  return new GitHubOctokit({
    auth: options.token,
    baseUrl: options.apiUrl,
    userAgent: 'terrafix',
    log: {
      debug: () => undefined,
      info: (message: string) => logger?.debug({ github: message }, 'GitHub request'),
      warn: (message: string) => logger?.warn({ github: message }, 'GitHub warning'),
      error: (message: string) => logger?.debug({ github: message }, 'GitHub request failed'),
    },
    request: { fetch: timedFetch(options.requestTimeoutMs) },
    throttle: throttle.enabled
      ? {
          id,
          retryAfterBaseValue: msPerSecond,
          fallbackSecondaryRateRetryAfter: 60,
          write: new Bottleneck.Group({ maxConcurrent: 1, minTime: throttle.writeIntervalMs }),
          notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: throttle.pullRequestIntervalMs }),
          onRateLimit: onLimit('primary'),
          onSecondaryRateLimit: onLimit('secondary'),
        }
      : { enabled: false },
    retry: {
      retries: options.requestRetries,
      retryAfterBaseValue: options.retryBaseMs ?? 1000,
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
    },
  });
}
