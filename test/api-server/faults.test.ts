import { afterEach, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/faults/index.js';
import { failureKey, failureSchema } from '../../src/pipeline/failure.js';
import { failures, noSleep, post, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

type Injected = Record<string, Record<string, number>>;

async function runBatch(testApi: TestApi, items: unknown[]) {
  const outcomes = new Map<string, string>();
  for (let i = 0; i < items.length; i += 50) {
    const res = await post(testApi.app, '/batch', items.slice(i, i + 50));
    expect(res.statusCode).toBe(200);
    for (const r of res.json<{ results: { failure_hash: string; outcome: string }[] }>().results)
      outcomes.set(r.failure_hash, r.outcome);
  }
  return outcomes;
}

describe('fault injection seen by clients', () => {
  it('with a seed and a failure rate, client-visible failures equal the injected counters, and a rerun repeats them', async () => {
    const items = failures(300, 11);
    const runs: Map<string, string>[] = [];
    for (let run = 0; run < 2; run++) {
      api = await startTestApi({ TERRAFIX_MOCK_FAILURE_RATE: '0.25', TERRAFIX_MOCK_SEED: '1234' });
      const outcomes = await runBatch(api, items);
      const failed = [...outcomes.values()].filter((o) => o === 'failed').length;
      const status = (await api.app.inject('/status')).json<{
        injected_faults: Injected;
        failures: { failed_by_code: Record<string, number> };
      }>();
      expect(failed).toBeGreaterThan(40); // ~75 expected: the rate really is applied
      expect(failed).toBeLessThan(110);
      expect(status.injected_faults.bedrock_inference?.permanent).toBe(failed);
      expect(status.failures.failed_by_code.TFX_PERMANENT).toBe(failed);
      runs.push(outcomes);
      await api.close();
      api = undefined;
    }
    expect(runs[1]).toEqual(runs[0]);
  });

  it('a different seed gives a different set of failed keys', async () => {
    const items = failures(100, 11);
    const sets: string[][] = [];
    for (const seed of ['1', '2']) {
      api = await startTestApi({ TERRAFIX_MOCK_FAILURE_RATE: '0.5', TERRAFIX_MOCK_SEED: seed });
      const outcomes = await runBatch(api, items);
      sets.push(
        [...outcomes]
          .filter(([, o]) => o === 'failed')
          .map(([k]) => k)
          .sort(),
      );
      await api.close();
      api = undefined;
    }
    expect(sets[0]).not.toEqual(sets[1]);
  });

  it('transient faults are retried: a failure fails only when every attempt was faulted, as the seeded plan says', async () => {
    api = await startTestApi({}, { sleep: noSleep });
    const stages = { clone_repo: { transient: 0.5 } };
    const configured = await post(api.app, '/configure', {
      seed: 99,
      stages,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    });
    expect(configured.statusCode).toBe(200);
    const items = failures(200, 3);
    const outcomes = await runBatch(api, items);

    const planner = new FaultInjector({ seed: 99, stages });
    const expectedFailed = items
      .map((f) => failureKey(failureSchema.parse(f)))
      .filter((key) =>
        [1, 2, 3].every((attempt) => planner.plan('clone_repo', key, attempt).fault === 'transient'),
      );
    const failed = [...outcomes].filter(([, o]) => o === 'failed').map(([k]) => k);
    expect(failed.sort()).toEqual(expectedFailed.sort());

    const status = (await api.app.inject('/status')).json<{
      injected_faults: Injected;
      failures: { retries: number; failed_by_code: Record<string, number> };
    }>();
    // Every injected transient fault is either retried or ends a failure that used up its attempts.
    expect(status.injected_faults.clone_repo?.transient).toBe(status.failures.retries + failed.length);
    expect(status.failures.failed_by_code.TFX_TRANSIENT ?? 0).toBe(failed.length);
    const replay = items.find((f) => failed.includes(failureKey(failureSchema.parse(f))));
    const again = (await post(api.app, '/webhook', replay)).json<{
      outcome: string;
      error?: { code: string };
    }>();
    // A transient failure is claimed again on replay (not skipped as a duplicate); the seeded plan repeats.
    expect(again.outcome).toBe('failed');
    expect(again.error?.code).toBe('TFX_TRANSIENT');
  });

  it('throttle faults are retried after their Retry-After', async () => {
    api = await startTestApi();
    await post(api.app, '/configure', {
      stages: { create_pr: { throttle: 1, throttleRetryAfterMs: 20 } },
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const [failure] = failures(1, 8);
    const start = performance.now();
    const res = await post(api.app, '/webhook', failure);
    const elapsed = performance.now() - start;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      outcome: 'failed',
      error: { code: 'TFX_THROTTLED', stage: 'create_pr' },
      attempts: { create_pr: 2 },
    });
    expect(elapsed).toBeGreaterThanOrEqual(19);
  });

  it('injected latency shows up in the stage timings', async () => {
    api = await startTestApi();
    await post(api.app, '/configure', {
      stages: { bedrock_inference: { latency: { kind: 'fixed', ms: 30 } } },
    });
    const [failure] = failures(1, 21);
    const res = (await post(api.app, '/webhook', failure)).json<{ timings_ms: Record<string, number> }>();
    expect(res.timings_ms.bedrock_inference).toBeGreaterThanOrEqual(29);
    expect(res.timings_ms.clone_repo).toBeLessThan(29);
  });
});
