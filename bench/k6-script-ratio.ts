/**
 * terrafix.js (the project's k6 script, bundled) against a trivial k6 script on the same trivial server: same k6
 * binary, same VU count and length, rounds interleaved (trivial, terrafix, trivial, terrafix, ...). terrafix.js
 * runs as the runner runs it (spec file, NDJSON output); the trivial script posts one fixed body and writes
 * nothing. Goal: terrafix.js / trivial >= 0.8. Without a k6 binary on PATH it says so and measures nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defaultK6Script, findK6 } from '../experiments/engine/k6-engine.js';
import { baseEnv, freePort, HOST, startServer } from './children.js';

export interface K6ScriptRatio {
  k6: string | null;
  /** Why nothing was measured (no k6 on PATH). */
  skipped?: string;
  vus: number;
  seconds: number;
  trivialRps: number[];
  terrafixRps: number[];
  /** Median terrafix.js rate over median trivial rate (goal >= 0.8). */
  ratio: number | null;
}

const TRIVIAL = fileURLToPath(new URL('./support/trivial-server-main.js', import.meta.url));
const run = promisify(execFile);
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)] ?? 0;

function trivialScript(url: string, vus: number, seconds: number, out: string): string {
  return `import http from 'k6/http';
export const options = { vus: ${vus}, duration: '${seconds}s', discardResponseBodies: true };
const body = JSON.stringify({ test_id: 'bench', resource_arn: 'arn:aws:s3:::bench', severity: 'high' });
const params = { headers: { 'Content-Type': 'application/json' } };
export default function () { http.post('${url}/webhook', body, params); }
export function handleSummary(d) { return { ${JSON.stringify(out)}: JSON.stringify({ rate: d.metrics.http_reqs.values.rate }) }; }
`;
}

/** Runs the comparison when k6 is on PATH (`pathEnv`), on a fresh trivial server. */
export async function compareK6Scripts(
  pathEnv: string | undefined,
  options: { vus: number; seconds: number; rounds: number },
): Promise<K6ScriptRatio> {
  const k6 = findK6(pathEnv);
  const base = { vus: options.vus, seconds: options.seconds, trivialRps: [], terrafixRps: [], ratio: null };
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
  const trivialRps: number[] = [];
  const terrafixRps: number[] = [];
  try {
    const trivialOut = join(dir, 'trivial.json');
    await writeFile(join(dir, 'trivial.js'), trivialScript(url, options.vus, options.seconds, trivialOut));
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
    const env = { ...baseEnv(), K6_NO_USAGE_REPORT: 'true' };
    for (let i = 0; i < options.rounds; i++) {
      await run(k6, ['run', '--quiet', '--no-color', join(dir, 'trivial.js')], { env });
      trivialRps.push((JSON.parse(await readFile(trivialOut, 'utf8')) as { rate: number }).rate);
      const ndjson = join(dir, `k6-${i}.ndjson`);
      await run(
        k6,
        [
          'run',
          '--quiet',
          '--no-color',
          '--out',
          `json=${ndjson}`,
          '-e',
          `TERRAFIX_SPEC=${spec}`,
          '-e',
          `TERRAFIX_SUMMARY=${summary}`,
          script,
        ],
        { env, maxBuffer: 1 << 24 },
      );
      await rm(ndjson, { force: true });
      const m = (
        JSON.parse(await readFile(summary, 'utf8')) as { metrics: Record<string, Record<string, number>> }
      ).metrics;
      terrafixRps.push(m['http_reqs{phase:load}']?.rate ?? m['http_reqs']?.rate ?? 0);
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const trivial = median(trivialRps);
  return {
    ...base,
    k6,
    trivialRps: trivialRps.map(Math.round),
    terrafixRps: terrafixRps.map(Math.round),
    ratio: trivial === 0 ? null : Math.round((median(terrafixRps) / trivial) * 1000) / 1000,
  };
}

/** The report lines. */
export function renderK6Ratio(r: K6ScriptRatio): string {
  if (r.skipped !== undefined) return `k6 script speed: ${r.skipped}\n`;
  return [
    `k6 script speed (${r.k6}, ${r.vus} VUs, ${r.seconds} s per round, trivial server in its own process)`,
    `  trivial k6 script ${r.trivialRps.join(' / ')} req/s; terrafix.js (with NDJSON output) ${r.terrafixRps.join(' / ')} req/s`,
    `  terrafix.js / trivial (medians) = ${r.ratio ?? '-'} (goal >= 0.8: ${r.ratio !== null && r.ratio >= 0.8 ? 'PASS' : 'BELOW'})`,
    '',
  ].join('\n');
}
