/**
 * JobQueue on BullMQ, shared by replicas through one Redis. The job id is the caller's key (the failure key), so
 * a failure already waiting, delayed or running is not queued twice, by any replica (one whose job finished is
 * queued again). A job whose result asks for a retry is retried by BullMQ with the one retry policy's backoff; a
 * handler that throws TFX_DEFERRED (a PR cap) moves its job to the delayed set, not counted as an attempt, never
 * dropped. A replica that dies mid-job stops
 * renewing the job's lock, and another replica's stalled-job check puts the job back after the lock runs out.
 *
 * Shared-queue semantics of the port: `limit` bounds jobs waiting in Redis across replicas (checked, not
 * reserved, so a burst from several replicas can overshoot it slightly); `active` counts this process's running
 * handlers; `drain()` stops admitting and lets this replica finish its running jobs: waiting jobs stay in Redis
 * for the other replicas or the next start. Finished jobs are trimmed by count and age.
 */
import { DelayedError, Job, Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { TerraFixError, toTerraFixError } from '../pipeline/errors.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from '../pipeline/retry.js';
import {
  checkStall,
  DEFAULT_BULLMQ_PREFIX,
  DEFAULT_COMPLETED_RETENTION,
  DEFAULT_FAILED_RETENTION,
  DEFAULT_QUEUE_NAME,
  DEFAULT_STALL,
  keepJobs,
  type Retention,
  type StallSettings,
} from './bullmq-options.js';
import type { Admission, JobInfo, JobQueue, JobState, QueueSizing, QueueStats } from './port.js';
import { estimateRetryAfterMs, RecentMean } from './retry-after.js';

export interface BullmqJobQueueOptions<T, R> extends QueueSizing {
  /** redis:// URL; the queue opens and closes its own connections. */
  redisUrl: string;
  queueName?: string;
  prefix?: string;
  /** `run.resumed`: the job's previous run stalled (its replica died) and this run takes it over. */
  handler: (payload: T, jobId: string, run: { resumed: boolean }) => Promise<R>;
  /** Turns a handler throw into a result (as for the in-memory queue). Must not throw itself. */
  onError: (error: unknown, payload: T) => R;
  /** The job id of a payload: the failure key. */
  jobId: (payload: T) => string;
  /** An error when `result` should be retried (transient failure); attempts and backoff come from `retry`. */
  retryOf?: (result: R) => TerraFixError | undefined;
  retry?: RetryPolicy;
  stall?: Partial<StallSettings>;
  completedRetention?: Retention;
  failedRetention?: Retention;
  /** Whether this process runs jobs (false: a producer only, e.g. the API server in front of `serve` replicas). */
  work?: boolean;
  /** Queue and worker errors (Redis outages); never carries the URL. */
  onQueueError?: (error: Error) => void;
  random?: () => number;
}

/** Job counts across replicas, for `/status`. */
export interface SharedQueueCounts {
  waiting: number;
  delayed: number;
  active: number;
  completed: number;
  failed: number;
}

const JOB_NAME = 'failure';
const BACKOFF_TYPE = 'terrafix';

export class BullmqJobQueue<T, R> implements JobQueue<T, R> {
  readonly #options: BullmqJobQueueOptions<T, R>;
  readonly #connections: Redis[] = [];
  readonly #queue: Queue<T, R, string, T, R, string>;
  readonly #worker: Worker<T, R> | undefined;
  #events: Promise<QueueEvents> | undefined;
  readonly #durations = new RecentMean();
  #sizing: QueueSizing;
  #running = 0;
  #draining = false;
  #drained: Promise<void> | undefined;
  #closed: Promise<void> | undefined;

  constructor(options: BullmqJobQueueOptions<T, R>) {
    this.#options = options;
    this.#sizing = { workers: options.workers, limit: options.limit };
    const name = options.queueName ?? DEFAULT_QUEUE_NAME;
    const prefix = options.prefix ?? DEFAULT_BULLMQ_PREFIX;
    const retry = options.retry ?? DEFAULT_RETRY_POLICY;
    const onQueueError = options.onQueueError ?? (() => undefined);
    this.#queue = new Queue<T, R, string, T, R, string>(name, {
      connection: this.#connect(),
      prefix,
      defaultJobOptions: {
        attempts: retry.maxAttempts,
        backoff: { type: BACKOFF_TYPE },
        removeOnComplete: keepJobs(options.completedRetention ?? DEFAULT_COMPLETED_RETENTION),
        removeOnFail: keepJobs(options.failedRetention ?? DEFAULT_FAILED_RETENTION),
      },
    });
    this.#queue.on('error', onQueueError);
    // Every job someone waits on (a sync webhook) listens for the queue's `closing` until it finishes: hundreds at
    // once are expected, not a leak.
    this.#queue.setMaxListeners(0);
    if (options.work === false) return;
    const stall = checkStall({ ...DEFAULT_STALL, ...options.stall });
    const random = options.random ?? Math.random;
    this.#worker = new Worker<T, R>(name, (job, token) => this.#process(job, token), {
      connection: this.#connect(),
      prefix,
      concurrency: options.workers,
      lockDuration: stall.lockDurationMs,
      stalledInterval: stall.stalledIntervalMs,
      maxStalledCount: stall.maxStalledCount,
      removeOnComplete: keepJobs(options.completedRetention ?? DEFAULT_COMPLETED_RETENTION),
      removeOnFail: keepJobs(options.failedRetention ?? DEFAULT_FAILED_RETENTION),
      settings: {
        backoffStrategy: (attemptsMade, _type, error) =>
          retryDelayMs(toTerraFixError(error), attemptsMade, retry, random) ?? 0,
      },
    });
    this.#worker.on('error', onQueueError);
  }

  async submit(payloads: readonly T[]): Promise<Admission> {
    if (this.#draining) return { accepted: false, reason: 'draining', retryAfterMs: this.#estimate(0) };
    const counts = await this.#queue.getJobCounts('waiting', 'prioritized', 'paused');
    const depth = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.paused ?? 0);
    if (depth + payloads.length > this.#sizing.limit) {
      return { accepted: false, reason: 'queue_full', retryAfterMs: this.#estimate(depth) };
    }
    const jobs = payloads.map((payload) => ({
      name: JOB_NAME,
      data: payload,
      opts: { jobId: this.#options.jobId(payload) },
    }));
    const ids = jobs.map((job) => job.opts.jobId);
    // A finished job is kept a while under its id (for get/wait), and BullMQ would not add that id again: a
    // failure submitted after its job finished (a regression after its PR closed, a run that was skipped) is
    // new work, so its old job goes first. The state store's claim still stops a second run of settled work.
    const states = await Promise.all(ids.map((id) => this.#queue.getJobState(id)));
    const finished = ids.filter((_, i) => states[i] === 'completed' || states[i] === 'failed');
    await Promise.all(finished.map((id) => this.#queue.remove(id)));
    // An id that is already waiting, delayed or running is not added again (BullMQ's rule).
    await this.#queue.addBulk(jobs);
    return { accepted: true, ids };
  }

  async get(id: string): Promise<JobInfo<R> | undefined> {
    const job = await Job.fromId<T, R>(this.#queue, id);
    if (job === undefined) return undefined;
    const state = await job.getState();
    if (state === 'unknown') return undefined;
    const info: JobInfo<R> = { id, state: jobState(state), enqueuedAt: job.timestamp };
    if (job.processedOn !== undefined) info.startedAt = job.processedOn;
    if (job.finishedOn !== undefined) info.finishedAt = job.finishedOn;
    if (state === 'completed') info.result = job.returnvalue;
    if (state === 'failed') info.result = this.#options.onError(new Error(job.failedReason), job.data);
    return info;
  }

  async wait(id: string): Promise<R> {
    const events = await (this.#events ??= this.#openEvents());
    const job = await Job.fromId<T, R>(this.#queue, id);
    if (job === undefined) {
      throw new TerraFixError('TFX_NOT_FOUND', 'job not found (unknown or expired)', {
        category: 'permanent',
      });
    }
    try {
      return await job.waitUntilFinished(events);
    } catch (error) {
      return this.#options.onError(error, job.data);
    }
  }

  async stats(): Promise<QueueStats> {
    const counts = await this.#queue.getJobCounts('waiting', 'prioritized', 'delayed', 'paused');
    const depth = Object.values(counts).reduce((a, b) => a + b, 0);
    return { ...this.#sizing, depth, active: this.#running, yieldingToIntake: false };
  }

  /** Counts across every replica (the port's stats() counts this process's active jobs). */
  async counts(): Promise<SharedQueueCounts> {
    const c = await this.#queue.getJobCounts(
      'waiting',
      'prioritized',
      'paused',
      'delayed',
      'active',
      'completed',
      'failed',
    );
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.paused ?? 0),
      delayed: c.delayed ?? 0,
      active: c.active ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    };
  }

  resize(sizing: QueueSizing): Promise<void> {
    if (!Number.isInteger(sizing.workers) || sizing.workers < 1) {
      throw new TerraFixError('TFX_CONFIG', 'Queue workers must be an integer >= 1', {
        category: 'config',
        field: 'workers',
      });
    }
    this.#sizing = { workers: sizing.workers, limit: sizing.limit };
    if (this.#worker !== undefined) this.#worker.concurrency = sizing.workers;
    return Promise.resolve();
  }

  /** Stops admitting and taking jobs; resolves when this replica's running jobs have finished. */
  drain(): Promise<void> {
    this.#draining = true;
    this.#drained ??= this.#worker?.close() ?? Promise.resolve();
    return this.#drained;
  }

  /** Drains, then closes every Redis connection the queue opened. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.drain();
      const events = this.#events;
      await Promise.allSettled([this.#queue.close(), events?.then((e) => e.close())]);
      await Promise.allSettled(this.#connections.map((c) => c.quit().catch(() => c.disconnect())));
    })();
    return this.#closed;
  }

  async #process(job: Job<T, R>, token: string | undefined): Promise<R> {
    const started = Date.now();
    this.#running += 1;
    let result: R;
    try {
      result = await this.#options.handler(job.data, job.id ?? '', { resumed: job.stalledCounter > 0 });
    } catch (error) {
      const e = toTerraFixError(error);
      if (e.code === 'TFX_DEFERRED') {
        await job.moveToDelayed(Date.now() + Math.max(1, e.retryAfterMs ?? 1_000), token);
        throw new DelayedError();
      }
      result = this.#options.onError(error, job.data);
    } finally {
      this.#running -= 1;
      this.#durations.add(Date.now() - started);
    }
    const retry = this.#options.retryOf?.(result);
    // attemptsMade counts the attempts before this one; the last attempt completes with its (failed) result.
    if (retry !== undefined && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw retry;
    return result;
  }

  async #openEvents(): Promise<QueueEvents> {
    const events = new QueueEvents(this.#queue.name, {
      connection: this.#connect(),
      prefix: this.#queue.opts.prefix ?? DEFAULT_BULLMQ_PREFIX,
    });
    events.on('error', this.#options.onQueueError ?? (() => undefined));
    await events.waitUntilReady();
    return events;
  }

  #connect(): Redis {
    // BullMQ's blocking commands need maxRetriesPerRequest: null; it reconnects for as long as Redis is away.
    const client = new Redis(this.#options.redisUrl, { maxRetriesPerRequest: null });
    client.on('error', () => undefined); // surfaced through the queue's error events, without the URL
    this.#connections.push(client);
    return client;
  }

  #estimate(depth: number): number {
    return estimateRetryAfterMs({
      depth,
      active: this.#running,
      workers: this.#sizing.workers,
      limit: this.#sizing.limit,
      meanDurationMs: this.#durations.mean,
    });
  }
}

function jobState(state: string): JobState {
  if (state === 'active') return 'running';
  if (state === 'completed' || state === 'failed') return 'done';
  return 'queued';
}

/** The error a handler throws to put its job back for `delayMs` (a PR cap): not a failure, not an attempt. */
export function deferral(delayMs: number, reason: string): TerraFixError {
  return new TerraFixError('TFX_DEFERRED', reason, { category: 'throttled', retryAfterMs: delayMs });
}
