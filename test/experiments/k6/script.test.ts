/**
 * The committed bundle run in Node against stand-ins for k6's modules (k6, k6/http, k6/execution, k6/metrics,
 * k6/data),
 * so the script's behaviour is checked on the very file k6 would load. This is not k6: goja compatibility is
 * covered by the ES2017 and API checks in bundle.test.ts.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iterationRequest } from '../../../experiments/payloads.js';
import { buildOptions } from '../../../experiments/k6/options.js';
import { type K6Spec, SPEC_FORMAT } from '../../../experiments/k6/spec.js';
import { SUMMARY_FORMAT } from '../../../experiments/k6/summary.js';

const BUNDLE = fileURLToPath(new URL('../../../experiments/k6/dist/terrafix.js', import.meta.url));

interface Call {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
  params: { headers?: Record<string, string>; tags?: Record<string, string>; timeout?: number };
}
interface FakeK6 {
  iteration: number;
  readyStatus: number;
  calls: Call[];
  metrics: { name: string; value: number; tags?: Record<string, string> }[];
  sleeps: number[];
  aborted: string[];
}

// CommonJS, shaped like k6 0.47's require(): a module with named and default exports gives both plus __esModule;
// one with only a default export (k6/execution) gives that object itself.
const STANDINS: Record<string, string> = {
  k6: 'module.exports = { sleep: (s) => globalThis.__k6.sleeps.push(s) };',
  'k6/http': `const http = {
    get: (url, params) => { globalThis.__k6.calls.push({ method: 'GET', url, params }); return { status: globalThis.__k6.readyStatus }; },
    post: (url, body, params) => { globalThis.__k6.calls.push({ method: 'POST', url, body, params }); return { status: 202 }; },
  };
  module.exports = { ...http, default: http, __esModule: true };`,
  'k6/crypto': `const crypto = { hmac: (alg, secret, data, enc) => require('node:crypto').createHmac(alg, secret).update(data).digest(enc) };
  module.exports = { ...crypto, default: crypto, __esModule: true };`,
  'k6/execution': `module.exports = {
    scenario: { get iterationInTest() { return globalThis.__k6.iteration; } },
    test: { abort: (reason) => { globalThis.__k6.aborted.push(reason); throw new Error('aborted: ' + reason); } },
  };`,
  // k6 hands each VU its own copy of a SharedArray's items, through JSON.
  'k6/data': `class SharedArray { constructor(name, make) { return JSON.parse(JSON.stringify(make())); } }
    module.exports = { SharedArray };`,
  'k6/metrics': `class Metric { constructor(name) { this.name = name; } add(value, tags) { globalThis.__k6.metrics.push({ name: this.name, value, tags }); } }
    module.exports = { Counter: class extends Metric {}, Gauge: class extends Metric {} };`,
};
const standins: Plugin = {
  name: 'k6-standins',
  setup(b) {
    b.onResolve({ filter: /^k6(\/.*)?$/ }, (args) => ({ path: args.path, namespace: 'k6' }));
    b.onLoad({ filter: /.*/, namespace: 'k6' }, (args) => ({
      contents: STANDINS[args.path] ?? '',
      loader: 'js',
    }));
  },
};

interface Script {
  options: unknown;
  setup: () => void;
  default: () => void;
  handleSummary: (data: unknown) => Record<string, string>;
}

let dir: string;
let loads = 0;
const g = globalThis as unknown as {
  __k6: FakeK6;
  __ENV: Record<string, string>;
  open: (path: string) => string;
};

/** Loads a fresh copy of the bundle with the spec; `open` serves the spec file's text. */
async function load(
  spec: K6Spec,
  summaryPath = '/abs/summary.json',
  extraEnv: Record<string, string> = {},
): Promise<Script> {
  const specPath = join(dir, `spec-${++loads}.json`);
  const text = JSON.stringify(spec);
  g.__ENV = { TERRAFIX_SPEC: specPath, TERRAFIX_SUMMARY: summaryPath, ...extraEnv };
  g.open = (path) => {
    if (path !== specPath) throw new Error(`unexpected open(${path})`);
    return text;
  };
  const out = join(dir, `script-${loads}.cjs`);
  await bundleWithStandins(out);
  return requireScript(out) as Script;
}

/** The committed bundle (CommonJS, as k6 loads it) with the stand-ins in place of k6's modules. */
async function bundleWithStandins(out: string): Promise<void> {
  await build({
    entryPoints: [BUNDLE],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    outfile: out,
    plugins: [standins],
    logLevel: 'silent',
  });
}
const requireScript: (path: string) => unknown = createRequire(import.meta.url);

function spec(overrides: Partial<K6Spec> = {}): K6Spec {
  return {
    format: SPEC_FORMAT,
    baseUrl: 'http://127.0.0.1:8081',
    load: { executor: 'constant-arrival-rate', rate: 10, duration: 5, preAllocatedVUs: 2, maxVUs: 4 },
    payload: {
      endpoint: 'mixed',
      mode: 'async',
      duplicateRatio: 0.2,
      batchSize: { min: 2, max: 4 },
      batchRatio: 0.5,
      repoSize: 'mixed',
    },
    seed: 42,
    requestTimeoutMs: 1500,
    maxRequests: 3,
    stopWhen: { errorRate: 0.5, sustainSeconds: 2 },
    thresholds: { 'http_req_duration{scenario:load}': ['p(95)<500'] },
    failedAt: '2026-11-27T00:00:00.000Z',
    ...overrides,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'terrafix-k6-script-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fresh(): FakeK6 {
  g.__k6 = { iteration: 0, readyStatus: 200, calls: [], metrics: [], sleeps: [], aborted: [] };
  return g.__k6;
}

describe('terrafix.js (bundle) with k6 stand-ins', () => {
  it('exports the options built from the spec', async () => {
    fresh();
    const s = spec();
    const script = await load(s);
    expect(script.options).toEqual(buildOptions(s));
  });

  it('refuses to start unless GET /ready answers 200, and marks the load start otherwise', async () => {
    const k6 = fresh();
    const script = await load(spec());
    k6.readyStatus = 503;
    expect(() => script.setup()).toThrow(/aborted/);
    expect(k6.aborted).toEqual(['target not ready: GET http://127.0.0.1:8081/ready answered 503']);
    expect(k6.calls[0]).toMatchObject({
      method: 'GET',
      url: 'http://127.0.0.1:8081/ready',
      params: { tags: { endpoint: 'ready' } },
    });
    k6.readyStatus = 200;
    script.setup();
    expect(k6.metrics).toEqual([{ name: 'terrafix_load_start', value: 1 }]);
  });

  it('sends plain webhooks (the fast path: no request object) exactly as iterationRequest does', async () => {
    for (const mode of ['sync', 'async'] as const) {
      const k6 = fresh();
      const s = spec({
        payload: { endpoint: 'webhook', mode, duplicateRatio: 0, batchRatio: 0, repoSize: 'mixed' },
        maxRequests: 1000,
      });
      const script = await load(s);
      const iterations = [0, 7, 3, 999];
      for (const n of iterations) {
        k6.iteration = n;
        script.default();
      }
      expect(k6.calls).toEqual(
        iterations.map((n) => {
          const expected = iterationRequest(s.payload, s.seed, n, s.failedAt);
          return {
            method: 'POST',
            url: `http://127.0.0.1:8081${expected.path}`,
            body: expected.body,
            params: { headers: { 'Content-Type': 'application/json' }, timeout: 1500 },
          };
        }),
      );
      expect(k6.calls[0]!.url.endsWith(mode === 'async' ? '/webhook?mode=async' : '/webhook')).toBe(true);
      expect(k6.metrics).toEqual([]);
    }
  });

  it('sends the shared generator request of the global iteration number, timed out', async () => {
    const k6 = fresh();
    const s = spec();
    const script = await load(s);
    for (const n of [0, 2, 1]) {
      k6.iteration = n;
      script.default();
    }
    expect(k6.calls.map((c) => c.url)).toEqual(
      [0, 2, 1].map((n) => `http://127.0.0.1:8081${iterationRequest(s.payload, s.seed, n, s.failedAt).path}`),
    );
    k6.calls.forEach((call, i) => {
      const expected = iterationRequest(s.payload, s.seed, [0, 2, 1][i]!, s.failedAt);
      expect(call.body).toBe(expected.body);
      // No per-request tags: k6's scenario tag marks the samples; each extra tag would cost every sample.
      // The timeout as milliseconds: k6 parses a duration string on every request.
      expect(call.params).toEqual({ headers: { 'Content-Type': 'application/json' }, timeout: 1500 });
    });
    // Only batches write an item count (items beyond the one every request carries).
    expect(k6.metrics.map((m) => [m.name, m.value])).toEqual(
      [0, 2, 1]
        .map((n) => iterationRequest(s.payload, s.seed, n, s.failedAt).items)
        .filter((items) => items > 1)
        .map((items) => ['terrafix_extra_items', items - 1]),
    );
    // An open model never sleeps: the executor paces the arrivals.
    expect(k6.sleeps).toEqual([]);
  });

  it("signs each request with TERRAFIX_WEBHOOK_SECRET from k6's environment (HMAC-SHA256 of the raw body)", async () => {
    const k6 = fresh();
    const s = spec();
    const script = await load(s, '/abs/summary.json', { TERRAFIX_WEBHOOK_SECRET: 'shh' });
    k6.iteration = 0;
    script.default();
    const body = iterationRequest(s.payload, s.seed, 0, s.failedAt).body;
    const expected = `sha256=${createHmac('sha256', 'shh').update(body).digest('hex')}`;
    expect(k6.calls[0]?.params.headers).toEqual({
      'Content-Type': 'application/json',
      'X-TerraFix-Signature': expected,
    });
  });

  it('sends nothing past maxRequests, counting the capped iteration instead', async () => {
    const k6 = fresh();
    const script = await load(spec({ maxRequests: 3 }));
    k6.iteration = 3;
    script.default();
    expect(k6.calls).toEqual([]);
    expect(k6.metrics).toEqual([{ name: 'terrafix_capped', value: 1 }]);
  });

  it('paces a closed model to the profile pacing', async () => {
    const k6 = fresh();
    const script = await load(spec({ load: { executor: 'constant-vus', vus: 2, duration: 5, pacing: 2 } }));
    script.default();
    expect(k6.calls).toHaveLength(1);
    expect(k6.sleeps).toHaveLength(1);
    expect(k6.sleeps[0]).toBeGreaterThan(1.5);
    expect(k6.sleeps[0]).toBeLessThanOrEqual(2);
  });

  it('writes the summary file and a text summary from handleSummary', async () => {
    fresh();
    const script = await load(spec(), '/abs/out/summary.json');
    const out = script.handleSummary({
      state: { testRunDurationMs: 5012.5 },
      metrics: {
        http_reqs: { type: 'counter', contains: 'default', values: { count: 50, rate: 9.97 } },
        'http_req_failed{scenario:load}': {
          type: 'rate',
          contains: 'default',
          values: { rate: 0.6, passes: 30, fails: 20 },
          thresholds: { 'rate<=0.5': { ok: false } },
        },
      },
    });
    expect(Object.keys(out).sort()).toEqual(['/abs/out/summary.json', 'stdout']);
    expect(JSON.parse(out['/abs/out/summary.json']!)).toMatchObject({
      format: SUMMARY_FORMAT,
      testRunDurationMs: 5012.5,
      thresholds: [
        { metric: 'http_req_failed{scenario:load}', expression: 'rate<=0.5', ok: false, stop: true },
      ],
    });
    expect(out['stdout']).toMatch(/requests 50 \(9\.97\/s\)/);
    expect(out['stdout']).toMatch(/FAILED http_req_failed\{scenario:load\} rate<=0\.5 \(stop condition\)/);
  });

  it('fails loudly in the init context without a spec', async () => {
    fresh();
    g.__ENV = {};
    const out = join(dir, 'no-spec.cjs');
    await bundleWithStandins(out);
    expect(() => requireScript(out)).toThrow(/TERRAFIX_SPEC is not set/);
  });
});
