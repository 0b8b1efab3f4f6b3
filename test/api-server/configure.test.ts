import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiServer } from '../../src/api-server/build.js';
import { startApiServer } from '../../src/api-server/server.js';
import { loadApiServerConfig } from '../../src/config/api-server.js';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { post, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('POST /configure', () => {
  it.each([
    [{ failure_rate: 1.5 }, 'failure_rate'],
    [{ failure_rate: 'abc' }, 'failure_rate'],
    [{ latency_ms: -1 }, 'latency_ms'],
    [{ workers: 0 }, 'workers'],
    [{ queue_limit: 1.5 }, 'queue_limit'],
    [{ parse_cache: 'yes' }, 'parse_cache'],
    [{ failure_rte: 0.1 }, '(root)'],
    [{ stages: { github: { transient: 0.1 } } }, 'stages'],
    [{ stages: { clone_repo: { transient: 2 } } }, 'stages.clone_repo.transient'],
    [{ stages: { clone_repo: { transient: 0.6, permanent: 0.6 } } }, 'stages.clone_repo'],
    [
      { stages: { bedrock_inference: { latency: { kind: 'lognormal', medianMs: 100, p99Ms: 50 } } } },
      'stages.bedrock_inference.latency.p99Ms',
    ],
    [{ stages: { create_pr: { latency: { kind: 'gamma', ms: 1 } } } }, 'stages.create_pr.latency.kind'],
    [{ retry: { maxAttempts: 0 } }, 'retry.maxAttempts'],
  ])('rejects %j with 400 naming %s', async (body, field) => {
    const res = await post(api.app, '/configure', body);
    expect(res.statusCode).toBe(400);
    const json = res.json<{ issues: { field: string }[]; error: string }>();
    expect(json.issues.map((i) => i.field).join(' ')).toContain(field);
  });

  it('leaves the configuration unchanged when a request is rejected', async () => {
    const before = (await api.app.inject('/configure')).json();
    await post(api.app, '/configure', { latency_ms: 10, failure_rate: 7 });
    expect((await api.app.inject('/configure')).json()).toEqual(before);
  });

  it("accepts the guide's knobs plus stages, sizing, seed and cache, and answers with the effective configuration", async () => {
    const res = await post(api.app, '/configure', {
      latency_ms: 200,
      failure_rate: 0.1,
      seed: 42,
      workers: 8,
      queue_limit: 50,
      parse_cache: false,
      stages: { clone_repo: { latency: { kind: 'lognormal', medianMs: 20, p99Ms: 200 }, transient: 0.05 } },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<Record<string, unknown> & { stages: Record<string, unknown> }>();
    expect(body).toMatchObject({
      message: 'Configuration updated',
      latency_ms: 200,
      failure_rate: 0.1,
      seed: 42,
      workers: 8,
      queue_limit: 50,
      parse_cache: false,
    });
    expect(body.stages.bedrock_inference).toMatchObject({
      latency: { kind: 'fixed', ms: 100 },
      permanent: 0.1,
    });
    expect(body.stages.clone_repo).toMatchObject({
      latency: { kind: 'lognormal', medianMs: 20, p99Ms: 200 },
      transient: 0.05,
    });
    const status = (await api.app.inject('/status')).json<{
      config: unknown;
      queue: unknown;
      parse_cache: { enabled: boolean };
    }>();
    expect(status.config).toMatchObject({ latency_ms: 200, seed: 42 });
    expect(status.queue).toMatchObject({ workers: 8, limit: 50 });
    expect(status.parse_cache.enabled).toBe(false);
    // A stage override survives a later change of the guide's knobs, until removed with null.
    const later = (
      await post(api.app, '/configure', { latency_ms: 0, failure_rate: 0, parse_cache: true })
    ).json<{ stages: Record<string, unknown> }>();
    expect(later.stages.clone_repo).toMatchObject({ transient: 0.05 });
    const cleared = (await post(api.app, '/configure', { stages: { clone_repo: null } })).json<{
      stages: Record<string, unknown>;
    }>();
    expect(cleared.stages).toEqual({});
  });

  it('is 403 outside mock mode', async () => {
    const app = await buildApiServer({ ...api.runtime, mock: undefined });
    try {
      const res = await post(app, '/configure', { latency_ms: 1 });
      expect(res.statusCode).toBe(403);
      expect(res.json<{ error: string }>().error).toMatch(/mock mode/);
    } finally {
      await app.close();
    }
  });
});

describe('real mode', () => {
  it('refuses to start without a webhook secret and names the variable (test/api-server/real-mode.test.ts runs it)', async () => {
    const config = loadApiServerConfig({ TERRAFIX_MOCK_MODE: 'false', TERRAFIX_API_PORT: '0' });
    const error = await startApiServer(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraFixError);
    expect((error as TerraFixError).category).toBe('config');
    expect((error as TerraFixError).field).toBe('TERRAFIX_WEBHOOK_SECRET');
    expect((error as TerraFixError).message).toMatch(/TERRAFIX_WEBHOOK_SECRET is required outside mock mode/);
  });
});
