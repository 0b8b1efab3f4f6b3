/**
 * `npm run bench:soak`: the memory soak alone (see soak.ts). BENCH_SOAK_SECONDS (default 600) and BENCH_SOAK_RATE
 * (default 1000) shorten or slow it; BENCH_SOAK_NODE_ARGS replaces the server's V8 flags (compare settings).
 * Writes .bench/soak.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { killAllNow } from './children.js';
import { measureSoak, renderSoak, SOAK_NODE_ARGS } from './soak.js';

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllNow();
    process.exit(130);
  });
}

function num(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(`${name}: expected a number from ${min} to ${max}, got "${raw}"`);
  return value;
}

const nodeArgsRaw = process.env.BENCH_SOAK_NODE_ARGS;

/** BENCH_SOAK_SERVER_ENV="TERRAFIX_MEMORY_STATE_MAX=20000 …": server settings to compare (TERRAFIX_* only). */
function serverEnv(raw: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of (raw ?? '').split(/\s+/).filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq);
    if (eq < 1 || !key.startsWith('TERRAFIX_'))
      throw new Error(`BENCH_SOAK_SERVER_ENV: expected TERRAFIX_NAME=value pairs, got "${pair}"`);
    env[key] = pair.slice(eq + 1);
  }
  return env;
}

const result = await measureSoak({
  seconds: num('BENCH_SOAK_SECONDS', 600, 10, 7_200),
  rate: num('BENCH_SOAK_RATE', 1_000, 1, 100_000),
  nodeArgs: nodeArgsRaw === undefined ? SOAK_NODE_ARGS : nodeArgsRaw.split(/\s+/).filter((a) => a !== ''),
  serverEnv: serverEnv(process.env.BENCH_SOAK_SERVER_ENV),
});
const out = process.env.BENCH_OUT ?? '.bench/soak.json';
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${renderSoak(result)}\nWrote ${out}\n`);
process.exitCode = result.passed ? 0 : 1;
