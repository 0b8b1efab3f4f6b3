/**
 * In-process JobQueue: `workers` handlers at once, up to `limit` waiting, admission all-or-none. Every accepted
 * job resolves with a result (a handler throw goes through `onError`). Finished jobs stay queryable within the
 * retention bounds, then are forgotten. Each job costs O(1): ring-buffer FIFOs and one Map.
 */
import { randomUUID } from 'node:crypto';
import { TerraFixError } from '../pipeline/errors.js';
import type { Admission, JobInfo, JobQueue, JobState, QueueSizing } from './port.js';
import { estimateRetryAfterMs, RecentMean, type QueueLoad } from './retry-after.js';
import { RingDeque } from './ring-deque.js';

export interface MemoryJobQueueOptions<T, R> extends QueueSizing {
  handler: (payload: T, jobId: string) => Promise<R>;
  /** Turns a handler throw into a result, so no accepted job is lost. Must not throw itself. */
  onError: (error: unknown, payload: T) => R;
  /** Retry-After for a refused submission; default: recent mean duration × queued / workers, clamped 1..60 s. */
  retryAfterMs?: (load: QueueLoad) => number;
  /** How many finished jobs `get()` can still see, and for how long (default 10,000 jobs / 10 min). */
  retention?: { maxFinished: number; maxAgeMs: number };
  /** Clock in epoch ms (injectable for retention tests). */
  now?: () => number;
  /**
   * Jobs started per event-loop turn (default 8). Starting them in slices from setImmediate lets pending HTTP
   * I/O run between slices, so intake keeps answering (and a backlog can form, up to `limit`) while CPU-bound
   * jobs run on the same thread.
   */
  dispatchSlice?: number;
  /** Background jobs started per event-loop turn, after foreground ones (default 1). */
  backgroundSlice?: number;
}

interface Job<T, R> {
  id: string;
  state: JobState;
  enqueuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  result?: R;
  /** Held only until the job starts. */
  payload: T | undefined;
  resolve: ((result: R) => void) | undefined;
  reject: ((error: unknown) => void) | undefined;
}

const DEFAULT_RETENTION = { maxFinished: 10_000, maxAgeMs: 10 * 60_000 };

export class MemoryJobQueue<T, R> implements JobQueue<T, R> {
  readonly #jobs = new Map<string, Job<T, R>>();
  readonly #waiting = new RingDeque<Job<T, R>>();
  readonly #background = new RingDeque<Job<T, R>>();
  readonly #finished = new RingDeque<Job<T, R>>();
  readonly #durations = new RecentMean();
  readonly #handler: (payload: T, jobId: string) => Promise<R>;
  readonly #onError: (error: unknown, payload: T) => R;
  readonly #retryAfter: (load: QueueLoad) => number;
  readonly #retention: { maxFinished: number; maxAgeMs: number };
  readonly #now: () => number;
  #sizing: QueueSizing;
  #running = 0;
  #scheduled = false;
  readonly #slice: number;
  readonly #backgroundSlice: number;
  #draining = false;
  #drained: Promise<void> | undefined;
  #resolveDrained: (() => void) | undefined;

  constructor(options: MemoryJobQueueOptions<T, R>) {
    this.#sizing = checkSizing({ workers: options.workers, limit: options.limit });
    this.#handler = options.handler;
    this.#onError = options.onError;
    this.#retryAfter = options.retryAfterMs ?? estimateRetryAfterMs;
    this.#retention = options.retention ?? DEFAULT_RETENTION;
    this.#now = options.now ?? Date.now;
    this.#slice = Math.max(1, options.dispatchSlice ?? 8);
    this.#backgroundSlice = Math.max(1, options.backgroundSlice ?? 1);
  }

  /** Jobs waiting for a worker. */
  get depth(): number {
    return this.#waiting.length + this.#background.length;
  }

  /** Jobs whose handler is running. */
  get active(): number {
    return this.#running;
  }

  get sizing(): QueueSizing {
    return { ...this.#sizing };
  }

  /** Whether drain() has been called (the queue refuses new work from then on). */
  get draining(): boolean {
    return this.#draining;
  }

  submit(payloads: readonly T[], options: { background?: boolean } = {}): Admission<R> {
    if (this.#draining) return { accepted: false, reason: 'draining', retryAfterMs: this.#estimate() };
    // Capacity is workers + limit jobs in the system; waiting jobs may not have been dispatched yet.
    const inSystem = this.#running + this.depth;
    if (inSystem + payloads.length > this.#sizing.workers + this.#sizing.limit) {
      return { accepted: false, reason: 'queue_full', retryAfterMs: this.#estimate() };
    }
    const now = this.#now();
    const jobs: { id: string; done: Promise<R> }[] = [];
    for (const payload of payloads) {
      const job: Job<T, R> = {
        id: randomUUID(),
        state: 'queued',
        enqueuedAt: now,
        payload,
        resolve: undefined,
        reject: undefined,
      };
      const done = new Promise<R>((resolve, reject) => {
        job.resolve = resolve;
        job.reject = reject;
      });
      this.#jobs.set(job.id, job);
      (options.background === true ? this.#background : this.#waiting).push(job);
      jobs.push({ id: job.id, done });
    }
    this.#forgetExpired(now);
    this.#pump();
    return { accepted: true, jobs };
  }

  get(id: string): JobInfo<R> | undefined {
    this.#forgetExpired(this.#now());
    const job = this.#jobs.get(id);
    if (job === undefined) return undefined;
    const info: JobInfo<R> = { id: job.id, state: job.state, enqueuedAt: job.enqueuedAt };
    if (job.startedAt !== undefined) info.startedAt = job.startedAt;
    if (job.finishedAt !== undefined) info.finishedAt = job.finishedAt;
    if (job.state === 'done') info.result = job.result as R;
    return info;
  }

  resize(sizing: QueueSizing): void {
    this.#sizing = checkSizing(sizing);
    this.#pump(); // growing starts waiting jobs now; shrinking lets running ones finish
  }

  drain(): Promise<void> {
    if (this.#drained === undefined) {
      this.#draining = true;
      this.#drained = new Promise<void>((resolve) => {
        this.#resolveDrained = resolve;
      });
      this.#settleDrain();
    }
    return this.#drained;
  }

  /** Schedules a dispatch turn (at most one pending); jobs never start inside submit() or another job's finish. */
  #pump(): void {
    if (this.#scheduled || this.depth === 0 || this.#running >= this.#sizing.workers) return;
    this.#scheduled = true;
    setImmediate(this.#dispatch);
  }

  readonly #dispatch = (): void => {
    this.#scheduled = false;
    for (let started = 0; started < this.#slice && this.#running < this.#sizing.workers; started++) {
      const job = this.#waiting.shift();
      if (job === undefined) break;
      void this.#run(job);
    }
    // Background work gets a small fixed share of every turn: it never starves, and never crowds out intake.
    for (let b = 0; b < this.#backgroundSlice && this.#running < this.#sizing.workers; b++) {
      const job = this.#background.shift();
      if (job === undefined) break;
      void this.#run(job);
    }
    this.#pump();
  };

  async #run(job: Job<T, R>): Promise<void> {
    this.#running += 1;
    job.state = 'running';
    job.startedAt = this.#now();
    const payload = job.payload as T;
    job.payload = undefined;
    let outcome: { ok: true; result: R } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, result: await this.#handler(payload, job.id) };
    } catch (error) {
      try {
        outcome = { ok: true, result: this.#onError(error, payload) };
      } catch (onErrorFailure) {
        outcome = { ok: false, error: onErrorFailure }; // a bug in onError: surface it on `done`
      }
    }
    this.#finish(job, outcome);
  }

  #finish(job: Job<T, R>, outcome: { ok: true; result: R } | { ok: false; error: unknown }): void {
    const now = this.#now();
    this.#running -= 1;
    job.state = 'done';
    job.finishedAt = now;
    this.#durations.add(now - (job.startedAt ?? now));
    if (outcome.ok) {
      job.result = outcome.result;
      job.resolve?.(outcome.result);
    } else {
      job.reject?.(outcome.error);
    }
    job.resolve = undefined;
    job.reject = undefined;
    this.#finished.push(job);
    this.#forgetExpired(now);
    this.#pump();
    this.#settleDrain();
  }

  #forgetExpired(now: number): void {
    const { maxFinished, maxAgeMs } = this.#retention;
    for (let oldest = this.#finished.peek(); oldest !== undefined; oldest = this.#finished.peek()) {
      const tooMany = this.#finished.length > maxFinished;
      const tooOld = now - (oldest.finishedAt ?? now) >= maxAgeMs;
      if (!tooMany && !tooOld) return;
      this.#finished.shift();
      this.#jobs.delete(oldest.id);
    }
  }

  #settleDrain(): void {
    if (this.#draining && this.#running === 0 && this.depth === 0) {
      this.#resolveDrained?.();
      this.#resolveDrained = undefined;
    }
  }

  #estimate(): number {
    return this.#retryAfter({
      depth: this.depth,
      active: this.#running,
      workers: this.#sizing.workers,
      limit: this.#sizing.limit,
      meanDurationMs: this.#durations.mean,
    });
  }
}

function checkSizing(sizing: QueueSizing): QueueSizing {
  if (!Number.isInteger(sizing.workers) || sizing.workers < 1) {
    throw new TerraFixError('TFX_CONFIG', 'Queue workers must be an integer >= 1', {
      category: 'config',
      field: 'workers',
    });
  }
  if (!Number.isInteger(sizing.limit) || sizing.limit < 0) {
    throw new TerraFixError('TFX_CONFIG', 'Queue limit must be an integer >= 0', {
      category: 'config',
      field: 'limit',
    });
  }
  return { workers: sizing.workers, limit: sizing.limit };
}
