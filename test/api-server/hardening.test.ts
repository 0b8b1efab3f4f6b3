/** Small hardening fixes (issue 9): routes, messages, capacity, Retry-After, listener warnings. */
import { afterEach, describe, expect, it } from 'vitest';
import { failures, noSleep, post, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('API hardening', () => {
  it('answers 404 for a path below a job id, 405 only for /jobs/<id> itself', async () => {
    api = await startTestApi();
    const deep = await api.app.inject('/jobs/a/b');
    expect(deep.statusCode).toBe(404);
    expect(deep.headers.allow).toBeUndefined();
    expect(deep.json()).toMatchObject({ code: 'TFX_NOT_FOUND' });
    const wrong = await api.app.inject({ method: 'DELETE', url: '/jobs/abc' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('GET');
  });

  it('names the mode field once in its error', async () => {
    api = await startTestApi();
    const [valid] = failures(1);
    for (const url of ['/webhook?mode=later', '/batch?mode=later']) {
      const res = await post(api.app, url, url.startsWith('/batch') ? [valid] : valid);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        error: 'mode: must be sync or async',
        issues: [{ field: 'mode', message: 'must be sync or async' }],
      });
    }
  });

  it('a batch larger than workers + queue limit gets 422 without Retry-After, on an idle server', async () => {
    api = await startTestApi({ TERRAFIX_WORKERS: '1', TERRAFIX_QUEUE_LIMIT: '5' });
    for (const mode of ['async', 'sync']) {
      const res = await post(api.app, `/batch?mode=${mode}`, failures(7, 31));
      expect(res.statusCode).toBe(422);
      expect(res.headers['retry-after']).toBeUndefined();
      expect(res.json()).toMatchObject({
        code: 'TFX_BATCH_EXCEEDS_CAPACITY',
        issues: [{ field: '(root)', message: 'at most 6 failures fit at once' }],
      });
    }
    // One that fits is still admitted.
    expect((await post(api.app, '/batch?mode=async', failures(6, 32))).statusCode).toBe(202);
  });

  it('a transient failure answered 503 carries Retry-After', async () => {
    api = await startTestApi({}, { sleep: noSleep });
    const configure = await post(api.app, '/configure', { stages: { clone_repo: { transient: 1 } } });
    expect(configure.statusCode).toBe(200);
    const res = await post(api.app, '/webhook', failures(1, 33)[0]);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { category: 'transient' } });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('many concurrent delays on the shared shutdown signal print no MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      // Real sleeps (no test seam): 30 jobs wait in an injected delay at once, each listening on the signal.
      api = await startTestApi({ TERRAFIX_WORKERS: '30' });
      const configure = await post(api.app, '/configure', {
        stages: { bedrock_inference: { latency: { kind: 'fixed', ms: 50 } } },
      });
      expect(configure.statusCode).toBe(200);
      const res = await post(api.app, '/batch', failures(30, 34));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ total: 30, failed: 0 });
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
