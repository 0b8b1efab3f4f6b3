// The client against the fake Vanta: pagination, filters, percent-encoding, rate limit, throttling and retries.
import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../../src/adapters/vanta/rate-limiter.js';
import { TerraFixError } from '../../../src/pipeline/errors.js';
import { fakeVantaData } from '../../fakes/vanta/data.js';
import { type CallRecord, encodeCursor } from '../../fakes/vanta/server.js';
import {
  bucketTest,
  CLIENT_ID,
  CLIENT_SECRET,
  collect,
  countingObserver,
  dataOf,
  fake,
  vantaFor,
  VirtualTime,
} from './support.js';

const gets = (calls: CallRecord[]) => calls.filter((c) => c.method === 'GET');

describe('pagination', () => {
  it('reads every page of the failing tests, following endCursor', async () => {
    const time = new VirtualTime();
    const items = Array.from({ length: 7 }, (_, i) => bucketTest(`aws-test-${i}`, 1));
    const vanta = await fake({ data: dataOf(...items), now: time.now });
    const tests = await vantaFor(vanta, time, {}, { pageSize: 3 }).reader.listFailingTests();
    expect(tests.map((t) => t.id)).toEqual(items.map((i) => i.test.id));
    expect(gets(vanta.calls).map((c) => c.query)).toEqual([
      { statusFilter: 'NEEDS_ATTENTION', pageSize: '3' },
      { statusFilter: 'NEEDS_ATTENTION', pageSize: '3', pageCursor: encodeCursor(2) },
      { statusFilter: 'NEEDS_ATTENTION', pageSize: '3', pageCursor: encodeCursor(5) },
    ]);
  });

  it('reads every page of a test’s failing entities with entityStatus=FAILING (deactivated ones excluded)', async () => {
    const time = new VirtualTime();
    const item = bucketTest('aws-s3-public-access-blocked', 250);
    const deactivated = {
      id: 'deadbeefdeadbeefdeadbeef',
      displayName: 'kept-public',
      entityStatus: 'DEACTIVATED' as const,
    };
    const vanta = await fake({
      data: fakeVantaData({
        clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
        tests: [item.test],
        entities: {
          [item.test.id]: [...item.entities.slice(0, 100), deactivated, ...item.entities.slice(100)],
        },
      }),
      now: time.now,
    });
    const client = vantaFor(vanta, time);
    const [test] = await client.reader.listFailingTests();
    const failures = await collect(client.reader.failuresOf(test ?? never()));
    expect(failures).toHaveLength(250);
    expect(new Set(failures.map((f) => f.resource_arn)).size).toBe(250);
    const entityCalls = gets(vanta.calls).filter((c) => c.path.endsWith('/entities'));
    expect(entityCalls).toHaveLength(3); // pageSize 100 (the maximum) by default
    expect(
      entityCalls.every((c) => c.query['entityStatus'] === 'FAILING' && c.query['pageSize'] === '100'),
    ).toBe(true);
  });

  it('percent-encodes the test id in the entities path', async () => {
    const time = new VirtualTime();
    const odd = bucketTest('custom/test id?x=1#frag', 2);
    const vanta = await fake({ data: dataOf(odd), now: time.now });
    const client = vantaFor(vanta, time);
    const [test] = await client.reader.listFailingTests();
    expect(await collect(client.reader.failuresOf(test ?? never()))).toHaveLength(2);
    const call = gets(vanta.calls).find((c) => c.path.endsWith('/entities'));
    expect(call?.rawPath).toBe('/v1/tests/custom%2Ftest%20id%3Fx%3D1%23frag/entities');
    expect(call?.path).toBe('/v1/tests/custom/test id?x=1#frag/entities');
  });

  it('stops with a permanent error when the server repeats a cursor (no endless loop)', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: dataOf(bucketTest('aws-a', 1)), now: time.now });
    const page = (cursor: string) => ({
      status: 200,
      body: { results: { data: [], pageInfo: { hasNextPage: true, endCursor: cursor } } },
    });
    vanta.script({ method: 'GET', path: '/v1/tests' }, [page('c1'), page('c2'), page('c1')]);
    const error = await vantaFor(vanta, time)
      .reader.listFailingTests()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TFX_PERMANENT', category: 'permanent' });
    expect(gets(vanta.calls)).toHaveLength(3);
  });

  it('refuses a page size Vanta would reject', () => {
    const time = new VirtualTime();
    expect(() => vantaFor({ url: 'http://127.0.0.1:9' } as never, time, {}, { pageSize: 101 })).toThrow(
      /pageSize/,
    );
  });
});

describe('filters', () => {
  it('sends the framework, integration and category filters, and the fake applies them', async () => {
    const time = new VirtualTime();
    const soc2 = bucketTest('aws-soc2', 1, { frameworks: ['soc2'], category: 'Infrastructure' });
    const iso = bucketTest('aws-iso', 1, { frameworks: ['iso27001'], category: 'Infrastructure' });
    const logging = bucketTest('aws-logging', 1, { frameworks: ['soc2'], category: 'Logging' });
    const gcp = bucketTest('gcp-soc2', 1, { frameworks: ['soc2'], integrations: ['gcp'] });
    const passing = bucketTest('aws-ok', 1, { frameworks: ['soc2'], status: 'OK' });
    const vanta = await fake({ data: dataOf(soc2, iso, logging, gcp, passing), now: time.now });
    const client = vantaFor(vanta, time, {
      filters: { framework: 'soc2', integration: 'aws', category: 'INFRASTRUCTURE' },
    });
    const tests = await client.reader.listFailingTests();
    expect(tests.map((t) => t.id)).toEqual(['aws-soc2']);
    expect(gets(vanta.calls)[0]?.query).toEqual({
      statusFilter: 'NEEDS_ATTENTION',
      frameworkFilter: 'soc2',
      integrationFilter: 'aws',
      categoryFilter: 'INFRASTRUCTURE',
      pageSize: '100',
    });
  });
});

describe('client-side rate limit', () => {
  it('lets `limit` requests start in any rolling window and makes the next one wait for the oldest to age out', async () => {
    const time = new VirtualTime();
    const limiter = new SlidingWindowLimiter(3, 60_000, time.clock, time.sleep);
    const starts: number[] = [];
    const start = time.now();
    await Promise.all(
      Array.from({ length: 7 }, () => limiter.acquire().then(() => starts.push(time.now() - start))),
    );
    expect(starts).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 120_000]);
  });

  it('paces the client below the server’s limit: 12 requests at 5/minute draw no 429', async () => {
    const time = new VirtualTime();
    const items = Array.from({ length: 12 }, (_, i) => bucketTest(`aws-t${i}`, 1));
    const vanta = await fake({ data: dataOf(...items), now: time.now, rateLimitPerMinute: 5 });
    const start = time.now();
    const tests = await vantaFor(
      vanta,
      time,
      { rateLimitPerMinute: 5 },
      { pageSize: 1 },
    ).reader.listFailingTests();
    expect(tests).toHaveLength(12);
    expect(gets(vanta.calls).every((c) => c.status === 200)).toBe(true);
    expect(time.now() - start).toBe(120_000); // 5 now, 5 after a minute, 2 after two
  });

  it('without its own limit the same client meets the fake’s 429s (the fake enforces the rate)', async () => {
    const time = new VirtualTime();
    const items = Array.from({ length: 12 }, (_, i) => bucketTest(`aws-t${i}`, 1));
    const vanta = await fake({ data: dataOf(...items), now: time.now, rateLimitPerMinute: 5 });
    const client = vantaFor(
      vanta,
      time,
      {
        rateLimitPerMinute: 1_000,
        retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 },
      },
      { pageSize: 1 },
    );
    const error = await client.reader.listFailingTests().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TFX_THROTTLED', category: 'throttled' });
    expect(gets(vanta.calls).map((c) => c.status)).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe('throttling and retries', () => {
  it('honours Retry-After on a 429, holding back every caller until then', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: dataOf(bucketTest('aws-a', 1)), now: time.now });
    const observer = countingObserver();
    const client = vantaFor(vanta, time, {}, { observer });
    await client.reader.listFailingTests(); // token in hand
    vanta.script({ method: 'GET', path: '/v1/tests' }, [{ status: 429, retryAfter: 30 }]);
    const start = time.now();
    const [tests, test] = await Promise.all([
      client.reader.listFailingTests(),
      client.client.get('tests', '/v1/tests/aws-a', {}),
    ]);
    expect(tests).toHaveLength(1);
    expect(test).toMatchObject({ id: 'aws-a' });
    const after = gets(vanta.calls).slice(1);
    expect(after.map((c) => `${c.path} ${c.status}`)).toEqual([
      '/v1/tests 429',
      '/v1/tests/aws-a 200',
      '/v1/tests 200',
    ]);
    expect(time.now() - start).toBeGreaterThanOrEqual(30_000);
    expect(observer.counts.get('retry:tests:TFX_THROTTLED')).toBe(1);
  });

  it('reads Retry-After given as an HTTP date', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: dataOf(bucketTest('aws-a', 1)), now: time.now });
    const client = vantaFor(vanta, time);
    await client.reader.listFailingTests();
    const start = time.now();
    vanta.script({ method: 'GET', path: '/v1/tests' }, [
      { status: 429, retryAfter: new Date(start + 12_000).toUTCString() },
    ]);
    await client.reader.listFailingTests();
    expect(time.now() - start).toBeGreaterThanOrEqual(12_000);
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: dataOf(bucketTest('aws-a', 1)), now: time.now });
    const client = vantaFor(vanta, time);
    vanta.script({ method: 'GET', path: '/v1/tests' }, [{ status: 503 }, { status: 502 }]);
    const tests = await client.reader.listFailingTests();
    expect(tests).toHaveLength(1);
    expect(gets(vanta.calls).map((c) => c.status)).toEqual([503, 502, 200]);
    expect(time.sleeps).toEqual([1_000, 2_000]); // jitter at its ceiling: base × 2^(attempt-1)
  });

  it('gives up after the configured attempts with a transient error, and says which request', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: dataOf(bucketTest('aws-a', 1)), now: time.now });
    const observer = countingObserver();
    const client = vantaFor(vanta, time, {}, { observer });
    vanta.script({ method: 'GET', path: '/v1/tests' }, [{ status: 500 }, { status: 500 }, { status: 500 }]);
    const error = await client.reader.listFailingTests().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraFixError);
    expect(error).toMatchObject({ code: 'TFX_TRANSIENT', category: 'transient' });
    expect((error as Error).message).toBe('Vanta answered GET /v1/tests with 500');
    expect(gets(vanta.calls)).toHaveLength(3);
    expect(observer.counts.get('retry:tests:TFX_TRANSIENT')).toBe(2);
    expect(client.lines.filter((l) => l.includes('Vanta request retried'))).toHaveLength(2);
  });

  it('does not retry a 404: an unknown test is a permanent not-found', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: dataOf(bucketTest('aws-a', 1)), now: time.now });
    const client = vantaFor(vanta, time);
    const error = await client.client.get('entities', '/v1/tests/nope/entities', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TFX_NOT_FOUND', category: 'permanent' });
    expect(gets(vanta.calls).map((c) => c.status)).toEqual([404]);
  });

  it('an unreachable Vanta is a transient error after the retries', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: dataOf(bucketTest('aws-a', 1)), now: time.now });
    const client = vantaFor(vanta, time);
    await vanta.close();
    const error = await client.reader.listFailingTests().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TFX_TRANSIENT', category: 'transient' });
    expect((error as Error).message).toMatch(/^Vanta unreachable for POST \/oauth\/token$/);
    expect(time.sleeps).toHaveLength(2);
  });

  it('with retry off (the pipeline retries itself) a 503 surfaces after one request', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: dataOf(bucketTest('aws-a', 1)), now: time.now });
    const client = vantaFor(vanta, time);
    await client.reader.listFailingTests();
    vanta.script({ method: 'GET', path: '/v1/tests' }, [{ status: 503 }]);
    const error = await client.client
      .get('tests', '/v1/tests', {}, { retry: false })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TFX_TRANSIENT' });
    expect(gets(vanta.calls).map((c) => c.status)).toEqual([200, 503]);
  });
});

function never(): never {
  throw new Error('expected a value');
}
