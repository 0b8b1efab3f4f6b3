import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { BuiltinEngine } from '../../../experiments/engine/builtin-engine.js';
import { measureEngineMaxRate } from '../../../bench/support/max-rate.js';
import { startTrivialServer, type TrivialServer } from '../../../bench/support/trivial-server.js';
import { freePort } from '../../support/ports.js';
import { run, spec } from './helpers.js';

let server: TrivialServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('errors, stop conditions and limits', () => {
  it('stops early with a reason when errorRate is exceeded (target answering 500)', async () => {
    server = await startTrivialServer({ status: 500 });
    const started = performance.now();
    const result = await run(
      spec(
        server.url,
        { executor: 'constant-arrival-rate', rate: 50, duration: 10, preAllocatedVUs: 5, maxVUs: 10 },
        { stopWhen: { errorRate: 0.5, sustainSeconds: 1 } },
      ),
    );
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(result.aborted).toMatch(/^stopWhen errorRate > 0.5/);
    expect(result.errors.http_5xx).toBe(result.requests);
    expect(result.statusCounts).toEqual({ '500': result.requests });
    expect(result.durationSeconds).toBeLessThan(3);
    expect(result.intendedRate).toBe(50); // what the profile asked for, even though the run was cut short
  });

  it('tells 429 from other 4xx and 5xx', async () => {
    server = await startTrivialServer({ status: 429 });
    const target = server;
    const result = await run(
      spec(target.url, { executor: 'constant-vus', vus: 2, duration: 1, pacing: 0.1 }),
      {
        onSecond: () => undefined,
      },
    );
    expect(result.errors.http_429).toBe(result.requests);
    expect(result.errors.http_4xx + result.errors.http_5xx).toBe(0);
    target.setStatus(404);
    const notFound = await run(
      spec(target.url, { executor: 'constant-vus', vus: 1, duration: 1, pacing: 0.2 }),
    );
    expect(notFound.errors.http_4xx).toBe(notFound.requests);
    expect(notFound.errors.http_429).toBe(0);
  });

  it('counts refused connections as connection errors and respects maxRequests', async () => {
    const port = await freePort();
    const result = await run(
      spec(
        `http://127.0.0.1:${port}`,
        { executor: 'constant-vus', vus: 2, duration: 5, pacing: 0 },
        { maxRequests: 30 },
      ),
    );
    expect(result.requests).toBe(30);
    expect(result.errors.connection).toBe(30);
    expect(result.statusCounts).toEqual({ '0': 30 });
    expect(result.aborted).toBe('maxRequests 30 reached');
    expect(result.durationSeconds).toBeLessThan(2);
  });

  it('stops sending at maxRequests against a healthy target too', async () => {
    server = await startTrivialServer();
    const result = await run(
      spec(
        server.url,
        { executor: 'constant-arrival-rate', rate: 100, duration: 5, preAllocatedVUs: 5, maxVUs: 5 },
        { maxRequests: 25 },
      ),
    );
    expect(result.requests).toBe(25);
    expect(server.answered).toBe(25);
    expect(result.aborted).toMatch(/maxRequests 25/);
  });

  it('counts requests over requestTimeoutMs as timeouts', async () => {
    server = await startTrivialServer({ delayMs: 400 });
    const result = await run(
      spec(
        server.url,
        { executor: 'constant-vus', vus: 2, duration: 1, pacing: 0 },
        { requestTimeoutMs: 100 },
      ),
    );
    expect(result.requests).toBeGreaterThan(0);
    expect(result.errors.timeout).toBe(result.requests);
    // Timeouts are enforced by a sweep, within about a tenth of the timeout.
    expect(result.latency.max).toBeLessThan(150);
    expect(result.latency.min).toBeGreaterThanOrEqual(100);
  });

  it('refuses a non-loopback target before sending anything', async () => {
    await expect(
      new BuiltinEngine().run(
        spec('http://10.1.2.3:8081', { executor: 'constant-vus', vus: 1, duration: 1, pacing: 0 }),
      ),
    ).rejects.toMatchObject({ code: 'TFX_CONFIG', message: expect.stringMatching(/loopback only/) });
  });

  it('resolves promptly with aborted set when the signal fires, abandoning what is in flight', async () => {
    server = await startTrivialServer({ delayMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    const result = await run(
      spec(server.url, { executor: 'constant-vus', vus: 3, duration: 10, pacing: 0 }),
      {
        signal: controller.signal,
      },
    );
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(result.aborted).toBe('interrupted');
    expect(result.requests).toBe(0);
    expect(result.timeline).toHaveLength(1);
  });

  it('sends the shared payload generator bodies as JSON POSTs', async () => {
    const seen: {
      method: string | undefined;
      url: string | undefined;
      type: string | undefined;
      body: string;
    }[] = [];
    const { createServer: createHttp } = await import('node:http');
    const capture = createHttp((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
        res.end('{}');
      });
    }).listen(0, '127.0.0.1');
    await once(capture, 'listening');
    const port = (capture.address() as { port: number }).port;
    try {
      const result = await run(
        spec(`http://127.0.0.1:${port}`, { executor: 'constant-vus', vus: 1, duration: 1, pacing: 0.25 }),
      );
      expect(result.requests).toBe(seen.length);
      expect(seen[0]).toMatchObject({ method: 'POST', url: '/webhook', type: 'application/json' });
      const first = JSON.parse(seen[0]!.body) as { test_id?: unknown };
      expect(first).toHaveProperty('test_id');
      expect(new Set(seen.map((s) => s.body)).size).toBe(seen.length);
    } finally {
      capture.closeAllConnections();
      capture.close();
    }
  });

  it('measureEngineMaxRate runs a closed loop without pacing and reports its rate', async () => {
    server = await startTrivialServer();
    const m = await measureEngineMaxRate(server.url, 1, 4);
    expect(m.errors).toBe(0);
    expect(m.requests).toBeGreaterThan(100);
    expect(m.requestsPerSecond).toBeCloseTo(m.result.achievedRate, 6);
  });
});
