import type client from 'prom-client';
import { Counter } from 'prom-client';
import { VantaMetrics } from './vanta-metrics.js';

/**
 * Real mode's adapter counters, in the app's registry next to the pipeline metrics: what the client libraries
 * retry on their own (Vanta's re-mints and backoff, Octokit's rate-limit waits) never reaches `retries_total`, so
 * it is counted here. The observer shapes match the adapters' hooks; observability imports no adapter.
 */
export class AdapterMetrics {
  readonly vanta: VantaMetrics;
  readonly githubRateLimits: Counter<'limit' | 'retried'>;
  readonly gitCache: Counter<'kind'>;

  constructor(registry: client.Registry) {
    const registers = [registry];
    this.vanta = new VantaMetrics(registry);
    this.githubRateLimits = new Counter({
      name: 'terrafix_github_rate_limits_total',
      help: 'GitHub rate-limit answers (primary, secondary), by whether the client waited and retried',
      labelNames: ['limit', 'retried'],
      registers,
    });
    this.gitCache = new Counter({
      name: 'terrafix_git_cache_events_total',
      help: 'Workspace cache operations (clone, fetch, reclone, evict)',
      labelNames: ['kind'],
      registers,
    });
  }

  /** For the GitHub publisher's `events.rateLimit`. */
  readonly onGitHubRateLimit = (event: { limit: string; willRetry: boolean }): void => {
    this.githubRateLimits.inc({ limit: event.limit, retried: String(event.willRetry) });
  };

  /** For the git checkout's `onEvent`. */
  readonly onGitCacheEvent = (event: { kind: string }): void => {
    this.gitCache.inc({ kind: event.kind });
  };
}
