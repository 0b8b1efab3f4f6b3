import { afterEach, describe, expect, it } from 'vitest';
import { failures, post, startTestApi, type TestApi } from '../support/api.js';
import { connectTestRedis, deleteKeysWithPrefix, randomKeyPrefix } from '../support/redis.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function twoHundredIdentical(testApi: TestApi) {
  const [failure] = failures(1, 4242);
  const responses = await Promise.all(
    Array.from({ length: 200 }, () => post(testApi.app, '/webhook', failure)),
  );
  const outcomes = responses.map((r) => r.json<{ outcome: string }>().outcome);
  expect(responses.every((r) => r.statusCode === 200)).toBe(true);
  expect(outcomes.filter((o) => o === 'completed')).toHaveLength(1);
  expect(outcomes.filter((o) => o === 'skipped_duplicate')).toHaveLength(199);
  const log = testApi.runtime.mock?.publisherLog();
  expect(log?.calls).toHaveLength(1);
  expect(log?.created).toBe(1);
  const status = (await testApi.app.inject('/status')).json<{
    dedup: { hits: number };
    failures: { prs_created: number };
  }>();
  expect(status.dedup.hits).toBe(199);
  expect(status.failures.prs_created).toBe(1);
}

describe('deduplication', () => {
  it('200 concurrent identical webhooks make one PR and 199 skipped_duplicate (memory store)', async () => {
    api = await startTestApi();
    await twoHundredIdentical(api);
  });

  it('200 concurrent identical webhooks make one PR and 199 skipped_duplicate (Redis store)', async () => {
    const prefix = randomKeyPrefix();
    const redis = await connectTestRedis();
    try {
      api = await startTestApi(
        { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
        { redisKeyPrefix: prefix },
      );
      expect(api.runtime.stateBackend).toBe('redis');
      await twoHundredIdentical(api);
    } finally {
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('a replay after completion is skipped and reports the state it found', async () => {
    api = await startTestApi();
    const [failure] = failures(1, 77);
    const first = await post(api.app, '/webhook', failure);
    const second = await post(api.app, '/webhook', failure);
    expect(first.json<{ outcome: string }>().outcome).toBe('completed');
    expect(second.json()).toMatchObject({
      success: true,
      outcome: 'skipped_duplicate',
      status: 'completed',
      pr_url: null,
    });
    expect(second.json<{ failure_hash: string }>().failure_hash).toBe(
      first.json<{ failure_hash: string }>().failure_hash,
    );
  });

  it('answers with a stable PR URL derived from the failure key', async () => {
    const [failure] = failures(1, 31);
    api = await startTestApi();
    const a = (await post(api.app, '/webhook', failure)).json<{ pr_url: string; failure_hash: string }>();
    await api.close();
    api = await startTestApi();
    const b = (await post(api.app, '/webhook', failure)).json<{ pr_url: string }>();
    expect(a.pr_url).toMatch(/^https:\/\/github\.com\/mock-org\/terraform-small\/pull\/\d+$/);
    expect(b.pr_url).toBe(a.pr_url);
    expect(a.failure_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
