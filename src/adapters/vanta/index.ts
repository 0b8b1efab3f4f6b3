/**
 * The Vanta adapter, assembled from settings (src/config/vanta.ts builds them from the environment): one client
 * per process (one token, one rate limit), the pipeline's FailureSource and the poll-side reader sharing it.
 */
import type { Logger } from 'pino';
import type { RetryPolicy, Sleep } from '../../pipeline/retry.js';
import { sleep as timerSleep } from '../../pipeline/retry.js';
import { MAX_PAGE_SIZE, VantaClient } from './client.js';
import { FailingEntityCache } from './entity-cache.js';
import { VantaFailureSource } from './failure-source.js';
import type { Fetch } from './http.js';
import type { Control } from './known-tests.js';
import { noopVantaObserver, type VantaObserver } from './observer.js';
import { type Clock, SlidingWindowLimiter, systemClock } from './rate-limiter.js';
import { type TestFilters, VantaReader } from './reader.js';
import type { SeverityMap } from './severity.js';
import type { SharedTokenStore } from './shared-token.js';
import {
  type AccessTokenProvider,
  ClientCredentialsProvider,
  StaticTokenProvider,
} from './token-provider.js';
import type { VantaTransport } from './transport.js';

export type VantaAuth =
  | { kind: 'client_credentials'; clientId: string; clientSecret: string }
  /** The guide's pre-minted VANTA_API_TOKEN. */
  | { kind: 'static'; token: string };

export interface VantaSettings {
  baseUrl: string;
  auth: VantaAuth;
  filters: TestFilters;
  rateLimitPerMinute: number;
  timeoutMs: number;
  retry: RetryPolicy;
  severities: SeverityMap;
  controls: ReadonlyMap<string, Control>;
  /** How long a listing of a test's failing entities answers `confirm` (0: every confirm asks Vanta). */
  confirmCacheMs: number;
  /** The records' `framework`. */
  framework: string;
}

/** Injectable parts; tests pass virtual time, production the defaults. */
export interface VantaDeps {
  logger: Logger;
  observer?: VantaObserver;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  fetch?: Fetch;
  pageSize?: number;
  /** Where replicas share one token (the service's Redis); absent: this process mints its own. */
  sharedToken?: SharedTokenStore;
}

export interface Vanta {
  client: VantaClient;
  source: VantaFailureSource;
  reader: VantaReader;
}

/** Vanta allows 5 token requests per minute. */
const MINTS_PER_MINUTE = 5;

export function createVanta(settings: VantaSettings, deps: VantaDeps): Vanta {
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? timerSleep;
  const observer = deps.observer ?? noopVantaObserver;
  const transport: VantaTransport = {
    baseUrl: settings.baseUrl,
    fetch: deps.fetch ?? globalThis.fetch,
    timeoutMs: settings.timeoutMs,
    clock,
    sleep,
    random: deps.random ?? Math.random,
    retry: settings.retry,
    observer,
    logger: deps.logger,
  };
  const auth: AccessTokenProvider =
    settings.auth.kind === 'static'
      ? new StaticTokenProvider(settings.auth.token)
      : new ClientCredentialsProvider(
          { clientId: settings.auth.clientId, clientSecret: settings.auth.clientSecret },
          transport,
          new SlidingWindowLimiter(MINTS_PER_MINUTE, 60_000, clock, sleep),
          deps.sharedToken,
        );
  const limiter = new SlidingWindowLimiter(settings.rateLimitPerMinute, 60_000, clock, sleep);
  const client = new VantaClient(transport, auth, limiter, deps.pageSize ?? MAX_PAGE_SIZE);
  const cache = new FailingEntityCache(settings.confirmCacheMs, clock);
  return {
    client,
    source: new VantaFailureSource(client, cache, settings.controls),
    reader: new VantaReader(client, {
      filters: settings.filters,
      normalize: {
        severities: settings.severities,
        controls: settings.controls,
        framework: settings.framework,
        now: () => clock.now(),
      },
      cache,
      observer,
      logger: deps.logger,
    }),
  };
}

export type { VantaObserver, SkipReason, VantaEndpoint } from './observer.js';
export { TestRunWatermark } from './test-run-watermark.js';
export type { SharedToken, SharedTokenStore } from './shared-token.js';
export type { TestFailures, TestFilters } from './reader.js';
export type { VantaTest, VantaEntity } from './wire.js';
