/**
 * The one retry policy: transient and throttled errors are retried with full-jitter exponential backoff that
 * honours Retry-After; everything else fails at once. Client libraries' own retry layers are configured, not stacked.
 */
import { z } from 'zod';
import { type TerraFixError, toTerraFixError } from './errors.js';

export const retryPolicySchema = z
  .strictObject({
    maxAttempts: z.number().int().min(1).max(10).default(3),
    baseDelayMs: z.number().min(0).max(600_000).default(100),
    maxDelayMs: z.number().min(0).max(600_000).default(10_000),
    /** A throttle asking for a longer wait than this is not waited out; the error is rethrown. */
    maxRetryAfterMs: z.number().min(0).max(3_600_000).default(60_000),
  })
  .refine((p) => p.baseDelayMs <= p.maxDelayMs, { message: 'must be >= baseDelayMs', path: ['maxDelayMs'] });

export type RetryPolicy = z.output<typeof retryPolicySchema>;
export type RetryPolicyInput = z.input<typeof retryPolicySchema>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze(retryPolicySchema.parse({}));

/** Waits `ms`; rejects with the signal's reason as soon as the signal aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Timer-based abortable sleep (never blocks the event loop). */
export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  delayMs: number;
  error: TerraFixError;
}

export interface RetryOptions {
  sleep?: Sleep;
  /** Uniform in [0, 1); injectable so tests (and seeded runs) control the jitter. */
  random?: () => number;
  signal?: AbortSignal;
  onRetry?: (info: RetryInfo) => void;
  /**
   * Retry until this many milliseconds have passed since the first attempt, instead of stopping at the policy's
   * maxAttempts (backoff still follows the policy). For calls that must wait out an outage: the state store.
   */
  deadlineMs?: number;
  /** Clock for the deadline (epoch ms); injectable for tests. */
  now?: () => number;
}

/** Backoff before the next attempt, or undefined when the error must not be retried. */
export function retryDelayMs(
  error: TerraFixError,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
): number | undefined {
  if (!error.retryable) return undefined;
  const backoff = random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const retryAfter = error.category === 'throttled' ? error.retryAfterMs : undefined;
  if (retryAfter === undefined) return backoff;
  if (retryAfter > policy.maxRetryAfterMs) return undefined;
  return Math.max(retryAfter, backoff);
}

/**
 * Calls fn(1), fn(2), ... until it succeeds, the error is not retryable, maxAttempts is reached (or, with
 * `deadlineMs`, the deadline would pass) or the signal aborts; then rethrows the last error as a TerraFixError.
 */
export async function runWithRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: RetryOptions = {},
): Promise<T> {
  const { signal, onRetry } = options;
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const { deadlineMs } = options;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (thrown) {
      const error = toTerraFixError(thrown);
      const delayMs = retryDelayMs(error, attempt, policy, random);
      const exhausted =
        deadlineMs === undefined
          ? attempt >= policy.maxAttempts
          : delayMs !== undefined && now() + delayMs - started > deadlineMs;
      if (delayMs === undefined || exhausted || signal?.aborted === true) throw error;
      onRetry?.({ attempt, delayMs, error });
      try {
        await wait(delayMs, signal);
      } catch {
        // Aborted while backing off: the last real error says more than the abort does.
        throw error;
      }
    }
  }
}
