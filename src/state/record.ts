/**
 * The stored shape of a failure record and the pure rules both stores share (the Redis Lua scripts mirror them).
 */
import { TerraFixError } from '../pipeline/errors.js';
import {
  FAILURE_STATUSES,
  type FailureState,
  type Resolution,
  type StateStoreOptions,
} from '../pipeline/state-store.js';

/** The public record plus the claim's lease end (epoch ms); the lease only matters while `in_progress`. */
export interface StoredFailureState extends FailureState {
  lease_until?: number;
}

export const MAX_ERROR_MESSAGE_CHARS = 1000;

/** Cuts an error message to 1,000 UTF-16 units without leaving half a surrogate pair at the end. */
export function truncateMessage(message: string): string {
  if (message.length <= MAX_ERROR_MESSAGE_CHARS) return message;
  const cut = message.slice(0, MAX_ERROR_MESSAGE_CHARS);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** Drops store-internal fields so callers see exactly the port's FailureState. */
export function toPublicState(stored: StoredFailureState): FailureState {
  const { lease_until: _lease, ...state } = stored;
  return state;
}

/** Parses a stored JSON value; anything unreadable counts as absent (a claim then overwrites it). */
export function parseStoredState(raw: string | null | undefined): StoredFailureState | undefined {
  if (raw === null || raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return undefined;
    const status = (value as { status?: unknown }).status;
    if (!(FAILURE_STATUSES as readonly unknown[]).includes(status)) return undefined;
    return value as StoredFailureState;
  } catch {
    return undefined;
  }
}

/** A change to a settled (completed/failed) record: fields to set and fields to remove. */
export interface SettleChange {
  set: Partial<StoredFailureState>;
  drop: (keyof StoredFailureState)[];
}

/** Completion keeps claimed_at/attempts and clears the lease and any earlier error. */
export function completion(prUrl: string, nowIso: string): SettleChange {
  return {
    set: { status: 'completed', pr_url: prUrl, completed_at: nowIso, updated_at: nowIso },
    drop: ['lease_until', 'last_error', 'error_code', 'retryable', 'failed_at'],
  };
}

/** Failure keeps claimed_at/attempts, clears the lease and any earlier PR. */
export function failure(
  error: { code: string; message: string; retryable: boolean },
  nowIso: string,
): SettleChange {
  return {
    set: {
      status: 'failed',
      error_code: error.code,
      last_error: truncateMessage(error.message),
      retryable: error.retryable,
      failed_at: nowIso,
      updated_at: nowIso,
    },
    drop: ['lease_until', 'pr_url', 'completed_at'],
  };
}

/** Resolution keeps the PR URL and the history, and clears any lease or error. */
export function resolution(how: Resolution, nowIso: string): SettleChange {
  return {
    set: { status: 'resolved', resolution: how, resolved_at: nowIso, updated_at: nowIso },
    drop: ['lease_until', 'last_error', 'error_code', 'retryable'],
  };
}

/** Whether `cleanup` may delete the record: settled, and last updated before the cutoff. */
export function isCleanable(state: StoredFailureState, cutoffMs: number): boolean {
  if (state.status === 'in_progress' || state.status === 'pending') return false;
  const updated = Date.parse(state.updated_at);
  return Number.isFinite(updated) && updated < cutoffMs;
}

/** What a settle writes when the record is gone (cleared or expired mid-run): the outcome is still recorded. */
export function settleDefaults(nowIso: string): StoredFailureState {
  return {
    status: 'pending',
    test_id: '',
    resource_arn: '',
    claimed_at: nowIso,
    updated_at: nowIso,
    attempts: 0,
  };
}

/** Applies a settle change to the current record (or to the defaults when there is none). */
export function applySettle(
  current: StoredFailureState | undefined,
  change: SettleChange,
  nowIso: string,
): StoredFailureState {
  const next: Partial<StoredFailureState> = { ...(current ?? settleDefaults(nowIso)) };
  for (const field of change.drop) delete next[field];
  return { ...next, ...change.set } as StoredFailureState;
}

/** Seconds an in_progress key lives: at least the retention, so attempts survive a crashed worker's lease. */
export function inProgressTtlSeconds(options: StateStoreOptions): number {
  return Math.ceil(Math.max(options.claimLeaseSeconds, options.retentionSeconds));
}

/** Rejects sizes that would make every record expire at once or never be retried. */
export function validateStoreOptions(options: StateStoreOptions): void {
  const bad = (field: keyof StateStoreOptions, why: string): never => {
    throw new TerraFixError('TFX_CONFIG', `State store option ${field} ${why}`, {
      category: 'config',
      field,
    });
  };
  if (!(options.retentionSeconds >= 1) || !Number.isFinite(options.retentionSeconds))
    bad('retentionSeconds', 'must be a finite number of seconds >= 1');
  if (!(options.claimLeaseSeconds > 0) || !Number.isFinite(options.claimLeaseSeconds))
    bad('claimLeaseSeconds', 'must be a finite number of seconds > 0');
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1)
    bad('maxAttempts', 'must be an integer >= 1');
}
