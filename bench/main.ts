/**
 * `npm run bench`: TerraFix mock-mode throughput against a bare fastify baseline, CPU per failure by
 * repository size, HCL parse times, and a steady-rate memory run. Throughput is measured with two load
 * generators (autocannon and wrk; the rest with autocannon), servers in child processes on loopback, every run
 * bounded; prints a report and writes .bench/results.json.
 */
import { cpus, loadavg } from 'node:os';
import { stopAll, killAllNow } from './children.js';
import { loadBenchConfig } from './config.js';
import { measureCpuPerFailure } from './cpu-per-failure.js';
import { measureIntakeCeiling } from './intake-ceiling.js';
import { measureParseTimes } from './parse-timing.js';
import { measurePromptTokens } from './prompt-tokens.js';
import { measureQueueCeiling, SERVICE_DEFAULT_WORKERS } from './queue-ceiling.js';
import { measureRealPath } from './real-path.js';
import { measureReplicas } from './replicas.js';
import {
  type BenchResults,
  NOTE,
  renderReport,
  STEADY_STATE_MAX,
  targetsOf,
  writeResults,
} from './report.js';
import { measureSoak, SOAK_NODE_ARGS } from './soak.js';
import { measureSteady } from './steady.js';
import { compareEngineWithAutocannon } from './engine-vs-autocannon.js';
import { compareK6Scripts } from './k6-script-ratio.js';
import { measureReportBuild } from './report-build.js';
import { measureLiveHeap } from './live-heap.js';
import { startBareFastify, startTerraFix, TERRAFIX_ENV } from './terrafix.js';
import { measureThroughput } from './throughput.js';

const started = performance.now();
const log = (line: string) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${line}\n`);

// Children must not outlive the benchmark, however it ends.
process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllNow();
    process.exit(130);
  });
}

const config = loadBenchConfig();
const results: BenchResults = {
  generatedAt: new Date().toISOString(),
  note: NOTE,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadavgAtStart: loadavg(),
  },
  settings: {
    BENCH_SECONDS: config.seconds,
    BENCH_ROUNDS: config.rounds,
    BENCH_CONNECTIONS: config.connections,
    BENCH_WRK: config.wrk,
    BENCH_WRK_THREADS: config.wrkThreads,
    BENCH_WARMUP_SECONDS: config.warmupSeconds,
    BENCH_STEADY_SECONDS: config.steadySeconds,
    BENCH_STEADY_FRACTION: config.steadyFraction,
    BENCH_SOAK_SECONDS: config.soakSeconds,
    BENCH_SOAK_RATE: config.soakRate,
    BENCH_ASYNC_QUEUE_LIMIT: config.asyncQueueLimit,
    BENCH_CPU_SCALE: config.cpuScale,
    BENCH_CPU_CONNECTIONS: config.cpuConnections,
    BENCH_COLD_CPU: config.coldCpu,
    BENCH_INTAKE_CEILING: config.intakeCeiling,
    BENCH_REPORT_SCALE: config.reportScale,
    BENCH_REAL_PATH_COUNT: config.realPathCount,
    BENCH_QUEUE_JOBS: config.queueJobs,
    BENCH_QUEUE_ROUNDS: config.queueRounds,
    BENCH_QUEUE_HIGH_WORKERS: config.queueHighWorkers,
    BENCH_REPLICAS_RESOURCES: config.replicaResources,
    BENCH_REPLICAS_ROUNDS: config.replicaRounds,
    server: 'TerraFix mock mode, zero latency and failure rate, terraform validate OFF, state in memory',
    server_env: TERRAFIX_ENV,
    ...(config.serverNodeArgs.length > 0 ? { server_node_args: config.serverNodeArgs.join(' ') } : {}),
  },
};

try {
  log('parse timing (in process, no server running)');
  results.parse = await measureParseTimes(2, 3);
  log('Bedrock prompt tokens by repository size (in process, no network)');
  results.promptTokens = await measurePromptTokens();
  if (config.realPathCount > 0) {
    log(`real path: ${config.realPathCount} warm remediations per size against zero-latency fakes`);
    results.realPath = await measureRealPath(config.realPathCount, log);
  }
  if (config.queueJobs > 0) {
    log(`queue ceiling: ${config.queueJobs} no-op jobs per run, BullMQ on Redis vs the in-memory queue`);
    results.queueCeiling = await measureQueueCeiling(
      {
        jobs: config.queueJobs,
        rounds: config.queueRounds,
        workers: [SERVICE_DEFAULT_WORKERS, config.queueHighWorkers],
        redisUrl: config.redisUrl,
      },
      log,
    );
  }
  if (config.replicaResources > 0) {
    log(`replicas: terrafix serve, one vs two replicas, ${config.replicaResources} PRs per run`);
    results.replicas = await measureReplicas(
      {
        resources: config.replicaResources,
        rounds: config.replicaRounds,
        redisUrl: config.redisUrl,
        cpus: cpus().length,
      },
      log,
    );
  }

  const bare = await startBareFastify();
  const tfx = await startTerraFix('terrafix', config.serverNodeArgs);
  log(`servers up: bare fastify pid ${bare.pid}, TerraFix pid ${tfx.pid}`);
  const throughput = await measureThroughput(config, bare, tfx, log);
  results.throughput = throughput;
  results.targets = targetsOf(throughput);
  await bare.stop();
  if (config.intakeCeiling) {
    log('diagnostic: async intake with processing parked (throwaway server)');
    results.intakeCeiling = await measureIntakeCeiling(config);
  }
  results.cpuPerFailure = await measureCpuPerFailure(config, tfx, log);
  await tfx.stop(60_000);

  // The steady rate: a fraction of what the server sustained on the medium repository with a warm cache.
  const medium = results.cpuPerFailure.find((c) => c.size === 'medium' && c.cache === 'warm');
  const capacity = medium?.load.okPerSecond ?? throughput.generators[0]?.rounds[0]?.sync.okPerSecond ?? 1;
  const basis = medium === undefined ? 'small-repo sync 2xx/s' : 'medium warm CPU run 2xx/s';
  const rate = Math.max(1, Math.round(capacity * config.steadyFraction));
  log(`steady: ${config.steadySeconds} s at ${rate} req/s on a fresh server`);
  const steadyServer = await startTerraFix('terrafix-steady', config.serverNodeArgs, {
    TERRAFIX_MEMORY_STATE_MAX: String(STEADY_STATE_MAX),
  });
  results.steady = await measureSteady(
    config,
    steadyServer,
    rate,
    `${Math.round(config.steadyFraction * 100)}% of ${capacity.toFixed(0)} ${basis}`,
  );
  await steadyServer.stop(60_000);

  if (config.soakSeconds > 0) {
    log(`memory soak: async unique failures at ${config.soakRate}/s for ${config.soakSeconds} s`);
    results.soak = await measureSoak({
      seconds: config.soakSeconds,
      rate: config.soakRate,
      nodeArgs: [...SOAK_NODE_ARGS, ...config.serverNodeArgs],
    });
  }

  log('live heap after forced GC while 200,000 unique failures pass through the mock runtime');
  results.liveHeap = await measureLiveHeap();
  log('load engine: built-in engine vs autocannon against a trivial server');
  results.engine = await compareEngineWithAutocannon(config);
  log('k6 script: terrafix.js vs a trivial k6 script against a trivial server (when k6 is on PATH)');
  results.k6Script = await compareK6Scripts(process.env.PATH, {
    vus: config.connections,
    seconds: config.seconds,
    rounds: config.k6Rounds,
  });
  log(`reports: an all run at duration scale ${config.reportScale}, then three report builds`);
  results.reportBuild = await measureReportBuild(config.reportScale);
} catch (error) {
  results.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.exitCode = 1;
} finally {
  await stopAll();
  results.durationSeconds = (performance.now() - started) / 1000;
  results.machine.loadavgAtEnd = loadavg();
  process.stdout.write(`${renderReport(results)}\n`);
  await writeResults(config.outFile, results);
  log(`results written to ${config.outFile}`);
}
