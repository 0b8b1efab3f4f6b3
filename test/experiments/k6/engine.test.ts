/**
 * K6Engine end to end against a FAKE `k6` (a small Node executable written here): it answers `k6 version`,
 * and for `k6 run` logs its arguments, then writes NDJSON to the --out path and a summary to TERRAFIX_SUMMARY
 * and exits as told. No real k6 runs in these tests.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultK6Script, findK6, K6Engine, K6RunError } from '../../../experiments/engine/k6-engine.js';
import type { K6RunSpec } from '../../../experiments/engine/k6-spec-file.js';
import { SPEC_FORMAT } from '../../../experiments/k6/spec.js';
import { runResultSchema, type TimelinePoint } from '../../../experiments/results/run-result.js';
import { TerraFixError } from '../../../src/pipeline/errors.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/k6-run.ndjson', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../../experiments/k6/dist/terrafix.js', import.meta.url));

type Mode = 'fixture' | 'thresholds' | 'crash' | 'not-ready' | 'silent' | 'live' | 'stubborn';

/** The fake k6's source; `mode` picks what `k6 run` does. CommonJS, started with this Node binary. */
function fakeK6(mode: Mode, logPath: string): string {
  return `#!${process.execPath}
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(logPath)}, JSON.stringify(args) + '\\n');
if (args[0] === 'version') {
  console.log('k6 v0.47.0 (fake, for tests)');
  process.exit(0);
}
const out = args[args.indexOf('--out') + 1].replace(/^json=/, '');
const env = {};
args.forEach((a, i) => {
  if (a === '-e') {
    const [k, ...v] = args[i + 1].split('=');
    env[k] = v.join('=');
  }
});
JSON.parse(fs.readFileSync(env.TERRAFIX_SPEC, 'utf8'));
const summary = (thresholds) =>
  fs.writeFileSync(env.TERRAFIX_SUMMARY, JSON.stringify({ format: 'terrafix-k6-summary/1', testRunDurationMs: 3000, thresholds, metrics: {} }));
const mode = ${JSON.stringify(mode)};
if (mode === 'fixture' || mode === 'thresholds') {
  fs.copyFileSync(${JSON.stringify(FIXTURE)}, out);
  if (mode === 'fixture') { summary([]); process.exit(0); }
  summary([{ metric: 'http_req_failed{scenario:load}', expression: 'rate<=0.1', ok: false, stop: true }]);
  process.exit(99);
}
if (mode === 'crash') {
  process.stderr.write('time="2026-11-27T00:00:00Z" level=error msg="GoError: boom\\n\\tat default (file:///terrafix.js:10:5)"\\n');
  process.exit(107);
}
if (mode === 'not-ready') {
  process.stderr.write('time="2026-11-27T00:00:00Z" level=error msg="test aborted: target not ready: GET http://127.0.0.1:1/ready answered 0"\\n');
  process.exit(108);
}
if (mode === 'silent') process.exit(0);
// live / stubborn: one second of samples every 30 ms until stopped; seconds from 2 on answer 500 in live mode.
const t0 = Date.now();
const line = (metric, offMs, value, tags) =>
  JSON.stringify({ type: 'Point', data: { time: new Date(t0 + offMs).toISOString(), value, tags }, metric }) + '\\n';
fs.appendFileSync(out, line('terrafix_load_start', 0, 1, {}));
let sec = 0;
const timer = setInterval(() => {
  const status = mode === 'live' && sec >= 2 ? 500 : 202;
  let text = '';
  for (let i = 0; i < 4; i++) {
    const tags = { endpoint: 'webhook', scenario: 'load', status: String(status) };
    text += line('http_reqs', sec * 1000 + i * 200 + 50, 1, tags) + line('http_req_duration', sec * 1000 + i * 200 + 50, 5 + i, tags);
  }
  text += line('vus', sec * 1000 + 999, 4, {});
  fs.appendFileSync(out, text);
  if (++sec > 300) process.exit(0);
}, 30);
process.on('SIGINT', () => {
  if (mode === 'stubborn') return;
  clearInterval(timer);
  summary([]);
  process.exit(105);
});
`;
}

let root: string;
let count = 0;

/** A directory holding an executable fake `k6` and its argument log. */
async function install(mode: Mode): Promise<{ k6: string; dir: string; calls: () => Promise<string[][]> }> {
  const dir = join(root, `fake-${++count}`);
  await mkdir(dir);
  const log = join(dir, 'calls.jsonl');
  const k6 = join(dir, 'k6');
  await writeFile(k6, fakeK6(mode, log));
  await chmod(k6, 0o755);
  const calls = async (): Promise<string[][]> =>
    (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
  return { k6, dir, calls };
}

const SPEC: K6RunSpec = {
  baseUrl: 'http://127.0.0.1:8081/',
  load: { executor: 'constant-arrival-rate', rate: 4, duration: 3, preAllocatedVUs: 2, maxVUs: 4 },
  payload: { endpoint: 'webhook', mode: 'sync', duplicateRatio: 0, batchRatio: 0, repoSize: 'small' },
  seed: 1,
  requestTimeoutMs: 1000,
  maxRequests: 10,
  thresholds: [{ metric: 'p95_ms', op: '<', value: 500 }],
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'terrafix-k6-engine-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('findK6', () => {
  it('finds the first executable k6 on PATH, skipping non-executable ones', async () => {
    const { k6, dir } = await install('fixture');
    const decoy = join(root, 'decoy');
    await mkdir(decoy);
    await writeFile(join(decoy, 'k6'), 'not executable');
    await chmod(join(decoy, 'k6'), 0o644);
    await mkdir(join(root, 'dir-named-k6', 'k6'), { recursive: true });
    expect(findK6([join(root, 'missing'), decoy, join(root, 'dir-named-k6'), dir].join(delimiter))).toBe(k6);
    expect(findK6([decoy, join(root, 'missing')].join(delimiter))).toBeUndefined();
    expect(findK6(undefined)).toBeUndefined();
    expect(findK6('')).toBeUndefined();
  });

  it('locates the committed bundle from the source tree', () => {
    expect(defaultK6Script()).toBe(BUNDLE);
  });
});

describe('K6Engine with a fake k6', () => {
  it('passes the spec and output paths as arguments and converts the NDJSON (exit 0)', async () => {
    const { k6, calls } = await install('fixture');
    const engine = new K6Engine(k6);
    expect(engine.name).toBe('k6');
    const seconds: TimelinePoint[] = [];
    const result = await engine.run(SPEC, { onSecond: (p) => seconds.push(p) });

    const [version, run] = await calls();
    expect(version).toEqual(['version']);
    expect(run!.slice(0, 5)).toEqual(['run', '--quiet', '--no-color', '--no-usage-report', '--address']);
    // k6's REST API on a free loopback port: the engine reads the status there and stops the test through it.
    expect(run![5]).toMatch(/^127\.0\.0\.1:\d+$/);
    const work = dirname(run![7]!.replace(/^json=/, ''));
    expect(run).toEqual([
      'run',
      '--quiet',
      '--no-color',
      '--no-usage-report',
      '--address',
      run![5],
      '--out',
      `json=${join(work, 'k6.ndjson')}`,
      '-e',
      `TERRAFIX_SPEC=${join(work, 'spec.json')}`,
      '-e',
      `TERRAFIX_SUMMARY=${join(work, 'summary.json')}`,
      BUNDLE,
    ]);
    // The temp dir is gone after the run.
    await expect(stat(work)).rejects.toThrow(/ENOENT/);

    expect(() => runResultSchema.parse(result)).not.toThrow();
    expect(result).toMatchObject({
      engine: 'k6',
      requests: 10,
      iterations: 10,
      items: 14,
      droppedIterations: 3,
      intendedRate: 4,
      statusCounts: { '202': 5, '429': 1, '500': 1, '0': 2, '404': 1 },
      errors: { http_4xx: 1, http_429: 1, http_5xx: 1, timeout: 1, connection: 1, other: 0 },
      // The fixture has one iteration capped by maxRequests.
      aborted: 'maxRequests 10 reached',
    });
    expect(result.engineVersion).toMatch(/^k6 v0\.47\.0 \(fake, for tests\) \[latency: per-request/);
    expect(seconds.map((p) => p.t)).toEqual([0, 1, 2]);
    expect(seconds).toEqual(result.timeline);
  });

  it('writes the spec file k6 reads, with thresholds in k6 syntax, and k6.log (kept in artifactsDir)', async () => {
    const { k6 } = await install('fixture');
    const artifactsDir = join(root, 'kept');
    await new K6Engine(k6, { artifactsDir }).run({
      ...SPEC,
      stopWhen: { errorRate: 0.2, sustainSeconds: 3 },
    });
    const written = JSON.parse(await readFile(join(artifactsDir, 'spec.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(written).toMatchObject({
      format: SPEC_FORMAT,
      baseUrl: 'http://127.0.0.1:8081',
      load: SPEC.load,
      payload: SPEC.payload,
      seed: 1,
      requestTimeoutMs: 1000,
      maxRequests: 10,
      stopWhen: { errorRate: 0.2, sustainSeconds: 3 },
      thresholds: { 'http_req_duration{scenario:load}': ['p(95)<500'] },
    });
    expect(new Date(written['failedAt'] as string).toISOString()).toBe(written['failedAt']);
    // The runner judges stopWhen itself: the spec tells the script so (no abort-on-fail thresholds in k6).
    expect(written['runnerStops']).toBe(true);
    await expect(stat(join(artifactsDir, 'summary.json'))).resolves.toBeDefined();
    await expect(stat(join(artifactsDir, 'k6.log'))).resolves.toBeDefined();
    // The NDJSON (a dozen samples per request) stays in the scratch folder, removed after the run.
    await expect(stat(join(artifactsDir, 'k6.ndjson'))).rejects.toThrow(/ENOENT/);
  });

  it('treats exit 99 (thresholds failed) as a completed run and reports k6 stop thresholds as the abort', async () => {
    const { k6 } = await install('thresholds');
    const result = await new K6Engine(k6).run(SPEC);
    expect(result.requests).toBe(10);
    expect(result.aborted).toBe('k6 stop threshold failed: http_req_failed{scenario:load} rate<=0.1');
  });

  it('fails on any other exit code with the tail of k6 stderr', async () => {
    const { k6 } = await install('crash');
    const error = await new K6Engine(k6).run(SPEC).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(K6RunError);
    expect(error).toMatchObject({ exitCode: 107, code: 'TFX_INTERNAL' });
    expect((error as K6RunError).message).toMatch(/^k6 exited with 107: .*GoError: boom/);
    expect((error as K6RunError).stderrTail).toContain('GoError: boom');
  });

  it('reports a target that was not ready (setup aborted, exit 108) as a failure', async () => {
    const { k6 } = await install('not-ready');
    await expect(new K6Engine(k6).run(SPEC)).rejects.toMatchObject({
      exitCode: 108,
      message: expect.stringMatching(/target not ready/),
    });
  });

  it('fails when k6 exits 0 without writing any NDJSON', async () => {
    const { k6 } = await install('silent');
    await expect(new K6Engine(k6).run(SPEC)).rejects.toThrow('k6 wrote no NDJSON output');
  });

  it('stops k6 with SIGINT when a stopWhen condition holds on the live timeline', async () => {
    const { k6 } = await install('live');
    const seconds: TimelinePoint[] = [];
    const result = await new K6Engine(k6, { pollMs: 20 }).run(
      { ...SPEC, stopWhen: { errorRate: 0.5, sustainSeconds: 2 } },
      { onSecond: (p) => seconds.push(p) },
    );
    expect(result.aborted).toMatch(/^stopWhen errorRate > 0\.5 for 2 s/);
    expect(seconds.slice(0, 4).map((p) => [p.t, p.requests, p.errors])).toEqual([
      [0, 4, 0],
      [1, 4, 0],
      [2, 4, 4],
      [3, 4, 4],
    ]);
    // Stopped within a few seconds of the breach, not after the fake's 300 seconds.
    expect(result.timeline.length).toBeLessThan(60);
    expect(result.statusCounts['500']).toBeGreaterThanOrEqual(8);
  });

  it('on abort, sends SIGINT, then SIGKILL to a k6 that ignores it, and still returns what was measured', async () => {
    const { k6 } = await install('stubborn');
    const controller = new AbortController();
    const result = await new K6Engine(k6, { pollMs: 20, killAfterMs: 100 }).run(SPEC, {
      signal: controller.signal,
      onSecond: () => controller.abort(),
    });
    expect(result.aborted).toBe('interrupted');
    expect(result.requests).toBeGreaterThan(0);
    expect(() => runResultSchema.parse(result)).not.toThrow();
  });

  it('says what is missing when k6 cannot start or the bundle is absent', async () => {
    const notThere = new K6Engine(join(root, 'no-such-k6'));
    await expect(notThere.run(SPEC)).rejects.toThrow(/k6 could not be started: .*ENOENT/);
    await expect(notThere.version()).resolves.toBe('k6 (unknown version)');
    const { k6 } = await install('fixture');
    const noScript = new K6Engine(k6, { scriptPath: join(root, 'missing.js') });
    const error = await noScript.run(SPEC).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraFixError);
    expect(error).toMatchObject({ code: 'TFX_CONFIG', message: expect.stringMatching(/npm run build:k6/) });
  });
});
