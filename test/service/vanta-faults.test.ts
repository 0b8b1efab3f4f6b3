/**
 * Fake Vanta answering 429 (with Retry-After) and then 5xx for a while to a `terrafix serve` process: the client
 * honours Retry-After, the poller's failed cycles back off (2x, 4x the interval), it recovers, every failing
 * resource still ends in one PR, and `/metrics` shows all of it.
 */
import { describe, expect, it } from 'vitest';
import { sample, sampleSum, until } from './support/serve-process.js';
import { pullsOf, serveSuite } from './support/serve-suite.js';

const { cluster, begin } = serveSuite();

describe('Vanta throttling and failing', { timeout: 120_000 }, () => {
  it('the poller backs off, recovers and loses nothing; the metrics show it', async () => {
    const { fakes: f, env: base } = await begin();
    // Two attempts per request: the first cycle meets two 429s, the second two 5xx, both fail; then Vanta
    // answers, except one 503 on an entity listing, which the client retries within the cycle.
    f.vanta.script({ method: 'GET', path: '/v1/tests' }, [
      { status: 429, retryAfter: 1, body: { error: 'rate_limited' } },
      { status: 429, retryAfter: 1, body: { error: 'rate_limited' } },
      { status: 503, body: { error: 'unavailable' } },
      { status: 500, body: { error: 'internal' } },
    ]);
    f.vanta.script({ method: 'GET', path: /^\/v1\/tests\/[^/]+\/entities$/ }, [{ status: 503 }]);
    const s = await cluster.start('solo', f, {
      ...base,
      VANTA_RETRY_ATTEMPTS: '2',
    });

    await until('7 PRs', () => (pullsOf(f).length >= 7 ? true : undefined), 90_000);
    await until('7 completed', async () => {
      const counts = (await s.status()).counts;
      return typeof counts !== 'string' && counts.completed === 7 ? true : undefined;
    });
    const pulls = pullsOf(f);
    expect(pulls).toHaveLength(7);
    expect(new Set(pulls.map((p) => p.head)).size).toBe(7);

    // The client honoured Retry-After; each failed cycle waited longer before the next (2x, then 4x 1 s).
    const lists = f.vanta.calls.filter((c) => c.method === 'GET' && c.path === '/v1/tests');
    expect(lists.slice(0, 5).map((c) => c.status)).toEqual([429, 429, 503, 500, 200]);
    const gap = (i: number) => (lists[i + 1]?.at ?? 0) - (lists[i]?.at ?? 0);
    expect(gap(0)).toBeGreaterThanOrEqual(950); // Retry-After: 1
    expect(gap(1)).toBeGreaterThanOrEqual(1_950); // first failed cycle: 2 x the 1 s interval
    expect(gap(3)).toBeGreaterThanOrEqual(3_950); // second failed cycle: 4 x
    // Once a cycle succeeds the interval is back to 1 s.
    expect((await s.status()).components.poller).toMatchObject({ backoff: 1 });

    const metrics = await s.metrics();
    expect(sample(metrics, 'terrafix_poll_cycles_total{result="error"}')).toBe(2);
    expect(sample(metrics, 'terrafix_poll_cycles_total{result="ok"}')).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'terrafix_poll_wait_seconds')).toBe(1);
    expect(sampleSum(metrics, 'terrafix_vanta_requests_total', ['endpoint="tests"', 'status="429"'])).toBe(2);
    expect(sampleSum(metrics, 'terrafix_vanta_requests_total', ['endpoint="tests"', 'status="503"'])).toBe(1);
    expect(sampleSum(metrics, 'terrafix_vanta_requests_total', ['endpoint="tests"', 'status="500"'])).toBe(1);
    expect(
      sampleSum(metrics, 'terrafix_vanta_retries_total', ['endpoint="tests"', 'code="TFX_THROTTLED"']),
    ).toBe(1);
    expect(sampleSum(metrics, 'terrafix_vanta_retries_total', ['endpoint="tests"'])).toBe(2);
    expect(sampleSum(metrics, 'terrafix_vanta_retries_total', ['endpoint="entities"'])).toBe(1);
  });
});
