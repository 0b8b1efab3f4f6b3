/**
 * The job queue between intake (or the poller) and the pipeline: at most `workers` jobs run at once and at most
 * `limit` wait. A submission that does not fit is refused up front (intake answers 429 with Retry-After); an
 * accepted job always runs to a result, including during a graceful drain.
 *
 * Every call is async so that a queue kept in Redis (BullMQ, shared by replicas) can implement it as well as the
 * in-process one. Completion is observed with `wait(id)`, which a Redis queue serves from its completion events.
 *
 * Left out on purpose: priorities, cancelling a job, per-job timeouts (the pipeline has its own deadlines),
 * ordering across replicas, and how jobs are stored (the in-memory queue keeps nothing across a restart; what a
 * Redis queue keeps is its own business). Results stay queryable for a bounded time only: `get`/`wait` of a job
 * forgotten since answer `undefined`/TFX_NOT_FOUND.
 */
export type JobState = 'queued' | 'running' | 'done';

export interface JobInfo<R> {
  id: string;
  state: JobState;
  enqueuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Present once state is `done`. The handler's errors are turned into results by the queue's owner, never lost. */
  result?: R;
}

export interface QueueSizing {
  workers: number;
  limit: number;
}

export interface QueueStats extends QueueSizing {
  /** Jobs waiting for a worker. */
  depth: number;
  /** Jobs whose handler is running (in this process, for a shared queue). */
  active: number;
  /** Whether background jobs are holding back for saturated intake right now. */
  yieldingToIntake: boolean;
}

/**
 * Why a submission was refused: `queue_full` and `draining` pass (retry after `retryAfterMs`); `exceeds_capacity`
 * never will: the submission is larger than workers + limit, so it could not fit even into an idle queue.
 */
export type Refusal = {
  accepted: false;
  retryAfterMs: number;
  reason: 'queue_full' | 'draining' | 'exceeds_capacity';
  /** workers + limit when the refusal is `exceeds_capacity`. */
  capacity?: number;
};

export type Admission = { accepted: true; ids: string[] } | Refusal;

export interface SubmitOptions {
  /**
   * Nobody waits on the answer: such jobs start after waiting foreground jobs, and few per event-loop turn, so
   * intake stays responsive.
   */
  background?: boolean;
}

export interface JobQueue<T, R> {
  /** Admits all payloads or none (a batch is never half-accepted); ids are in payload order. */
  submit(payloads: readonly T[], options?: SubmitOptions): Promise<Admission>;
  /** A job's state and, once done, its result; `undefined` when unknown or forgotten. */
  get(id: string): Promise<JobInfo<R> | undefined>;
  /** Resolves with the job's result once it is done (at once if it is); rejects TFX_NOT_FOUND for an unknown id. */
  wait(id: string): Promise<R>;
  stats(): Promise<QueueStats>;
  /** Applies new sizing; shrinking never cancels running or queued jobs. */
  resize(sizing: QueueSizing): Promise<void>;
  /** Stops admitting and resolves when every accepted job has finished. */
  drain(): Promise<void>;
}
