/**
 * Bounded job queue: at most `workers` jobs run at once and at most `limit` wait. A submission that does not fit
 * is refused up front (the caller answers 429 with Retry-After); an accepted job always runs to an outcome,
 * including during a graceful drain. Left out on purpose: persistence across restarts (BullMQ's job), priorities.
 */
export type JobState = 'queued' | 'running' | 'done';

export interface JobInfo<R> {
  id: string;
  state: JobState;
  enqueuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Present once state is `done`. The handler's errors are turned into results by the caller, never lost. */
  result?: R;
}

export interface QueueSizing {
  workers: number;
  limit: number;
}

export type Admission<R> =
  | { accepted: true; jobs: { id: string; done: Promise<R> }[] }
  | { accepted: false; retryAfterMs: number; reason: 'queue_full' | 'draining' };

export interface JobQueue<T, R> {
  /**
   * Admits all payloads or none (so a batch is never half-accepted). `background` jobs (nobody waits on the
   * answer) start only after waiting foreground jobs, and few per event-loop turn, so intake stays responsive.
   */
  submit(payloads: readonly T[], options?: { background?: boolean }): Admission<R>;
  get(id: string): JobInfo<R> | undefined;
  readonly depth: number;
  readonly active: number;
  /** Whether background jobs are holding back for saturated intake right now. */
  readonly yieldingToIntake: boolean;
  readonly sizing: QueueSizing;
  /** Applies new sizing; shrinking never cancels running or queued jobs. */
  resize(sizing: QueueSizing): void;
  /** Stops admitting and resolves when every accepted job has finished. */
  drain(): Promise<void>;
}
