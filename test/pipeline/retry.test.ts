import { describe, expect, it } from 'vitest';
import { TerraFixError } from '../../src/pipeline/errors.js';
import {
  type RetryInfo,
  type RetryPolicy,
  retryDelayMs,
  retryPolicySchema,
  runWithRetry,
  sleep,
} from '../../src/pipeline/retry.js';

const transient = (): TerraFixError => new TerraFixError('TFX_TRANSIENT', 'flaky', { category: 'transient' });
const throttled = (retryAfterMs?: number): TerraFixError =>
  new TerraFixError(
    'TFX_THROTTLED',
    'slow down',
    retryAfterMs === undefined ? { category: 'throttled' } : { category: 'throttled', retryAfterMs },
  );
const permanent = (): TerraFixError => new TerraFixError('TFX_PERMANENT', 'nope', { category: 'permanent' });

/** Fails with the scripted errors in order, then succeeds; logs every attempt number it was called with. */
function scripted(errors: Error[]): { fn: (attempt: number) => Promise<string>; attempts: number[] } {
  const attempts: number[] = [];
  return {
    attempts,
    fn: (attempt) => {
      attempts.push(attempt);
      const error = errors[attempts.length - 1];
      return error === undefined ? Promise.resolve(`ok@${attempt}`) : Promise.reject(error);
    },
  };
}

function recorder(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return { sleeps, sleep: (ms) => (sleeps.push(ms), Promise.resolve()) };
}

const policy = (input: Partial<RetryPolicy> = {}): RetryPolicy => retryPolicySchema.parse(input);

describe('runWithRetry', () => {
  it('retries transient errors and returns the first success', async () => {
    const { fn, attempts } = scripted([transient(), transient()]);
    const { sleeps, sleep } = recorder();
    const retries: RetryInfo[] = [];
    const result = await runWithRetry(fn, policy(), {
      sleep,
      random: () => 0.5,
      onRetry: (i) => retries.push(i),
    });
    expect(result).toBe('ok@3');
    expect(attempts).toEqual([1, 2, 3]);
    expect(sleeps).toEqual([50, 100]);
    expect(retries.map((r) => [r.attempt, r.delayMs, r.error.code])).toEqual([
      [1, 50, 'TFX_TRANSIENT'],
      [2, 100, 'TFX_TRANSIENT'],
    ]);
  });

  it('does not retry permanent errors', async () => {
    const error = permanent();
    const { fn, attempts } = scripted([error]);
    const { sleeps, sleep } = recorder();
    await expect(runWithRetry(fn, policy(), { sleep })).rejects.toBe(error);
    expect(attempts).toEqual([1]);
    expect(sleeps).toEqual([]);
  });

  it('wraps and does not retry unknown errors', async () => {
    const cause = new RangeError('boom');
    const { fn, attempts } = scripted([cause]);
    const rejection = await runWithRetry(fn, policy(), { sleep: recorder().sleep }).catch((e: unknown) => e);
    expect(rejection).toBeInstanceOf(TerraFixError);
    expect(rejection).toMatchObject({ code: 'TFX_INTERNAL', category: 'permanent', cause });
    expect(attempts).toEqual([1]);
  });

  it('waits at least Retry-After on a throttle', async () => {
    const { fn } = scripted([throttled(2500), throttled()]);
    const { sleeps, sleep } = recorder();
    await expect(runWithRetry(fn, policy(), { sleep, random: () => 0.5 })).resolves.toBe('ok@3');
    expect(sleeps).toEqual([2500, 100]);
  });

  it('gives up when Retry-After exceeds maxRetryAfterMs', async () => {
    const error = throttled(120_000);
    const { fn, attempts } = scripted([error]);
    const { sleeps, sleep } = recorder();
    await expect(runWithRetry(fn, policy({ maxRetryAfterMs: 60_000 }), { sleep })).rejects.toBe(error);
    expect(attempts).toEqual([1]);
    expect(sleeps).toEqual([]);
  });

  it('stops after maxAttempts and rethrows the last error', async () => {
    const errors = [transient(), transient(), transient(), transient(), transient()];
    const { fn, attempts } = scripted(errors);
    const { sleeps, sleep } = recorder();
    await expect(runWithRetry(fn, policy({ maxAttempts: 4 }), { sleep })).rejects.toBe(errors[3]);
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(sleeps).toHaveLength(3);
  });

  it('maxAttempts 1 means no retry', async () => {
    const { fn, attempts } = scripted([transient()]);
    await expect(runWithRetry(fn, policy({ maxAttempts: 1 }), { sleep: recorder().sleep })).rejects.toThrow(
      'flaky',
    );
    expect(attempts).toEqual([1]);
  });

  it('stops retrying once the signal is aborted', async () => {
    const controller = new AbortController();
    const attempts: number[] = [];
    const error = transient();
    const fn = (attempt: number): Promise<string> => {
      attempts.push(attempt);
      if (attempt === 2) controller.abort();
      return Promise.reject(error);
    };
    await expect(
      runWithRetry(fn, policy({ maxAttempts: 5 }), { sleep: recorder().sleep, signal: controller.signal }),
    ).rejects.toBe(error);
    expect(attempts).toEqual([1, 2]);
  });

  it('aborting during a real backoff ends it early with the last error', async () => {
    const controller = new AbortController();
    const error = transient();
    const { fn, attempts } = scripted([error, transient()]);
    setTimeout(() => controller.abort(), 5);
    const started = performance.now();
    const slow = policy({ baseDelayMs: 60_000, maxDelayMs: 60_000 });
    await expect(runWithRetry(fn, slow, { random: () => 0.99, signal: controller.signal })).rejects.toBe(
      error,
    );
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(attempts).toEqual([1]);
  });

  it('really sleeps a tiny backoff by default', async () => {
    const { fn } = scripted([transient()]);
    const started = performance.now();
    await runWithRetry(fn, policy({ baseDelayMs: 20 }), { random: () => 0.999 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });
});

describe('retryDelayMs', () => {
  it('is full jitter within [0, min(maxDelay, base * 2^(attempt-1)))', () => {
    const p = policy({ baseDelayMs: 100, maxDelayMs: 1000 });
    for (const [attempt, ceiling] of [
      [1, 100],
      [2, 200],
      [3, 400],
      [4, 800],
      [5, 1000],
      [9, 1000],
    ] as const) {
      expect(retryDelayMs(transient(), attempt, p, () => 0)).toBe(0);
      const high = retryDelayMs(transient(), attempt, p, () => 0.999999)!;
      expect(high).toBeLessThan(ceiling);
      expect(high).toBeGreaterThan(ceiling * 0.999);
    }
  });

  it('uses the seeded random for every delay', () => {
    const draws = [0.1, 0.9];
    const random = (): number => draws.shift() ?? 0;
    expect(retryDelayMs(transient(), 1, policy(), random)).toBeCloseTo(10);
    expect(retryDelayMs(transient(), 1, policy(), random)).toBeCloseTo(90);
  });

  it('is undefined for non-retryable categories', () => {
    for (const category of ['permanent', 'config', 'validation'] as const) {
      expect(
        retryDelayMs(new TerraFixError('TFX_CONFIG', 'x', { category }), 1, policy(), () => 0.5),
      ).toBeUndefined();
    }
  });
});

describe('retryPolicySchema', () => {
  it('has the documented defaults', () => {
    expect(retryPolicySchema.parse({})).toEqual({
      maxAttempts: 3,
      baseDelayMs: 100,
      maxDelayMs: 10_000,
      maxRetryAfterMs: 60_000,
    });
  });

  it('rejects bad values naming the field', () => {
    const paths = (input: unknown): string[] =>
      retryPolicySchema.safeParse(input).error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(paths({ maxAttempts: 0 })).toEqual(['maxAttempts']);
    expect(paths({ maxAttempts: 11 })).toEqual(['maxAttempts']);
    expect(paths({ maxAttempts: 2.5 })).toEqual(['maxAttempts']);
    expect(paths({ baseDelayMs: -1 })).toEqual(['baseDelayMs']);
    expect(paths({ baseDelayMs: 500, maxDelayMs: 100 })).toEqual(['maxDelayMs']);
    expect(paths({ retries: 3 })).toEqual(['']);
  });
});

describe('sleep', () => {
  it('rejects at once with the reason of an already-aborted signal', async () => {
    const reason = new Error('gone');
    await expect(sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});

describe('runWithRetry with a deadline', () => {
  it('retries past maxAttempts until the deadline, on a clock the sleeps advance', async () => {
    let clock = 0;
    const wait = (ms: number) => {
      clock += ms;
      return Promise.resolve();
    };
    const errors = Array.from({ length: 20 }, transient);
    const { fn, attempts } = scripted(errors);
    const result = runWithRetry(fn, policy({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 100 }), {
      sleep: wait,
      random: () => 1,
      deadlineMs: 1_000,
      now: () => clock,
    });
    await expect(result).rejects.toMatchObject({ code: 'TFX_TRANSIENT' });
    // 100 ms per backoff: attempts at 0, 100, ..., 1000 ms, then the next wait would pass the deadline.
    expect(attempts).toHaveLength(11);
    expect(clock).toBeLessThanOrEqual(1_000);
  });

  it('succeeds when the outage ends inside the deadline', async () => {
    let clock = 0;
    const wait = (ms: number) => {
      clock += ms;
      return Promise.resolve();
    };
    const { fn, attempts } = scripted(Array.from({ length: 6 }, transient));
    const result = await runWithRetry(fn, policy({ maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 50 }), {
      sleep: wait,
      random: () => 1,
      deadlineMs: 60_000,
      now: () => clock,
    });
    expect(result).toBe('ok@7');
    expect(attempts).toHaveLength(7);
  });
});
