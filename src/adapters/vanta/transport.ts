/** What every Vanta call shares: where Vanta is, how long to wait, time, retries and reporting. */
import type { Logger } from 'pino';
import type { RetryPolicy, Sleep } from '../../pipeline/retry.js';
import type { Fetch } from './http.js';
import type { VantaObserver } from './observer.js';
import type { Clock } from './rate-limiter.js';

export interface VantaTransport {
  /** `https://api.vanta.com` or a prefix of it; paths (`/v1/tests`) are appended. */
  baseUrl: string;
  fetch: Fetch;
  timeoutMs: number;
  clock: Clock;
  sleep: Sleep;
  /** Jitter source of the retry policy. */
  random: () => number;
  retry: RetryPolicy;
  observer: VantaObserver;
  logger: Logger;
}

/** `baseUrl` + `path` (+ query), keeping any path prefix of the base (a proxy at `https://gw/vanta`). */
export function urlFor(baseUrl: string, path: string, query: Record<string, string> = {}): URL {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url;
}
