/**
 * A fake `k6` binary for machines without k6 (bundled to one file and put on PATH by install.ts). It reproduces
 * what the runner relies on in real k6 v0.47, checked against a k6 v0.47.0 built from source:
 * - the CLI surface: `k6 version`; `k6 run [--quiet] [--no-color] [--no-usage-report] [--address host:port]
 *   [--out json=FILE] [-e K=V]... SCRIPT`; an unknown flag is a usage error (exit 255, "unknown flag");
 *   K6_NO_USAGE_REPORT=true or the flag turn the usage report off (the call log says whether one would be sent);
 * - start-up: VU initialisation and setup() take a while (FAKE_K6_INIT_MS, default 1500 ms) before the load;
 *   the REST API answers meanwhile (status 1 InitVUs, 6 Setup, then 7 Running);
 * - the script's behaviour, driven by its spec (TERRAFIX_SPEC, a relative path read from the script's folder as
 *   k6's open() does): exit 107 when the spec is missing or unreadable (a script exception in the init context),
 *   exit 104 when a constant executor's duration is under 1 s (k6's option check), setup() GETs /ready and
 *   aborts with exit 108 unless it answers 200, then
 *   the load: real HTTP requests with the shared payload generator's bodies (signed with
 *   TERRAFIX_WEBHOOK_SECRET when set), closed models paced, open models dropping iterations when maxVUs are
 *   busy, maxRequests respected;
 * - output: NDJSON `Point` lines flushed every 200 ms (k6's json output period) with the metric names and tags
 *   the script produces (http_reqs, http_req_duration, http_req_failed, iterations, dropped_iterations, vus,
 *   terrafix_load_start, terrafix_extra_items), and TERRAFIX_SUMMARY from handleSummary at the end;
 * - thresholds from the spec judged at the end (exit 99 when one fails, "thresholds on metrics ... crossed" on
 *   stderr); abort-on-fail ones re-checked each second after delayAbortEval (then exit 99 early);
 * - stopping: `PATCH /v1/status {"data":{"attributes":{"stopped":true}}}` ends the test (summary written, exit
 *   103); SIGINT likewise (exit 105).
 * Not reproduced: JavaScript execution (the script itself is tested in test/experiments/k6/script.test.ts),
 * the other dozen http_req_* metrics k6 writes per request, and TLS.
 * FAKE_K6_LOG appends one JSON line per invocation (its pid, args and the environment facts the tests check);
 * FAKE_K6_WARN=text writes one k6-style warning to stderr.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { dirname, isAbsolute, resolve } from 'node:path';
import { iterationRequest } from '../../../experiments/payloads.js';
import { plannedDuration } from '../../../experiments/k6/options.js';
import { type K6Spec, parseSpec } from '../../../experiments/k6/spec.js';
import { SIGNATURE_HEADER, signatureValue } from '../../../experiments/signature.js';

const args = process.argv.slice(2);
const env = process.env;
const stderr = (level: string, msg: string): void => {
  process.stderr.write(`time="${new Date().toISOString()}" level=${level} msg="${msg}"\n`);
};

if (env.FAKE_K6_LOG !== undefined) {
  appendFileSync(
    env.FAKE_K6_LOG,
    `${JSON.stringify({
      pid: process.pid,
      args,
      usageReport: !args.includes('--no-usage-report') && env.K6_NO_USAGE_REPORT !== 'true',
      secretInEnv: env.TERRAFIX_WEBHOOK_SECRET !== undefined,
      gc: { GOGC: env.GOGC ?? null, GOMEMLIMIT: env.GOMEMLIMIT ?? null },
    })}\n`,
  );
}

if (args[0] === 'version') {
  process.stdout.write('k6 v0.47.0 (fake k6 for tests, go1.21.0, linux/amd64)\n');
  process.exit(0);
}
if (args[0] !== 'run') {
  process.stderr.write(`Error: unknown command "${args[0] ?? ''}" for "k6"\n`);
  process.exit(255);
}

const vars: Record<string, string> = {};
let out: string | undefined;
let address: string | undefined;
let script: string | undefined;
for (let i = 1; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--quiet' || a === '--no-color' || a === '--no-usage-report') continue;
  if (a === '--address' || a === '-a') address = args[++i];
  else if (a === '--out' || a === '-o') out = args[++i]?.replace(/^json=/, '');
  else if (a === '-e' || a === '--env') {
    const [k, ...v] = (args[++i] ?? '').split('=');
    vars[k!] = v.join('=');
  } else if (a.startsWith('-')) {
    process.stderr.write(`Error: unknown flag: ${a}\n`);
    process.exit(255);
  } else script = a;
}
if (script === undefined) {
  process.stderr.write('Error: accepts 1 arg(s), received 0\n');
  process.exit(255);
}
if (env.FAKE_K6_WARN !== undefined) stderr('warning', env.FAKE_K6_WARN);

const specPath = vars.TERRAFIX_SPEC;
if (specPath === undefined || specPath === '') {
  stderr('error', 'Error: TERRAFIX_SPEC is not set: run k6 with -e TERRAFIX_SPEC=/absolute/path/spec.json');
  process.exit(107);
}
// The script's open() resolves a relative path against the script's folder, as k6 does; a missing file is a
// script exception in the init context (exit 107).
const specFile = isAbsolute(specPath) ? specPath : resolve(dirname(resolve(script)), specPath);
let specText: string;
try {
  specText = readFileSync(specFile, 'utf8');
} catch {
  stderr('error', `GoError: stat ${specFile}: no such file or directory`);
  process.exit(107);
}
const spec: K6Spec = parseSpec(specText);
// k6 validates the options before it starts: constant executors need a duration of at least 1 s (exit 104).
if (
  (spec.load.executor === 'constant-vus' || spec.load.executor === 'constant-arrival-rate') &&
  spec.load.duration < 1
) {
  stderr(
    'error',
    `There were problems with the specified script configuration:\n\t- scenario load has configuration errors: the duration must be at least 1s, but is ${Math.round(spec.load.duration * 1000)}ms`,
  );
  process.exit(104);
}

// --- output: buffered NDJSON, flushed every 200 ms like k6's json output ---
let buffer = '';
const point = (metric: string, value: number, tags: Record<string, string>, timeMs = Date.now()): void => {
  buffer += `${JSON.stringify({ metric, type: 'Point', data: { time: new Date(timeMs).toISOString(), value, tags } })}\n`;
};
const flush = (): void => {
  if (out !== undefined && buffer !== '') appendFileSync(out, buffer);
  buffer = '';
};
if (out !== undefined) writeFileSync(out, '');
const flusher = setInterval(flush, 200);

// --- REST API ---
let status = 1; // InitVUs
let stopRequested: number | undefined;
const api = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    if (req.url === '/v1/status' && req.method === 'PATCH') {
      const attrs = (JSON.parse(body || '{}') as { data?: { attributes?: { stopped?: boolean } } }).data
        ?.attributes;
      if (attrs?.stopped === true) stopRequested ??= 103;
    }
    if (req.url !== '/v1/status') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        data: {
          type: 'status',
          id: 'default',
          attributes: {
            status,
            paused: false,
            vus: 0,
            'vus-max': 0,
            stopped: stopRequested !== undefined,
            running: status === 7,
            tainted: false,
          },
        },
      }),
    );
  });
});
if (address !== undefined) {
  const [host, port] = address.split(':');
  api.listen(Number(port), host);
}
process.on('SIGINT', () => (stopRequested ??= 105));

// --- the load ---
const durations: number[] = [];
let requests = 0;
let failed = 0;
let dropped = 0;
let started = 0;
const secret = env.TERRAFIX_WEBHOOK_SECRET ?? '';
const LOAD = { scenario: 'load' };

async function send(n: number): Promise<void> {
  const request = iterationRequest(spec.payload, spec.seed, n, spec.failedAt);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== '')
    headers[SIGNATURE_HEADER] = signatureValue(
      createHmac('sha256', secret).update(request.body).digest('hex'),
    );
  const t0 = performance.now();
  let code: number;
  try {
    const res = await fetch(`${spec.baseUrl}${request.path}`, {
      method: 'POST',
      headers,
      body: request.body,
      signal: AbortSignal.timeout(spec.requestTimeoutMs),
    });
    await res.arrayBuffer();
    code = res.status;
  } catch {
    code = 0;
  }
  const ms = performance.now() - t0;
  const tags = { ...LOAD, status: String(code) };
  requests++;
  durations.push(ms);
  const bad = code === 0 || code >= 400;
  if (bad) failed++;
  point('http_reqs', 1, tags);
  point('http_req_duration', ms, tags);
  point('http_req_failed', bad ? 1 : 0, tags);
  if (request.items > 1) point('terrafix_extra_items', request.items - 1, LOAD);
  point('iterations', 1, LOAD);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function runLoad(t0: number): Promise<void> {
  const endAt = t0 + plannedDuration(spec.load) * 1000;
  const running = (): boolean =>
    stopRequested === undefined && Date.now() < endAt && started < spec.maxRequests;
  const load = spec.load;
  if (load.executor === 'constant-vus' || load.executor === 'ramping-vus') {
    const vus = 'vus' in load ? load.vus : Math.max(1, load.startVUs, ...load.stages.map((s) => s.target));
    const pacingMs = load.pacing * 1000;
    await Promise.all(
      Array.from({ length: vus }, async () => {
        while (running()) {
          const begin = Date.now();
          await send(started++);
          const left = pacingMs - (Date.now() - begin);
          if (left > 0) await sleep(left);
        }
      }),
    );
    return;
  }
  // Open model: iterations due on the planned rate; one that finds maxVUs busy is dropped.
  const maxVUs = load.maxVUs;
  const rateAt = (t: number): number => {
    if (load.executor === 'constant-arrival-rate') return load.rate;
    let from = load.startRate;
    let start = 0;
    for (const s of load.stages) {
      if (t < start + s.duration) return from + ((s.target - from) * (t - start)) / s.duration;
      start += s.duration;
      from = s.target;
    }
    return 0;
  };
  let inFlight = 0;
  let due = 0;
  const pending: Promise<void>[] = [];
  while (running()) {
    const t = (Date.now() - t0) / 1000;
    due += rateAt(t) * 0.01;
    while (due >= 1 && running()) {
      due -= 1;
      if (inFlight >= maxVUs) {
        dropped++;
        point('dropped_iterations', 1, { scenario: 'load' });
        continue;
      }
      inFlight++;
      pending.push(send(started++).finally(() => inFlight--));
    }
    await sleep(10);
  }
  await Promise.all(pending);
}

/** A threshold expression (`p(95)<500`, `rate<=0.01`, `count>=10`, `max>=0`) against its metric's values. */
function judge(metric: string, expression: string): boolean {
  const m = /^(p\(([\d.]+)\)|rate|count|max|avg|med|min)\s*(<=|>=|<|>|==)\s*([\d.]+)$/.exec(expression);
  if (m === null) return true;
  const base = metric.replace(/\{.*\}$/, '');
  const sorted = [...durations].sort((a, b) => a - b);
  const pct = (p: number): number =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  let value = 0;
  if (base === 'http_req_duration') {
    value =
      m[2] !== undefined
        ? pct(Number(m[2]))
        : m[1] === 'max'
          ? (sorted.at(-1) ?? 0)
          : m[1] === 'med'
            ? pct(50)
            : 0;
  } else if (base === 'http_req_failed') value = requests === 0 ? 0 : failed / requests;
  else if (base === 'http_reqs') value = requests;
  else if (base === 'dropped_iterations')
    value = m[1] === 'rate' ? dropped / Math.max(1, plannedDuration(spec.load)) : dropped;
  const limit = Number(m[4]);
  switch (m[3]) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    default:
      return value === limit;
  }
}

interface Rule {
  metric: string;
  expression: string;
  abortOnFail: boolean;
}

function rules(): Rule[] {
  const list: Rule[] = [];
  const add = (metric: string, t: K6Spec['thresholds'][string][number]): void => {
    list.push(
      typeof t === 'string'
        ? { metric, expression: t, abortOnFail: false }
        : { metric, expression: t.threshold, abortOnFail: t.abortOnFail === true },
    );
  };
  for (const [metric, ts] of Object.entries(spec.thresholds)) ts.forEach((t) => add(metric, t));
  // stopWhen as abort-on-fail thresholds, unless the runner applies it itself (options.ts buildOptions).
  if (spec.runnerStops !== true && spec.stopWhen !== null) {
    if (spec.stopWhen.p99Ms !== undefined)
      add('http_req_duration{scenario:load}', {
        threshold: `p(99)<=${spec.stopWhen.p99Ms}`,
        abortOnFail: true,
      });
    if (spec.stopWhen.errorRate !== undefined)
      add('http_req_failed{scenario:load}', {
        threshold: `rate<=${spec.stopWhen.errorRate}`,
        abortOnFail: true,
      });
  }
  return list;
}

async function main(): Promise<number> {
  await sleep(Number(env.FAKE_K6_INIT_MS ?? 1500));
  if (stopRequested !== undefined) return stopRequested;
  status = 6; // Setup
  let ready: number;
  try {
    const res = await fetch(`${spec.baseUrl}/ready`, { signal: AbortSignal.timeout(spec.requestTimeoutMs) });
    await res.arrayBuffer();
    ready = res.status;
  } catch {
    ready = 0;
  }
  point('http_reqs', 1, { status: String(ready) });
  if (ready !== 200) {
    stderr('error', `test aborted: target not ready: GET ${spec.baseUrl}/ready answered ${ready} at setup`);
    flush();
    return 108;
  }
  const t0 = Date.now();
  point('terrafix_load_start', 1, {}, t0);
  status = 7; // Running
  const all = rules();
  const aborter = setInterval(() => {
    point('vus', 1, {});
    const since = (Date.now() - t0) / 1000;
    if (all.some((r) => r.abortOnFail && since >= 3 && !judge(r.metric, r.expression))) stopRequested ??= 99;
  }, 1000);
  await runLoad(t0);
  clearInterval(aborter);
  status = 9; // Ended
  const verdicts = all.map((r) => ({
    metric: r.metric,
    expression: r.expression,
    ok: judge(r.metric, r.expression),
    stop: r.abortOnFail,
  }));
  if (vars.TERRAFIX_SUMMARY !== undefined) {
    writeFileSync(
      vars.TERRAFIX_SUMMARY,
      JSON.stringify({
        format: 'terrafix-k6-summary/1',
        testRunDurationMs: Date.now() - t0,
        thresholds: verdicts,
        metrics: { 'http_reqs{scenario:load}': { count: requests } },
      }),
    );
  }
  const crossed = verdicts.filter((v) => !v.ok).map((v) => v.metric);
  if (crossed.length > 0) {
    stderr('error', `thresholds on metrics '${[...new Set(crossed)].join(', ')}' have been crossed`);
    return 99;
  }
  if (stopRequested === 99) return 99;
  return stopRequested ?? 0;
}

main().then(
  (code) => {
    if (env.FAKE_K6_LOG !== undefined)
      appendFileSync(env.FAKE_K6_LOG, `${JSON.stringify({ exitCode: code })}\n`);
    clearInterval(flusher);
    flush();
    api.close();
    process.exit(code);
  },
  (error: unknown) => {
    stderr('error', String(error));
    flush();
    process.exit(107);
  },
);
