/**
 * The BullMQ queue's tunables and their defaults, in one place: how long a job's lock lasts (and so how soon a
 * crashed replica's job is picked up by another), how many finished jobs Redis keeps, and the key prefix.
 */
import { TerraFixError } from '../pipeline/errors.js';

/** Every BullMQ key lives under `{prefix}:{queue name}:`; the state store's `terrafix:` keys are left alone. */
export const DEFAULT_BULLMQ_PREFIX = 'terrafix-bull';
export const DEFAULT_QUEUE_NAME = 'failures';

export interface StallSettings {
  /** A running job's lock; a replica that dies stops renewing it (default 30,000 ms). */
  lockDurationMs: number;
  /** How often workers look for jobs whose lock ran out and put them back (default 30,000 ms). */
  stalledIntervalMs: number;
  /** Stalls a job survives before it fails for good (default 2). */
  maxStalledCount: number;
}

export interface Retention {
  /** Finished jobs kept, newest first. */
  count: number;
  /** Seconds a finished job is kept at most. */
  ageSeconds: number;
}

export const DEFAULT_STALL: StallSettings = {
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 2,
};

/** Completed jobs: enough to answer `get`/`wait` for a while, bounded so Redis does not grow. */
export const DEFAULT_COMPLETED_RETENTION: Retention = { count: 1_000, ageSeconds: 3_600 };
/** Failed jobs (a stall limit reached): kept longer, for a post-mortem. */
export const DEFAULT_FAILED_RETENTION: Retention = { count: 5_000, ageSeconds: 7 * 86_400 };

/** BullMQ's KeepJobs shape. */
export function keepJobs(retention: Retention): { count: number; age: number } {
  return { count: retention.count, age: retention.ageSeconds };
}

export function checkStall(stall: StallSettings): StallSettings {
  if (!(stall.lockDurationMs >= 100) || !(stall.stalledIntervalMs >= 100) || !(stall.maxStalledCount >= 1)) {
    throw new TerraFixError(
      'TFX_CONFIG',
      'Queue stall settings must be lockDurationMs >= 100, stalledIntervalMs >= 100, maxStalledCount >= 1',
      { category: 'config', field: 'stall' },
    );
  }
  return stall;
}
