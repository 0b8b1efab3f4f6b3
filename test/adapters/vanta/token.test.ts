// OAuth client credentials against the fake Vanta: one token per process, renewal, re-mint on 401, VANTA_API_TOKEN.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { VantaMetrics } from '../../../src/observability/vanta-metrics.js';
import { TerraFixError } from '../../../src/pipeline/errors.js';
import {
  bucketTest,
  CLIENT_ID,
  collect,
  countingObserver,
  dataOf,
  fake,
  vantaFor,
  VirtualTime,
} from './support.js';

const data = () => dataOf(bucketTest('aws-s3-public-access-blocked', 3));

/** Reads the failing tests once (one GET /v1/tests). */
const listTests = (vanta: ReturnType<typeof vantaFor>) => vanta.reader.listFailingTests();

describe('client credentials', () => {
  it('mints with a JSON body, the client id, grant type client_credentials and scope vanta-api.all:read', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    await listTests(vantaFor(vanta, time));
    const [mint, list] = vanta.calls;
    expect(mint).toMatchObject({
      method: 'POST',
      path: '/oauth/token',
      status: 200,
      contentType: 'application/json',
      clientId: CLIENT_ID,
      grantType: 'client_credentials',
      scope: 'vanta-api.all:read',
    });
    expect(list).toMatchObject({ method: 'GET', path: '/v1/tests', status: 200, token: 1 });
  });

  it('shares one token and one in-flight mint among concurrent callers', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const observer = countingObserver();
    const client = vantaFor(vanta, time, {}, { observer });
    // Hold the mint so every caller arrives while it is in flight.
    const release = vanta.hold({ path: '/oauth/token' });
    const calls = Array.from({ length: 12 }, () => listTests(client));
    await until(() => vanta.calls.length === 1);
    release();
    await Promise.all(calls);
    expect(vanta.mints).toBe(1);
    expect(observer.counts.get('mint')).toBe(1);
    const gets = vanta.calls.filter((c) => c.method === 'GET');
    expect(gets).toHaveLength(12);
    expect(gets.every((c) => c.status === 200 && c.token === 1)).toBe(true);
  });

  it('renews the token a minute before it expires, not earlier', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now, tokenTtlSeconds: 3600 });
    const client = vantaFor(vanta, time);
    await listTests(client);
    time.advance(3600_000 - 60_000 - 1); // 1 ms before the renewal point: still the first token
    await listTests(client);
    expect(vanta.mints).toBe(1);
    time.advance(1);
    await listTests(client);
    expect(vanta.mints).toBe(2);
    const gets = vanta.calls.filter((c) => c.method === 'GET');
    expect(gets.map((c) => [c.status, c.token])).toEqual([
      [200, 1],
      [200, 1],
      [200, 2],
    ]);
  });

  it('re-mints once when Vanta answers 401 to a revoked token, then succeeds (and the metrics show it)', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const registry = new Registry();
    const metrics = new VantaMetrics(registry);
    const client = vantaFor(vanta, time, {}, { observer: metrics.observer });
    await listTests(client);
    vanta.revokeAll(); // what a mint by another process does
    await listTests(client);
    expect(vanta.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'POST /oauth/token 200',
      'GET /v1/tests 200',
      'GET /v1/tests 401',
      'POST /oauth/token 200',
      'GET /v1/tests 200',
    ]);
    const text = await registry.metrics();
    expect(text).toContain('terrafix_vanta_token_rejections_total 1');
    expect(text).toContain('terrafix_vanta_token_mints_total 2');
    expect(text).toContain('terrafix_vanta_requests_total{endpoint="tests",status="401"} 1');
    expect(text).toContain('terrafix_vanta_requests_total{endpoint="tests",status="200"} 2');
    expect(text).toContain('terrafix_vanta_requests_total{endpoint="token",status="200"} 2');
  });

  it('concurrent 401s on one revoked token lead to one re-mint, not one each', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const client = vantaFor(vanta, time);
    await listTests(client);
    vanta.revokeAll();
    await Promise.all(Array.from({ length: 8 }, () => listTests(client)));
    expect(vanta.mints).toBe(2);
    const lastGets = vanta.calls.filter((c) => c.method === 'GET' && c.status === 200);
    expect(lastGets).toHaveLength(9);
  });

  it('a request in flight when another process mints fails with 401 and is retried on a fresh token', async () => {
    // Two processes sharing one application: Vanta keeps one active token, so each mint revokes the other's.
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const first = vantaFor(vanta, time);
    const second = vantaFor(vanta, time);
    await listTests(first);
    const release = vanta.hold({ method: 'GET', path: '/v1/tests' });
    const inFlight = listTests(first); // arrives with token 1 and waits
    await until(() => vanta.calls.length === 3);
    await second.client.get('tests', '/v1/tests/aws-s3-public-access-blocked', {}); // mints token 2
    release();
    await inFlight;
    expect(vanta.calls.map((c) => `${c.method} ${c.path} ${c.status} ${c.token ?? '-'}`)).toEqual([
      'POST /oauth/token 200 -',
      'GET /v1/tests 200 1',
      'GET /v1/tests 401 -',
      'POST /oauth/token 200 -',
      'GET /v1/tests/aws-s3-public-access-blocked 200 2',
      'POST /oauth/token 200 -',
      'GET /v1/tests 200 3',
    ]);
  });

  it('a second 401 right after a re-mint is a transient error that says why, not a loop', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const client = vantaFor(vanta, time, {
      retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 },
    });
    await listTests(client);
    vanta.script({ method: 'GET', path: '/v1/tests' }, [{ status: 401 }, { status: 401 }]);
    const error = await listTests(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraFixError);
    expect(error).toMatchObject({ code: 'TFX_TRANSIENT', category: 'transient' });
    expect((error as Error).message).toMatch(/another process.*VANTA_CLIENT_ID/);
    expect(vanta.mints).toBe(2);
  });

  it('wrong client credentials are a configuration error naming the variables', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const client = vantaFor(vanta, time, {
      auth: { kind: 'client_credentials', clientId: CLIENT_ID, clientSecret: 'vcs_wrong_secret_000000' },
    });
    const error = await listTests(client).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config' });
    expect((error as Error).message).toMatch(/VANTA_CLIENT_ID, VANTA_CLIENT_SECRET/);
    expect(vanta.calls).toHaveLength(1); // not retried
  });

  it('a throttled mint (429 + Retry-After) waits as told and retries', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    vanta.script({ path: '/oauth/token' }, [{ status: 429, retryAfter: 7 }]);
    const start = time.now();
    await listTests(vantaFor(vanta, time));
    expect(vanta.calls.map((c) => c.status)).toEqual([429, 200, 200]);
    expect(time.now() - start).toBeGreaterThanOrEqual(7_000);
  });

  it('never mints more than 5 tokens a minute, even when every request is refused', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const client = vantaFor(vanta, time, {
      retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 },
    });
    const start = time.now();
    for (let i = 0; i < 7; i++) {
      vanta.revokeAll();
      await listTests(client);
    }
    const mints = vanta.calls.filter((c) => c.path === '/oauth/token');
    expect(mints.every((c) => c.status === 200)).toBe(true); // the fake's own 5/min limit never hit
    expect(mints).toHaveLength(7); // the first mint, then one per revocation
    // The sixth mint had to wait for the first to leave the one-minute window.
    expect(time.now() - start).toBeGreaterThanOrEqual(60_000);
  });
});

describe('VANTA_API_TOKEN (pre-minted)', () => {
  it('is sent as the bearer token without any mint', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    // Mint a real token on the fake, as an operator would have done elsewhere.
    const minted = (await (
      await fetch(`${vanta.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: CLIENT_ID,
          client_secret: vanta.data.clients[0]?.clientSecret,
          scope: 'vanta-api.all:read',
          grant_type: 'client_credentials',
        }),
      })
    ).json()) as { access_token: string };
    vanta.clearCalls();
    const client = vantaFor(vanta, time, { auth: { kind: 'static', token: minted.access_token } });
    const tests = await listTests(client);
    const failures = await collect(client.reader.failuresOf(tests[0] ?? never()));
    expect(failures).toHaveLength(3);
    expect(vanta.calls.every((c) => c.method === 'GET' && c.status === 200 && c.token === 1)).toBe(true);
  });

  it('a 401 is a configuration error naming VANTA_API_TOKEN, with no mint and no retry', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const client = vantaFor(vanta, time, { auth: { kind: 'static', token: 'vat_expired_token_value' } });
    const error = await listTests(client).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TFX_CONFIG', field: 'VANTA_API_TOKEN' });
    expect((error as Error).message).toMatch(/VANTA_API_TOKEN.*VANTA_CLIENT_ID and VANTA_CLIENT_SECRET/);
    expect(vanta.calls.map((c) => c.status)).toEqual([401]);
  });
});

/** Yields to the event loop until `condition` holds (a bounded number of turns). */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1_000 && !condition(); turn++) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
}

function never(): never {
  throw new Error('expected a value');
}
