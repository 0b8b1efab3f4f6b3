/** The benchmark's knobs, read from BENCH_* variables in one place. */

export interface BenchConfig {
  /** Duration of each throughput measurement (BENCH_SECONDS). */
  seconds: number;
  /** Rounds of bare / async / sync throughput runs per load generator; the verdict takes the median round (BENCH_ROUNDS). */
  rounds: number;
  /** Keep-alive connections of the throughput runs, for every load generator (BENCH_CONNECTIONS). */
  connections: number;
  /** The wrk binary, the throughput runs' second load generator; skipped when it does not run (BENCH_WRK). */
  wrk: string;
  /** wrk threads (BENCH_WRK_THREADS, default 1: see loadBenchConfig). */
  wrkThreads: number;
  /** Short unmeasured pass before each throughput run: JIT and parse caches warm (BENCH_WARMUP_SECONDS). */
  warmupSeconds: number;
  /** Length of the fixed-rate run that watches memory (BENCH_STEADY_SECONDS). */
  steadySeconds: number;
  /** Length of the memory soak inside `npm run bench` (BENCH_SOAK_SECONDS, default 60; 0 skips it). */
  soakSeconds: number;
  /** Async failures per second of the soak (BENCH_SOAK_RATE, default 1000). */
  soakRate: number;
  /** Steady rate as a fraction of the measured medium-repo sync capacity (BENCH_STEADY_FRACTION). */
  steadyFraction: number;
  /** queue_limit set through /configure for the async run (BENCH_ASYNC_QUEUE_LIMIT). */
  asyncQueueLimit: number;
  /** Multiplies the request counts of the CPU-per-failure runs (BENCH_CPU_SCALE; 0.1 for a quick check). */
  cpuScale: number;
  /** Connections of the CPU-per-failure runs (BENCH_CPU_CONNECTIONS). */
  cpuConnections: number;
  /** Also measure CPU per failure with the parse cache off (BENCH_COLD_CPU, default true). */
  coldCpu: boolean;
  /** Also measure async intake with processing parked, as a diagnostic (BENCH_INTAKE_CEILING, default true). */
  intakeCeiling: boolean;
  /** Extra node flags for the TerraFix server, e.g. `--cpu-prof --cpu-prof-dir=.bench/prof` (BENCH_SERVER_NODE_ARGS). */
  serverNodeArgs: string[];
  /** Where the JSON results go (BENCH_OUT, default .bench/results.json). */
  outFile: string;
  /** Duration scale of the `all` run whose report build is timed (BENCH_REPORT_SCALE, default 0.03). */
  reportScale: number;
  /** Warm remediations per repository size on the real path against the fakes (BENCH_REAL_PATH_COUNT; 0 skips). */
  realPathCount: number;
  /** No-op jobs per queue-ceiling run through BullMQ and the memory queue (BENCH_QUEUE_JOBS, default 10000; 0 skips). */
  queueJobs: number;
  /** Interleaved rounds of the queue ceiling (BENCH_QUEUE_ROUNDS, default 3). */
  queueRounds: number;
  /** The queue ceiling's higher worker concurrency, next to the service's default (BENCH_QUEUE_HIGH_WORKERS, default 32). */
  queueHighWorkers: number;
  /** Failing resources (so PRs) per replica run (BENCH_REPLICAS_RESOURCES, default 30; 0 skips). */
  replicaResources: number;
  /** Interleaved rounds of the replica runs (BENCH_REPLICAS_ROUNDS, default 3). */
  replicaRounds: number;
  /** Interleaved rounds of the k6 script comparison, four k6 runs each (BENCH_K6_ROUNDS, default 5). */
  k6Rounds: number;
  /** The Redis of the queue ceiling and the replicas; keys under a fresh random prefix, deleted after (BENCH_REDIS_URL). */
  redisUrl: string;
}

type Env = Record<string, string | undefined>;

function num(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(`${name}: expected a number from ${min} to ${max}, got "${raw}"`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name}: expected true or false, got "${raw}"`);
}

/** The benchmark configuration from `env`; throws naming the variable that is wrong. */
export function loadBenchConfig(env: Env = process.env): BenchConfig {
  return {
    seconds: num(env, 'BENCH_SECONDS', 6, 1, 3600),
    rounds: Math.round(num(env, 'BENCH_ROUNDS', 5, 1, 50)),
    connections: Math.round(num(env, 'BENCH_CONNECTIONS', 50, 1, 10_000)),
    wrk: env.BENCH_WRK ?? 'wrk',
    // One thread: it used 0.10-0.17 of a core at 12-23k req/s against bare fastify on the 2-core bench
    // machine (Lua body per request included), so it is nowhere near its limit, and a second thread would
    // only be one more thread competing with the server for the same two cores.
    wrkThreads: Math.round(num(env, 'BENCH_WRK_THREADS', 1, 1, 64)),
    warmupSeconds: num(env, 'BENCH_WARMUP_SECONDS', 3, 0, 600),
    steadySeconds: num(env, 'BENCH_STEADY_SECONDS', 120, 4, 86_400),
    soakSeconds: num(env, 'BENCH_SOAK_SECONDS', 60, 0, 86_400),
    soakRate: num(env, 'BENCH_SOAK_RATE', 1_000, 1, 100_000),
    steadyFraction: num(env, 'BENCH_STEADY_FRACTION', 0.4, 0.01, 1),
    // Room for a whole run's intake: the run measures how fast TerraFix accepts, not when its queue fills.
    asyncQueueLimit: Math.round(num(env, 'BENCH_ASYNC_QUEUE_LIMIT', 1_000_000, 1, 1_000_000)),
    cpuScale: num(env, 'BENCH_CPU_SCALE', 1, 0.01, 100),
    cpuConnections: Math.round(num(env, 'BENCH_CPU_CONNECTIONS', 8, 1, 1_000)),
    coldCpu: bool(env, 'BENCH_COLD_CPU', true),
    intakeCeiling: bool(env, 'BENCH_INTAKE_CEILING', true),
    serverNodeArgs: (env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== ''),
    outFile: env.BENCH_OUT ?? '.bench/results.json',
    reportScale: num(env, 'BENCH_REPORT_SCALE', 0.03, 0.01, 1),
    realPathCount: Math.round(num(env, 'BENCH_REAL_PATH_COUNT', 8, 0, 1_000)),
    queueJobs: Math.round(num(env, 'BENCH_QUEUE_JOBS', 10_000, 0, 1_000_000)),
    queueRounds: Math.round(num(env, 'BENCH_QUEUE_ROUNDS', 3, 1, 20)),
    queueHighWorkers: Math.round(num(env, 'BENCH_QUEUE_HIGH_WORKERS', 32, 1, 256)),
    // The fake lists 100 PRs a page and every run waits for all of them: bounded so a round stays short.
    replicaResources: Math.round(num(env, 'BENCH_REPLICAS_RESOURCES', 30, 0, 200)),
    replicaRounds: Math.round(num(env, 'BENCH_REPLICAS_ROUNDS', 3, 1, 20)),
    k6Rounds: Math.round(num(env, 'BENCH_K6_ROUNDS', 5, 1, 20)),
    redisUrl: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}
