/**
 * In-process JobQueue: `workers` handlers at once, up to `limit` waiting, admission all-or-none. Every accepted
 * job resolves with a result (a handler throw goes through `onError`). Finished jobs stay queryable within the
 * retention bounds, then are forgotten. Each job costs O(1): ring-buffer FIFOs and one Map.
 */
import { randomUUID } from 'node:crypto';
import { TerraFixError } from '../pipeline/errors.js';
import { IntakePressure } from './intake-pressure.js';
import type {
  Admission,
  JobInfo,
  JobQueue,
  JobState,
  QueueSizing,
  QueueStats,
  SubmitOptions,
} from './port.js';
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
  /**
   * Detects intake saturating the event loop (default: a new IntakePressure on this process's loop; `false`
   * never yields). While it does, and fewer than half the queue's places hold background jobs, background
   * jobs start one per `backgroundTrickleMs`; past half, one per turn again, so the backlog drains.
   */
  intakePressure?: IntakePressure | false;
  /** Interval between background starts while yielding to intake (default 20 ms: 50 jobs/s). */
  backgroundTrickleMs?: number;
}

type Outcome<R> = { ok: true; result: R } | { ok: false; error: unknown };

/** One accepted job; also the admission ticket. Its `done` promise exists only once somebody asks for it. */
class Job<T, R> {
  state: JobState = 'queued';
  startedAt: number | undefined;
  finishedAt: number | undefined;
  outcome: Outcome<R> | undefined;
  #done: Promise<R> | undefined;
  #resolve: ((result: R) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;

  constructor(
    readonly seq: number,
    readonly id: string,
    readonly enqueuedAt: number,
    /** Held only until the job starts. */
    public payload: T | undefined,
  ) {}

  // Lazy: an async webhook's job is never awaited, and a promise per queued job was measurable at intake rates.
  get done(): Promise<R> {
    if (this.#done === undefined) {
      const outcome = this.outcome;
      if (outcome === undefined) {
        this.#done = new Promise<R>((resolve, reject) => {
          this.#resolve = resolve;
          this.#reject = reject;
        });
      } else {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- whatever onError threw
        this.#done = outcome.ok ? Promise.resolve(outcome.result) : Promise.reject(outcome.error);
      }
    }
    return this.#done;
  }

  settle(outcome: Outcome<R>, now: number): void {
    this.state = 'done';
    this.finishedAt = now;
    this.outcome = outcome;
    if (outcome.ok) this.#resolve?.(outcome.result);
    else if (this.#reject !== undefined) this.#reject(outcome.error);
    // A bug in onError must not vanish with a job nobody awaits: surface it as an unhandled rejection.
    else void this.done;
    this.#resolve = undefined;
    this.#reject = undefined;
  }
}

const DEFAULT_RETENTION = { maxFinished: 10_000, maxAgeMs: 10 * 60_000 };

export class MemoryJobQueue<T, R> implements JobQueue<T, R> {
  // Keyed by sequence number: a Map with small-integer keys costs a tenth of one keyed by fresh id strings.
  readonly #jobs = new Map<number, Job<T, R>>();
  /** Job ids are UUID-shaped: a random v4 prefix per queue, then the job's sequence number in 12 hex digits. */
  readonly #idPrefix = randomUUID().slice(0, 24);
  #nextSeq = 0;
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
  readonly #pressure: IntakePressure | undefined;
  readonly #trickleMs: number;
  #lastBackgroundStart = Number.NEGATIVE_INFINITY;
  #trickleTimer: NodeJS.Timeout | undefined;
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
    this.#pressure =
      options.intakePressure === false ? undefined : (options.intakePressure ?? new IntakePressure());
    this.#trickleMs = Math.max(0, options.backgroundTrickleMs ?? 20);
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

  /** Whether background jobs are yielding to intake right now (see `intakePressure`). */
  get yieldingToIntake(): boolean {
    return this.#pressure?.pressed ?? false;
  }

  /** Whether drain() has been called (the queue refuses new work from then on). */
  get draining(): boolean {
    return this.#draining;
  }

  submit(payloads: readonly T[], options: SubmitOptions = {}): Promise<Admission> {
    return Promise.resolve(this.admit(payloads, options));
  }

  /** submit() without the promise: the same admission, decided now (tests and in-process callers). */
  admit(payloads: readonly T[], options: SubmitOptions = {}): Admission {
    if (this.#draining) return { accepted: false, reason: 'draining', retryAfterMs: this.#estimate() };
    // Capacity is workers + limit jobs in the system; waiting jobs may not have been dispatched yet.
    const capacity = this.#sizing.workers + this.#sizing.limit;
    if (payloads.length > capacity)
      return { accepted: false, reason: 'exceeds_capacity', retryAfterMs: 0, capacity };
    const inSystem = this.#running + this.depth;
    if (inSystem + payloads.length > this.#sizing.workers + this.#sizing.limit) {
      return { accepted: false, reason: 'queue_full', retryAfterMs: this.#estimate() };
    }
    this.#pressure?.noteSubmission();
    const now = this.#now();
    const background = options.background === true;
    const ids: string[] = [];
    for (const payload of payloads) {
      const seq = this.#nextSeq++;
      const job = new Job<T, R>(seq, this.#idPrefix + seq.toString(16).padStart(12, '0'), now, payload);
      this.#jobs.set(seq, job);
      (background ? this.#background : this.#waiting).push(job);
      ids.push(job.id);
    }
    this.#forgetExpired(now);
    this.#pump();
    return { accepted: true, ids };
  }

  get(id: string): Promise<JobInfo<R> | undefined> {
    return Promise.resolve(this.info(id));
  }

  /** get() without the promise. */
  info(id: string): JobInfo<R> | undefined {
    this.#forgetExpired(this.#now());
    const job = this.#jobs.get(this.#seqOf(id));
    if (job === undefined) return undefined;
    const info: JobInfo<R> = { id: job.id, state: job.state, enqueuedAt: job.enqueuedAt };
    if (job.startedAt !== undefined) info.startedAt = job.startedAt;
    if (job.finishedAt !== undefined) info.finishedAt = job.finishedAt;
    if (job.outcome?.ok === true) info.result = job.outcome.result;
    return info;
  }

  /** The sequence number inside one of this queue's ids, or -1. */
  #seqOf(id: string): number {
    if (id.length !== 36 || !id.startsWith(this.#idPrefix)) return -1;
    const tail = id.slice(24);
    return /^[0-9a-f]{12}$/.test(tail) ? Number.parseInt(tail, 16) : -1;
  }

  wait(id: string): Promise<R> {
    const job = this.#jobs.get(this.#seqOf(id));
    if (job === undefined) {
      return Promise.reject(
        new TerraFixError('TFX_NOT_FOUND', 'job not found (unknown or expired)', { category: 'permanent' }),
      );
    }
    return job.done;
  }

  stats(): Promise<QueueStats> {
    return Promise.resolve({
      ...this.#sizing,
      depth: this.depth,
      active: this.#running,
      yieldingToIntake: this.yieldingToIntake,
    });
  }

  resize(sizing: QueueSizing): Promise<void> {
    this.#sizing = checkSizing(sizing);
    this.#pump(); // growing starts waiting jobs now; shrinking lets running ones finish
    return Promise.resolve();
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

  /**
   * Schedules a dispatch turn (at most one pending) when a job can start; jobs never start inside submit() or
   * another job's finish. A background job held back by the trickle gets a timer instead.
   */
  #pump(): void {
    if (this.#scheduled) return;
    const foreground = this.#waiting.length > 0 && this.#running < this.#sizing.workers;
    const background = this.#background.length > 0 && this.#running < this.#sizing.workers;
    if (!foreground && !background) return;
    const wait = foreground ? 0 : this.#trickleWait(this.yieldingToIntake);
    if (wait === 0) {
      this.#scheduled = true;
      setImmediate(this.#dispatch);
    } else if (this.#trickleTimer === undefined) {
      this.#trickleTimer = setTimeout(() => {
        this.#trickleTimer = undefined;
        this.#pump();
      }, wait);
    }
  }

  /** Milliseconds until the next background job may start (0: now). */
  #trickleWait(yielding: boolean): number {
    if (!yielding || this.#background.length * 2 >= this.#sizing.limit) return 0;
    return Math.max(0, Math.ceil(this.#lastBackgroundStart + this.#trickleMs - performance.now()));
  }

  readonly #dispatch = (): void => {
    this.#scheduled = false;
    for (let started = 0; started < this.#slice && this.#running < this.#sizing.workers; started++) {
      const job = this.#waiting.shift();
      if (job === undefined) break;
      void this.#run(job);
    }
    // Background work: a few per turn while the loop has room; a trickle while intake saturates it.
    const yielding = this.#pressure?.evaluate() ?? false;
    const room = !yielding ? this.#backgroundSlice : this.#trickleWait(true) === 0 ? 1 : 0;
    for (let b = 0; b < room && this.#running < this.#sizing.workers; b++) {
      const job = this.#background.shift();
      if (job === undefined) break;
      this.#lastBackgroundStart = performance.now();
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
    let outcome: Outcome<R>;
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

  #finish(job: Job<T, R>, outcome: Outcome<R>): void {
    const now = this.#now();
    this.#running -= 1;
    this.#durations.add(now - (job.startedAt ?? now));
    job.settle(outcome, now);
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
      this.#jobs.delete(oldest.seq);
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
