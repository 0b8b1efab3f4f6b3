/**
 * Who may take a failure key. The memory store calls this; the Redis claim script (redis-scripts.ts) mirrors it
 * line for line, and the shared contract test holds both to it.
 */
import type { ClaimResult } from '../pipeline/state-store.js';
import type { StoredFailureState } from './record.js';

/** Decides a claim on the current record at `nowMs`; on success `attempts` is the new attempt count. */
export function decideClaim(
  current: StoredFailureState | undefined,
  nowMs: number,
  maxAttempts: number,
  /** The in_progress claim's worker is known to be gone: its lease does not hold the key. */
  takeOver = false,
): ClaimResult {
  if (current === undefined) return { claimed: true, attempts: 1 };
  const attempts = current.attempts;
  switch (current.status) {
    case 'completed':
      return { claimed: false, status: 'completed', reason: 'completed' };
    case 'in_progress':
      // A lease that has run out means the worker died: the claim is free again, and the crash counts.
      if ((current.lease_until ?? 0) > nowMs && !takeOver)
        return { claimed: false, status: 'in_progress', reason: 'in_progress' };
      return { claimed: true, attempts: attempts + 1 };
    case 'failed':
      if (current.retryable !== true)
        return { claimed: false, status: 'failed', reason: 'failed_permanently' };
      if (attempts >= maxAttempts) return { claimed: false, status: 'failed', reason: 'attempts_exhausted' };
      return { claimed: true, attempts: attempts + 1 };
    case 'pending':
      return { claimed: true, attempts: attempts + 1 };
    case 'resolved':
      // It stopped failing and fails again: a new regression, counted afresh.
      return { claimed: true, attempts: 1 };
  }
}
