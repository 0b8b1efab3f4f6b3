/**
 * `terrafix serve`: the real pipeline behind the shared BullMQ queue, the leader-only poller, the health server and
 * the optional EMF lines, until stop(). Stopping releases the lease (another replica polls at once), stops taking
 * jobs, lets running ones finish within the drain timeout (then aborts them: they go back to the queue for another
 * replica), and closes every connection.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { GitHubPullTracker } from '../adapters/github/pull-tracker.js';
import { TestRunWatermark } from '../adapters/vanta/index.js';
import type { RealOverrides } from '../composition/real.js';
import { loadApiServerConfig } from '../config/api-server.js';
import type { Env } from '../config/load.js';
import { loadRealAdaptersConfig } from '../config/real-mode.js';
import { loadServiceConfig, type ServiceConfig } from '../config/service.js';
import { EmfCounter, emfLine } from '../observability/emf.js';
import { createLogger } from '../observability/logger.js';
import { PipelineMetrics } from '../observability/pipeline-metrics.js';
import { ServiceMetrics } from '../observability/service-metrics.js';
import { TerraFixError } from '../pipeline/errors.js';
import type { PipelineObserver } from '../pipeline/observer.js';
import { sleep } from '../pipeline/retry.js';
import { closeRedisClient } from '../state/redis-client.js';
import { RedisLeaseStore } from '../state/redis-lease-store.js';
import { cappedHandler } from './capped-handler.js';
import { createFailureQueue } from './failure-queue.js';
import { closeLoop } from './close-loop.js';
import { composeWorker } from './compose-worker.js';
import { dryRunTracker } from './dry-run-folder.js';
import { startHealthServer } from './health-server.js';
import { LeaderLease } from './leader-lease.js';
import { Poller } from './poller.js';
import type { PullRequestTracker } from '../pipeline/pull-request-tracker.js';

/** Test seams; production passes none. */
export interface ServiceOverrides {
  logger?: Logger;
  real?: RealOverrides;
  tracker?: PullRequestTracker;
  /** This replica's name in the lease and `/status` (default host:pid). */
  holder?: string;
  /** Where EMF lines go (default stdout). */
  writeLine?: (line: string) => void;
}

export interface RunningService {
  /** Base URL of the health server. */
  healthUrl: string;
  config: ServiceConfig;
  stop(): Promise<void>;
}

/** Loads every variable (one error naming each bad one), composes real mode and starts everything. */
export async function startService(env: Env, overrides: ServiceOverrides = {}): Promise<RunningService> {
  const config = loadServiceConfig(env);
  const api = loadApiServerConfig({ ...env, REDIS_URL: config.redisUrl });
  const adapters = loadRealAdaptersConfig(env);
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const holder = overrides.holder ?? `${hostname()}:${process.pid}`;
  const metrics = new PipelineMetrics();
  const serviceMetrics = new ServiceMetrics(metrics.registry);
  const emf = new EmfCounter();
  const observer: PipelineObserver = {
    ...metrics.observer,
    finished: (result) => {
      metrics.observer.finished(result);
      if (result.outcome.kind === 'completed' || result.outcome.kind === 'failed')
        emf.add(result.outcome.kind);
    },
  };
  const { real, redis, handlerDeps } = composeWorker(
    { ...api, ...adapters, redisUrl: config.redisUrl, retentionSeconds: config.retentionSeconds },
    config,
    { logger, metrics, observer },
    overrides.real,
  );
  const shutdown = new AbortController();
  const handle = cappedHandler({
    ...handlerDeps,
    signal: shutdown.signal,
    onDeferred: (cap) => serviceMetrics.deferred.inc({ cap }),
  });
  const queue = createFailureQueue({ config, logger, handler: handle });
  metrics.trackQueue(async () => {
    const c = await queue.counts();
    return { depth: c.waiting, active: (await queue.stats()).active };
  });
  const tracker: PullRequestTracker = config.dryRun.enabled
    ? dryRunTracker
    : (overrides.tracker ??
      new GitHubPullTracker({
        token: adapters.github.token,
        apiUrl: adapters.github.apiUrl,
        throttle: adapters.github.publish.throttle,
        requestRetries: adapters.github.publish.requestRetries,
        requestTimeoutMs: adapters.github.publish.requestTimeoutMs,
        logger,
        ...(overrides.real?.github ?? {}),
      }));
  let wake: AbortController = new AbortController();
  const lease = new LeaderLease({
    store: new RedisLeaseStore(redis, config.redisPrefix),
    holder,
    ttlMs: config.leaseTtlMs,
    logger,
    onChange: (leader) => {
      serviceMetrics.leader.set(leader ? 1 : 0);
      if (leader) poller.leading();
      wake.abort(); // a new leader polls at once
    },
  });
  const poller = new Poller({
    source: real.vanta.reader,
    watermark: new TestRunWatermark(),
    state: real.state,
    submit: (failures) => queue.submit(failures),
    stillLeader: () => lease.holds(),
    openPulls: () => handlerDeps.ledger.entries(),
    resolve: (entries) =>
      closeLoop(
        {
          tracker,
          state: real.state,
          ledger: handlerDeps.ledger,
          logger,
          onMerged: (seconds) => {
            serviceMetrics.remediated.inc();
            if (seconds !== undefined) serviceMetrics.timeToMerge.observe(seconds);
          },
          onClosed: () => serviceMetrics.prsClosed.inc(),
        },
        entries,
      ),
    cleanup: () => real.state.cleanup(Date.now() - config.retentionSeconds * 1000),
    logger,
    onCycle: (poll) => {
      serviceMetrics.pollCycles.inc({ result: poll.result });
      serviceMetrics.lastPoll.set(Date.parse(poll.at) / 1000);
      serviceMetrics.pollWait.set((config.pollIntervalMs * poller.backoff) / 1000);
      logger.info({ poll }, 'Poll cycle finished');
    },
  });
  const started = Date.now();
  let draining = false;
  const pingRedis = async (): Promise<void> => {
    if (redis.status === 'wait') await redis.connect().catch(() => undefined);
    await redis.ping();
  };
  const health = await startHealthServer(
    {
      pingRedis,
      draining: () => draining,
      registry: metrics.registry,
      status: async () => {
        const redisState = await pingRedis().then(
          () => 'connected',
          () => 'unreachable',
        );
        const [queueCounts, records] = await Promise.all([
          queue.counts().catch(() => undefined),
          real.state.stats().catch(() => undefined),
        ]);
        return {
          status: redisState === 'connected' && !draining ? 'ok' : 'degraded',
          replica: holder,
          uptime_seconds: Math.round((Date.now() - started) / 1000),
          draining,
          dry_run: config.dryRun.enabled,
          components: {
            redis: redisState,
            queue: queueCounts ?? 'unreachable',
            poller: {
              role: lease.role,
              lease_token: lease.token ?? null,
              cycles: poller.cycles,
              last_poll: poller.last ?? null,
              interval_seconds: config.pollIntervalMs / 1000,
              backoff: poller.backoff,
            },
            workers: { concurrency: config.workers, active: (await queue.stats()).active },
          },
          counts: records ?? 'unreachable',
          caps: config.caps,
        };
      },
    },
    config.health,
  ).catch(async (error: unknown) => {
    await Promise.allSettled([queue.close(), real.close(), closeRedisClient(redis)]);
    throw error;
  });
  const writeLine = overrides.writeLine ?? ((line: string) => process.stdout.write(`${line}\n`));
  const emfTimer =
    config.emf === undefined
      ? undefined
      : setInterval(() => {
          const namespace = config.emf?.namespace ?? '';
          void queue.counts().then(
            (c) => {
              const { failed, completed } = emf.take();
              writeLine(
                emfLine(
                  namespace,
                  { QueueDepth: c.waiting, RemediationsFailed: failed, RemediationsCompleted: completed },
                  Date.now(),
                ),
              );
            },
            () => undefined, // Redis away: the next line carries the counts
          );
        }, config.emf.intervalMs);
  emfTimer?.unref();

  await lease.start();
  const loop = (async () => {
    while (!draining) {
      if (lease.role === 'leader') await poller.cycle(shutdown.signal);
      if (draining) break;
      wake = new AbortController();
      const waitMs =
        lease.role === 'leader'
          ? config.pollIntervalMs * poller.backoff
          : Math.max(100, Math.floor(config.leaseTtlMs / 3));
      await sleep(waitMs, AbortSignal.any([wake.signal, shutdown.signal])).catch(() => undefined);
    }
  })();
  logger.info(
    { health: health.url, holder, dryRun: config.dryRun.enabled, workers: config.workers },
    'TerraFix service started',
  );

  let stopping: Promise<void> | undefined;
  return {
    healthUrl: health.url,
    config,
    stop() {
      stopping ??= (async () => {
        draining = true;
        wake.abort();
        await lease.stop();
        await loop;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), config.drainTimeoutMs);
        });
        const drain = queue.drain();
        if ((await Promise.race([drain.then(() => 'drained' as const), timedOut])) === 'timeout') {
          logger.error('Drain timed out; aborting running jobs (they return to the queue)');
          shutdown.abort(new TerraFixError('TFX_SHUTTING_DOWN', 'shutting down', { category: 'transient' }));
          await drain;
        }
        clearTimeout(timer);
        clearInterval(emfTimer);
        await Promise.allSettled([queue.close(), health.close()]);
        await Promise.allSettled([real.close(), closeRedisClient(redis)]);
      })();
      return stopping;
    },
  };
}
