/**
 * A Redis outage under work (issue 9, item 4): with its own redis-server, stopped and started again, accepted work
 * waits the outage out instead of failing, a published PR's record is held past the deadline and written once Redis
 * is back, the answer says so, and resubmitting never opens a second PR.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { failureKey, failureSchema } from '../../src/pipeline/failure.js';
import { randomKeyPrefix } from '../support/redis.js';
import { failures, post, startTestApi, type TestApi } from '../support/api.js';
import { type OwnRedis, ownRedis } from '../support/own-redis.js';

let api: TestApi | undefined;
let redis: OwnRedis | undefined;
afterEach(async () => {
  await api?.close();
  await redis?.stop();
  api = undefined;
  redis = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function prsCreated(testApi: TestApi): Promise<{ created: number; reused: number }> {
  const status = (await testApi.app.inject('/status')).json<{
    simulated_github: { created: number; reused: number };
  }>();
  return status.simulated_github;
}

describe('state store outage', () => {
  it('accepted async and sync work waits out a Redis outage and completes; no job fails', async () => {
    redis = await ownRedis();
    await redis.start();
    api = await startTestApi(
      { REDIS_URL: redis.url, TERRAFIX_STATE_STORE_DEADLINE_MS: '60000', TERRAFIX_WORKERS: '16' },
      { redisKeyPrefix: randomKeyPrefix() },
    );
    // PR creation takes a while, so jobs are past their claim (and soon publishing) when Redis goes away.
    const configure = await post(api.app, '/configure', {
      stages: { create_pr: { latency: { kind: 'fixed', ms: 300 } } },
    });
    expect(configure.statusCode).toBe(200);
    const before = failures(8, 5151);
    const accepted = await post(api.app, '/batch?mode=async', before);
    expect(accepted.statusCode).toBe(202);
    const ids = accepted.json<{ results: { job_id: string }[] }>().results.map((r) => r.job_id);
    await sleep(100);
    await redis.stop();
    // Work accepted during the outage, and a sync request waiting on it.
    const during = failures(4, 5252);
    const acceptedDuring = await post(api.app, '/batch?mode=async', during);
    expect(acceptedDuring.statusCode).toBe(202);
    ids.push(...acceptedDuring.json<{ results: { job_id: string }[] }>().results.map((r) => r.job_id));
    const syncFailure = failures(1, 5353)[0];
    const sync = post(api.app, '/webhook', syncFailure);
    await sleep(2_500);
    await redis.start();

    expect((await sync).statusCode).toBe(200);
    for (const id of ids) {
      await expect
        .poll(async () => (await api?.runtime.queue.get(id))?.state, { timeout: 30_000 })
        .toBe('done');
      const job = await api.runtime.queue.get(id);
      expect(job?.result?.outcome).toMatchObject({ kind: 'completed' });
    }
    expect(await prsCreated(api)).toEqual({ created: 13, reused: 0 });
    // Every completion reached Redis (after the restart): a resubmission is a duplicate, not a second PR.
    const again = await post(api.app, '/batch', [...before, ...during, syncFailure]);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ total: 13, skipped: 13 });
    expect(await prsCreated(api)).toEqual({ created: 13, reused: 0 });
  }, 60_000);

  it('past the deadline a published PR is answered 200 with its record held, written once Redis is back', async () => {
    redis = await ownRedis();
    await redis.start();
    api = await startTestApi(
      { REDIS_URL: redis.url, TERRAFIX_STATE_STORE_DEADLINE_MS: '1000' },
      { redisKeyPrefix: randomKeyPrefix() },
    );
    await post(api.app, '/configure', { stages: { create_pr: { latency: { kind: 'fixed', ms: 400 } } } });
    const [failure] = failures(1, 5454);
    const answer = post(api.app, '/webhook', failure);
    await sleep(150); // claimed, now publishing
    await redis.stop();
    const res = await answer;
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      outcome: 'completed',
      state_record: 'pending',
      message: expect.stringContaining('held') as unknown,
    });
    // While the store is out, a resubmission is not a second PR.
    const again = await post(api.app, '/webhook', failure);
    expect(again.json()).toMatchObject({ outcome: 'skipped_duplicate', status: 'completed' });
    expect(await prsCreated(api)).toEqual({ created: 1, reused: 0 });

    await redis.start();
    const key = failureKey(failureSchema.parse(failure));
    await expect
      .poll(async () => (await api?.runtime.state.get(key).catch(() => undefined))?.status, {
        timeout: 20_000,
      })
      .toBe('completed');
    const third = await post(api.app, '/webhook', failure);
    expect(third.json()).toMatchObject({ outcome: 'skipped_duplicate', status: 'completed' });
    expect(await prsCreated(api)).toEqual({ created: 1, reused: 0 });
  }, 60_000);

  it('a claim that cannot reach the store by the deadline is answered 503 with Retry-After', async () => {
    redis = await ownRedis();
    await redis.start();
    api = await startTestApi(
      { REDIS_URL: redis.url, TERRAFIX_STATE_STORE_DEADLINE_MS: '500' },
      { redisKeyPrefix: randomKeyPrefix() },
    );
    await redis.stop();
    const res = await post(api.app, '/webhook', failures(1, 5555)[0]);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json()).toMatchObject({ error: { code: 'TFX_STATE_STORE', stage: 'claim' } });
  }, 30_000);
});
