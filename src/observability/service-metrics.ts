/** The service's own metrics (poller, leader lease, PR caps, close the loop), in the app's registry. */
import client from 'prom-client';

export class ServiceMetrics {
  readonly pollCycles: client.Counter<'result'>;
  readonly lastPoll: client.Gauge;
  readonly leader: client.Gauge;
  readonly pollWait: client.Gauge;
  readonly deferred: client.Counter<'cap'>;
  readonly remediated: client.Counter;
  readonly prsClosed: client.Counter;
  readonly timeToMerge: client.Histogram;

  constructor(registry: client.Registry) {
    const registers = [registry];
    this.pollCycles = new client.Counter({
      name: 'terrafix_poll_cycles_total',
      help: 'Vanta poll cycles run by this replica as leader, by result (ok, error)',
      labelNames: ['result'],
      registers,
    });
    this.lastPoll = new client.Gauge({
      name: 'last_poll_timestamp',
      help: 'Unix time (seconds) of the last poll cycle this replica ran',
      registers,
    });
    this.leader = new client.Gauge({
      name: 'terrafix_poller_leader',
      help: '1 while this replica holds the poller lease, 0 otherwise',
      registers,
    });
    this.pollWait = new client.Gauge({
      name: 'terrafix_poll_wait_seconds',
      help: 'Wait before the next poll cycle: the interval, or 2x, 4x, 8x it after failed cycles (backoff)',
      registers,
    });
    this.deferred = new client.Counter({
      name: 'terrafix_jobs_deferred_total',
      help: 'Jobs put back as delayed by a PR cap (open_per_repo, per_hour)',
      labelNames: ['cap'],
      registers,
    });
    this.remediated = new client.Counter({
      name: 'terrafix_remediations_merged_total',
      help: 'TerraFix PRs merged (seen when their resource stopped failing)',
      registers,
    });
    this.prsClosed = new client.Counter({
      name: 'terrafix_prs_closed_total',
      help: 'Open TerraFix PRs closed with a comment because their resource stopped failing',
      registers,
    });
    this.timeToMerge = new client.Histogram({
      name: 'terrafix_time_to_merge_seconds',
      help: 'From the failure (failed_at) to the merge of its TerraFix PR',
      buckets: [3_600, 4 * 3_600, 86_400, 3 * 86_400, 7 * 86_400, 30 * 86_400],
      registers,
    });
    this.leader.set(0);
  }
}
