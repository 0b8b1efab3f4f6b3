/**
 * terrafix.js (the project's k6 script, bundled) against a trivial k6 script on the same trivial server: same k6
 * binary, same VU count and length, rounds interleaved. Four scripts per round:
 *   trivial        one fixed body, no output, k6 as installed (Go's default GC): the goal's yardstick;
 *   trivial, same  the trivial script run as the runner runs k6: NDJSON output and the runner's GC settings;
 *   terrafix, GC100 terrafix.js as the runner runs it but with Go's default GC (what the script costs by itself);
 *   terrafix       terrafix.js as the runner runs it (spec file, NDJSON output, k6-gc.ts's GOGC and GOMEMLIMIT).
 * Goal: terrafix / trivial >= 0.8. terrafix / (trivial, same) is the script's own cost, with everything else equal.
 * k6's CPU per request (whole process, start-up included) is a steadier figure than the rate on a shared machine.
 * Without a k6 binary on PATH it says so and measures nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { k6GcEnv } from '../experiments/engine/k6-gc.js';
import { defaultK6Script, findK6 } from '../experiments/engine/k6-engine.js';
import { LOAD_SELECTOR } from '../experiments/k6/options.js';
import { baseEnv, freePort, HOST, startServer } from './children.js';
import { exitedChildrenCpuSeconds } from './proc-cpu.js';

/** One script's rounds: rate (req/s) and k6's CPU microseconds per request. */
export interface K6ScriptSeries {
  rps: number[];
  cpuUsPerRequest: number[];
}

export interface K6ScriptRatio {
  k6: string | null;
  /** Why nothing was measured (no k6 on PATH). */
  skipped?: string;
  vus: number;
  seconds: number;
  /** The GC settings the runner gives k6 (k6-gc.ts), as used for the `same` and `terrafix` series. */
  gcEnv?: Record<string, string>;
  series?: {
    trivial: K6ScriptSeries;
    trivialSame: K6ScriptSeries;
    terrafixGc100: K6ScriptSeries;
    terrafix: K6ScriptSeries;
  };
  /** Median terrafix.js rate (as the runner runs it) over the median trivial rate (goal >= 0.8). */
  ratio: number | null;
  /** Median terrafix.js rate over the trivial script's run the same way (NDJSON, GC settings). */
  ratioSameSetup?: number | null;
  /** terrafix.js with Go's default GC over trivial. */
  ratioGc100?: number | null;
  /** Median trivial CPU per request over median terrafix.js CPU per request. */
  cpuRatio?: number | null;
}

const TRIVIAL = fileURLToPath(new URL('./support/trivial-server-main.js', import.meta.url));
const run = promisify(execFile);
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)] ?? 0;
const ratioOf = (a: number[], b: number[]): number | null =>
  median(b) === 0 ? null : Math.round((median(a) / median(b)) * 1000) / 1000;

/** CommonJS, as terrafix.js is, so neither script pays for k6's Babel pass at start-up. */
function trivialScript(url: string, vus: number, seconds: number, out: string): string {
  return `const http = require('k6/http');
exports.options = { vus: ${vus}, duration: '${seconds}s', discardResponseBodies: true };
const body = JSON.stringify({ test_id: 'bench', resource_arn: 'arn:aws:s3:::bench', severity: 'high' });
const params = { headers: { 'Content-Type': 'application/json' } };
exports.default = function () { http.post('${url}/webhook', body, params); };
exports.handleSummary = function (d) {
  const v = d.metrics.http_reqs.values;
  return { ${JSON.stringify(out)}: JSON.stringify({ rate: v.rate, count: v.count }) };
};
`;
}

/** Runs k6 once; answers its CPU seconds (it is waited for, so /proc/self counts it among exited children). */
async function timedK6(k6: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const before = exitedChildrenCpuSeconds();
  await run(k6, args, { env, maxBuffer: 1 << 24 });
  return exitedChildrenCpuSeconds() - before;
}

/** Runs the comparison when k6 is on PATH (`pathEnv`), on a fresh trivial server. */
export async function compareK6Scripts(
  pathEnv: string | undefined,
  options: { vus: number; seconds: number; rounds: number },
): Promise<K6ScriptRatio> {
  const k6 = findK6(pathEnv);
  const base = { vus: options.vus, seconds: options.seconds, ratio: null };
  if (k6 === undefined)
    return {
      ...base,
      k6: null,
      skipped: 'no k6 binary on PATH: terrafix.js vs trivial k6 script not measured',
    };
  const script = defaultK6Script();
  if (script === undefined) return { ...base, k6, skipped: 'k6 script bundle missing: run npm run build:k6' };
  const port = await freePort();
  const server = await startServer({
    name: 'trivial-k6',
    script: TRIVIAL,
    args: [String(port)],
    env: baseEnv(),
    port,
    readyPath: '/',
  });
  const dir = await mkdtemp(join(tmpdir(), 'terrafix-bench-k6-'));
  const url = `http://${HOST}:${port}`;
  const series = {
    trivial: { rps: [], cpuUsPerRequest: [] } as K6ScriptSeries,
    trivialSame: { rps: [], cpuUsPerRequest: [] } as K6ScriptSeries,
    terrafixGc100: { rps: [], cpuUsPerRequest: [] } as K6ScriptSeries,
    terrafix: { rps: [], cpuUsPerRequest: [] } as K6ScriptSeries,
  };
  const record = (s: K6ScriptSeries, rate: number, count: number, cpuSeconds: number): void => {
    s.rps.push(Math.round(rate));
    s.cpuUsPerRequest.push(count > 0 ? Math.round((cpuSeconds * 1e6) / count) : Number.NaN);
  };
  // k6 as installed (baseEnv passes no GOGC/GOMEMLIMIT), and as the runner runs it (k6-gc.ts's defaults).
  const stock = { ...baseEnv(), K6_NO_USAGE_REPORT: 'true' };
  const gcEnv = k6GcEnv(stock, totalmem());
  const asRunner = { ...stock, ...gcEnv };
  try {
    const trivialOut = join(dir, 'trivial.json');
    const trivialJs = join(dir, 'trivial.js');
    await writeFile(trivialJs, trivialScript(url, options.vus, options.seconds, trivialOut));
    const spec = join(dir, 'spec.json');
    await writeFile(
      spec,
      JSON.stringify({
        format: 'terrafix-k6-spec/1',
        baseUrl: url,
        load: { executor: 'constant-vus', vus: options.vus, duration: options.seconds, pacing: 0 },
        payload: { endpoint: 'webhook', mode: 'sync', duplicateRatio: 0, batchRatio: 0, repoSize: 'medium' },
        seed: 1,
        requestTimeoutMs: 10_000,
        maxRequests: 100_000_000,
        stopWhen: null,
        thresholds: {},
        failedAt: new Date().toISOString(),
        runnerStops: true,
      }),
    );
    const summary = join(dir, 'summary.json');
    const quiet = ['run', '--quiet', '--no-color'];
    const readTrivial = async (): Promise<{ rate: number; count: number }> =>
      JSON.parse(await readFile(trivialOut, 'utf8')) as { rate: number; count: number };
    const terrafix = async (s: K6ScriptSeries, env: NodeJS.ProcessEnv, ndjson: string): Promise<void> => {
      const args = [...quiet, '--out', `json=${ndjson}`, '-e', `TERRAFIX_SPEC=${spec}`];
      const cpu = await timedK6(k6, [...args, '-e', `TERRAFIX_SUMMARY=${summary}`, script], env);
      await rm(ndjson, { force: true });
      const m = (
        JSON.parse(await readFile(summary, 'utf8')) as { metrics: Record<string, Record<string, number>> }
      ).metrics;
      const reqs = m[`http_reqs${LOAD_SELECTOR}`] ?? m['http_reqs'] ?? {};
      record(s, reqs['rate'] ?? 0, reqs['count'] ?? 0, cpu);
    };
    for (let i = 0; i < options.rounds; i++) {
      const ndjson = join(dir, `k6-${i}.ndjson`);
      const cpu = await timedK6(k6, [...quiet, trivialJs], stock);
      const t = await readTrivial();
      record(series.trivial, t.rate, t.count, cpu);

      const cpuSame = await timedK6(k6, [...quiet, '--out', `json=${ndjson}`, trivialJs], asRunner);
      const ts = await readTrivial();
      record(series.trivialSame, ts.rate, ts.count, cpuSame);
      await rm(ndjson, { force: true });

      await terrafix(series.terrafixGc100, stock, ndjson);
      await terrafix(series.terrafix, asRunner, ndjson);
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const cpu = (s: K6ScriptSeries): number[] => s.cpuUsPerRequest;
  return {
    ...base,
    k6,
    gcEnv,
    series,
    ratio: ratioOf(series.terrafix.rps, series.trivial.rps),
    ratioSameSetup: ratioOf(series.terrafix.rps, series.trivialSame.rps),
    ratioGc100: ratioOf(series.terrafixGc100.rps, series.trivial.rps),
    cpuRatio: cpu(series.trivial).some(Number.isNaN)
      ? null
      : ratioOf(cpu(series.trivial), cpu(series.terrafix)),
  };
}

/** The report lines. */
export function renderK6Ratio(r: K6ScriptRatio): string {
  if (r.skipped !== undefined || r.series === undefined)
    return `k6 script speed: ${r.skipped ?? 'not measured'}\n`;
  const s = r.series;
  const gc = Object.entries(r.gcEnv ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const row = (name: string, x: K6ScriptSeries): string =>
    `  ${name.padEnd(46)} req/s ${x.rps.join(' / ')}; k6 CPU µs/request ${x.cpuUsPerRequest.join(' / ')}`;
  return [
    `k6 script speed (${r.k6}, ${r.vus} VUs, ${r.seconds} s per round, rounds interleaved, trivial server in its own process)`,
    row('trivial script, k6 as installed', s.trivial),
    row(`trivial script, NDJSON + ${gc}`, s.trivialSame),
    row('terrafix.js, NDJSON, Go default GC', s.terrafixGc100),
    row(`terrafix.js as the runner runs it (NDJSON, ${gc})`, s.terrafix),
    `  terrafix.js / trivial (median rates) = ${r.ratio ?? '-'} (goal >= 0.8: ${r.ratio !== null && r.ratio >= 0.8 ? 'PASS' : 'BELOW'}); ` +
      `vs the trivial script run the same way = ${r.ratioSameSetup ?? '-'}; with Go's default GC = ${r.ratioGc100 ?? '-'}; ` +
      `trivial / terrafix.js CPU per request = ${r.cpuRatio ?? '-'}`,
    '',
  ].join('\n');
}
