/** The one load generator: autocannon, in process, keep-alive connections to a loopback server. */
import autocannon from 'autocannon';
import type { BodySource } from './bodies.js';

export interface LoadSpec {
  baseUrl: string;
  /** e.g. `/webhook?mode=async` */
  path: string;
  bodies: BodySource;
  connections: number;
  /** Run for this long (duration mode)... */
  seconds?: number;
  /** ...or send exactly this many requests (stopped anyway after maxSeconds). */
  amount?: number;
  /** Requests per second over all connections (open model); unset = as fast as answers come. */
  overallRate?: number;
  /** Hard stop, so every run ends by itself. Default: seconds + 30, or 600 for a count. */
  maxSeconds?: number;
  /** Per-request timeout in seconds (default 60). */
  timeoutSeconds?: number;
  /** Average the `timings_ms` of each 2xx JSON answer (sync webhooks report their stage times). */
  collectTimings?: boolean;
}

export interface LoadResult {
  connections: number;
  overallRate: number | null;
  /** From the first request to the last answer. */
  elapsedSeconds: number;
  responses: number;
  ok: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  /** 2xx answers per second: the achieved rate. */
  okPerSecond: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** Mean of each stage in `timings_ms` over the 2xx answers (only with collectTimings). */
  stageMeansMs?: Record<string, number>;
  /** True when the hard stop ended the run before its count was reached. */
  cappedByMaxSeconds: boolean;
}

/** Runs one load and summarises it; rejects only if autocannon itself fails. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const stageSums = new Map<string, number>();
  let timed = 0;
  const onResponse = spec.collectTimings
    ? (status: number, body: string) => {
        if (status < 200 || status >= 300) return;
        const timings = (JSON.parse(body) as { timings_ms?: Record<string, number> }).timings_ms ?? {};
        for (const [stage, ms] of Object.entries(timings))
          stageSums.set(stage, (stageSums.get(stage) ?? 0) + ms);
        timed++;
      }
    : undefined;
  const connections = spec.amount === undefined ? spec.connections : Math.min(spec.connections, spec.amount);
  const started = performance.now();
  let lastAnswer = started;
  const instance = autocannon({
    url: spec.baseUrl,
    connections,
    pipelining: 1,
    timeout: spec.timeoutSeconds ?? 60,
    ...(spec.amount === undefined ? { duration: spec.seconds ?? 10 } : { amount: spec.amount }),
    ...(spec.overallRate === undefined ? {} : { overallRate: Math.max(1, Math.round(spec.overallRate)) }),
    requests: [
      {
        method: 'POST',
        path: spec.path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: spec.bodies.next() }),
        ...(onResponse === undefined ? {} : { onResponse }),
      },
    ],
  });
  instance.on('response', () => {
    lastAnswer = performance.now();
  });
  const maxSeconds = spec.maxSeconds ?? (spec.amount === undefined ? (spec.seconds ?? 10) + 30 : 600);
  let capped = false;
  const cap = setTimeout(() => {
    capped = true;
    instance.stop();
  }, maxSeconds * 1000);
  try {
    const result = await instance;
    const statusCodes = Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count]),
    );
    const elapsedSeconds = Math.max(1e-3, (lastAnswer - started) / 1000);
    const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
    return {
      connections,
      overallRate: spec.overallRate ?? null,
      elapsedSeconds,
      responses,
      ok: result['2xx'],
      non2xx: result.non2xx,
      statusCodes,
      errors: result.errors,
      timeouts: result.timeouts,
      okPerSecond: result['2xx'] / elapsedSeconds,
      latencyMs: {
        mean: result.latency.mean,
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      ...(spec.collectTimings
        ? {
            stageMeansMs: Object.fromEntries(
              [...stageSums].map(([stage, sum]) => [stage, timed === 0 ? 0 : sum / timed]),
            ),
          }
        : {}),
      cappedByMaxSeconds: capped && spec.amount !== undefined && responses < spec.amount,
    };
  } finally {
    clearTimeout(cap);
  }
}
