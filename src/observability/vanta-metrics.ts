import type client from 'prom-client';
import { Counter } from 'prom-client';

/**
 * The Vanta adapter's counters, in the app's registry next to the pipeline metrics. Its retries happen inside the
 * client (the poll side has no pipeline around it), so they are counted here, not in `retries_total`. The methods
 * match the adapter's VantaObserver, which the composition passes in (observability imports no adapter).
 */
export class VantaMetrics {
  readonly requests: Counter<'endpoint' | 'status'>;
  readonly retries: Counter<'endpoint' | 'code'>;
  readonly tokenMints: Counter;
  readonly tokenRejections: Counter;
  readonly skipped: Counter<'reason'>;

  constructor(registry: client.Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'terrafix_vanta_requests_total',
      help: 'Requests to Vanta by endpoint (token, tests, entities) and HTTP status (or network)',
      labelNames: ['endpoint', 'status'],
      registers,
    });
    this.retries = new Counter({
      name: 'terrafix_vanta_retries_total',
      help: 'Vanta requests tried again (throttled, 5xx, timeout, network), by endpoint and error code',
      labelNames: ['endpoint', 'code'],
      registers,
    });
    this.tokenMints = new Counter({
      name: 'terrafix_vanta_token_mints_total',
      help: 'OAuth tokens minted (one per process and hour when all is well)',
      registers,
    });
    this.tokenRejections = new Counter({
      name: 'terrafix_vanta_token_rejections_total',
      help: 'Requests answered 401 on a held token (revoked or expired), each followed by one re-mint',
      registers,
    });
    this.skipped = new Counter({
      name: 'terrafix_vanta_entities_skipped_total',
      help: 'Failing Vanta entities (or tests) that could not become failure records, by reason',
      labelNames: ['reason'],
      registers,
    });
  }

  /** The adapter's observer, writing these counters. */
  readonly observer = {
    requestFinished: (endpoint: string, status: number | 'network') =>
      this.requests.inc({ endpoint, status: String(status) }),
    retried: (endpoint: string, code: string) => this.retries.inc({ endpoint, code }),
    tokenMinted: () => this.tokenMints.inc(),
    tokenRejected: () => this.tokenRejections.inc(),
    skipped: (reason: string) => this.skipped.inc({ reason }),
  };
}
