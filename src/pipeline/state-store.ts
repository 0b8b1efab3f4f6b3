/**
 * Per-failure processing state, keyed by the failure key. Implementations: in memory (single process)
 * and Redis (shared by replicas). Left out on purpose: listing records one by one, history of attempts,
 * and any Redis detail (key layout and scripts live in the Redis adapter only).
 */
/** `resolved`: the resource stopped failing (its PR merged or closed); a new failure of it is claimed afresh. */
export const FAILURE_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'resolved'] as const;
export type FailureStatus = (typeof FAILURE_STATUSES)[number];

export interface FailureState {
  status: FailureStatus;
  test_id: string;
  resource_arn: string;
  /** UTC ISO-8601 timestamps. */
  claimed_at: string;
  updated_at: string;
  /** Number of claims taken so far (1 on first processing). */
  attempts: number;
  pr_url?: string;
  completed_at?: string;
  failed_at?: string;
  last_error?: string | null;
  error_code?: string;
  /** Whether a failed record may be claimed again. */
  retryable?: boolean;
  resolved_at?: string;
  /** Why the record was resolved (see Resolution). */
  resolution?: Resolution;
}

/** How a remediation ended once the resource stopped failing: its PR merged, closed unmerged, or none open. */
export type Resolution = 'pr_merged' | 'pr_closed' | 'no_pr';

export type ClaimResult =
  | { claimed: true; attempts: number }
  | {
      claimed: false;
      status: FailureStatus;
      reason: 'completed' | 'in_progress' | 'failed_permanently' | 'attempts_exhausted';
    };

export interface StateStoreOptions {
  /** TTL of completed/failed records (STATE_RETENTION_DAYS × 86400 s). */
  retentionSeconds: number;
  /** Lease of an in_progress claim: after it, a crashed worker's claim can be taken again. */
  claimLeaseSeconds: number;
  /** A failed, retryable record may be claimed again until it has been attempted this many times. */
  maxAttempts: number;
}

export type StoreStats = Record<FailureStatus | 'total', number>;

export interface StateStore {
  /**
   * Atomically claims the key for processing. Succeeds when no record exists, when the record is failed and
   * retryable with attempts < maxAttempts, or when an in_progress lease has expired. Otherwise reports why not.
   * `takeOver`: the caller knows the in_progress claim's worker is gone (the shared queue found its job stalled
   * and handed it over), so its lease, not run out yet, does not hold the key.
   */
  claim(
    key: string,
    meta: { test_id: string; resource_arn: string },
    options?: { takeOver?: boolean },
  ): Promise<ClaimResult>;
  /** Marks a claimed key completed with its PR URL; refreshes the retention TTL. */
  complete(key: string, result: { pr_url: string }): Promise<void>;
  /** Marks a claimed key failed; the message is cut to 1,000 characters. */
  fail(key: string, error: { code: string; message: string; retryable: boolean }): Promise<void>;
  /** Marks the key resolved (the resource no longer fails); keeps its PR URL; refreshes the retention TTL. */
  resolve(key: string, resolution: Resolution): Promise<void>;
  /** Deletes settled records (completed, failed, resolved) last updated before `olderThanMs` (epoch ms); returns how many. */
  cleanup(olderThanMs: number): Promise<number>;
  get(key: string): Promise<FailureState | undefined>;
  stats(): Promise<StoreStats>;
  /** Throws when the backing store is unreachable (readiness). */
  ping(): Promise<void>;
  /** Removes every record (tests, `/stats/reset` with `clear_state`). */
  clear(): Promise<void>;
  close(): Promise<void>;
}
