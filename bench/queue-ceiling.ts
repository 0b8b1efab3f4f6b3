/**
 * The job queues' own ceiling: N no-op jobs (unique keys, the same handler) through BullmqJobQueue on the real Redis
 * and through MemoryJobQueue, in this process, at the service's default worker concurrency and at a higher one.
 * Rounds interleave the two queues (the order alternates by round); each round's BullMQ / memory ratio is taken
 * within the round. Jobs are submitted in batches, as the poller submits one batch per failing test.
 *
 * While BullMQ runs, every Redis command this process sends is counted (ioredis' sendCommand, pipelined or not),
 * which says what bounds it: Redis round trips per job, not CPU in the handler. BullMQ's keys live under a fresh
 * random prefix, deleted at the end (SCAN + UNLINK of that prefix only; never FLUSHALL).
 * Standalone: `npm run build && node dist/bench/queue-ceiling.js` (BENCH_QUEUE_JOBS, BENCH_QUEUE_ROUNDS,
 * BENCH_QUEUE_HIGH_WORKERS, BENCH_REDIS_URL as in `npm run bench`).
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Pipeline, Redis } from 'ioredis';
import { serviceEnvSchema } from '../src/config/service.js';
import { BullmqJobQueue } from '../src/queue/bullmq-queue.js';
import { MemoryJobQueue } from '../src/queue/memory-queue.js';
import type { JobQueue } from '../src/queue/port.js';
import { escapeGlob } from '../src/state/redis-keys.js';
import { loadBenchConfig } from './config.js';
import { redactRedisUrl } from '../src/state/redis-url.js';
import { orderFor, perSecond, roundRatios, type Spread, spread } from './rounds.js';

export const QUEUE_KINDS = ['bullmq', 'memory'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

/** Jobs per submit() call. */
export const SUBMIT_BATCH = 100;

/** MAX_CONCURRENT_WORKERS' default: what `terrafix serve` runs per replica. */
export const SERVICE_DEFAULT_WORKERS = serviceEnvSchema.shape.MAX_CONCURRENT_WORKERS.parse(undefined);

export interface RedisTraffic {
  /** Commands sent, pipelined ones included. */
  commandsPerJob: number;
  /** Writes to the socket: commands sent alone plus pipelines (each one round trip). */
  roundTripsPerJob: number;
  /** Commands per job by name (EVALSHA is a BullMQ Lua script), largest first. */
  byCommand: Record<string, number>;
  /**
   * The Redis server's CPU (INFO used_cpu_user + used_cpu_sys) per job, in µs: an upper bound, since other
   * clients of the same server count too.
   */
  serverCpuUsPerJob: number;
}

export interface QueueRun {
  round: number;
  queue: QueueKind;
  workers: number;
  jobs: number;
  ms: number;
  jobsPerSecond: number;
  /** CPU of this process (producer, worker and handler together) per job, in µs. */
  cpuUsPerJob: number;
  redis?: RedisTraffic;
}

export interface QueueCeilingRow {
  workers: number;
  bullmq: Spread;
  memory: Spread;
  /** BullMQ / memory, per round. */
  ratio: Spread;
}

export interface QueueCeiling {
  jobs: number;
  rounds: number;
  batch: number;
  redis: string;
  runs: QueueRun[];
  rows: QueueCeilingRow[];
}

interface Payload {
  key: string;
}

/** Counts every command ioredis sends in this process until `stop()`; restores sendCommand and exec then. */
function countRedisCommands(): {
  stop(): { commands: number; roundTrips: number; byName: Map<string, number> };
} {
  const redisProto = Redis.prototype as unknown as { sendCommand: (...args: unknown[]) => unknown };
  const pipelineProto = Pipeline.prototype as unknown as { exec: (...args: unknown[]) => unknown };
  const send = redisProto.sendCommand;
  const exec = pipelineProto.exec;
  const byName = new Map<string, number>();
  let commands = 0;
  let roundTrips = 0;
  redisProto.sendCommand = function (this: unknown, ...args: unknown[]) {
    const name = (args[0] as { name?: string } | undefined)?.name ?? '?';
    commands += 1;
    if (args[1] === undefined) roundTrips += 1; // a pipeline passes its stream: counted once, in exec
    byName.set(name, (byName.get(name) ?? 0) + 1);
    return send.apply(this, args);
  };
  pipelineProto.exec = function (this: unknown, ...args: unknown[]) {
    roundTrips += 1;
    return exec.apply(this, args);
  };
  return {
    stop() {
      redisProto.sendCommand = send;
      pipelineProto.exec = exec;
      return { commands, roundTrips, byName };
    },
  };
}

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** A queue with a no-op handler that calls `onJob` each time it runs. */
function makeQueue(
  kind: QueueKind,
  workers: number,
  jobs: number,
  redisUrl: string,
  prefix: string,
  name: string,
  onJob: () => void,
): { queue: JobQueue<Payload, number>; close: () => Promise<void> } {
  const handler = (payload: Payload): Promise<number> => {
    onJob();
    return Promise.resolve(payload.key.length);
  };
  const onError = (): number => -1;
  if (kind === 'memory') {
    const queue = new MemoryJobQueue<Payload, number>({
      workers,
      limit: jobs + SUBMIT_BATCH,
      handler,
      onError,
    });
    return { queue, close: () => queue.drain() };
  }
  const queue = new BullmqJobQueue<Payload, number>({
    redisUrl,
    prefix,
    queueName: name,
    workers,
    limit: jobs + SUBMIT_BATCH,
    handler,
    onError,
    jobId: (p) => p.key,
  });
  return { queue, close: () => queue.close() };
}

async function submitAll(queue: JobQueue<Payload, number>, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += SUBMIT_BATCH) {
    const admission = await queue.submit(keys.slice(i, i + SUBMIT_BATCH).map((key) => ({ key })));
    if (!admission.accepted) throw new Error(`queue refused a batch: ${admission.reason}`);
  }
}

/** One timed run: a warm-up job, then `jobs` jobs, timed from the first submit to the last job finished. */
async function oneRun(
  kind: QueueKind,
  workers: number,
  jobs: number,
  round: number,
  redisUrl: string,
  prefix: string,
  admin: Redis,
): Promise<QueueRun> {
  const name = `ceiling-${kind}-${workers}-${round}`;
  let ran = 0;
  let target = 1;
  let reached: () => void = () => undefined;
  const onJob = () => {
    ran += 1;
    if (ran === target) reached();
  };
  const { queue, close } = makeQueue(kind, workers, jobs, redisUrl, prefix, name, onJob);
  try {
    const warm = new Promise<void>((resolve) => (reached = resolve));
    await submitAll(queue, [`${name}-warm`]);
    await warm;
    while ((await queue.stats()).depth > 0 || (await queue.stats()).active > 0) await tick();
    ran = 0;
    target = jobs;
    const keys = Array.from({ length: jobs }, (_, i) => `${name}-${i}`);
    const all = new Promise<void>((resolve) => (reached = resolve));
    const server0 = kind === 'bullmq' ? await redisCpuUs(admin) : 0;
    const counter = kind === 'bullmq' ? countRedisCommands() : undefined;
    const cpu0 = cpuUs();
    const t0 = performance.now();
    let traffic: ReturnType<ReturnType<typeof countRedisCommands>['stop']> | undefined;
    try {
      await submitAll(queue, keys);
      await all;
      // The last handlers have returned; their jobs are done once the queue holds nothing waiting or running.
      for (;;) {
        const stats = await queue.stats();
        if (stats.depth === 0 && stats.active === 0) break;
        await tick();
      }
    } finally {
      traffic = counter?.stop();
    }
    const ms = performance.now() - t0;
    const run: QueueRun = {
      round,
      queue: kind,
      workers,
      jobs,
      ms,
      jobsPerSecond: perSecond(jobs, ms),
      cpuUsPerJob: (cpuUs() - cpu0) / jobs,
    };
    if (traffic !== undefined) {
      const server = (await redisCpuUs(admin)) - server0;
      run.redis = {
        serverCpuUsPerJob: server / jobs,
        commandsPerJob: traffic.commands / jobs,
        roundTripsPerJob: traffic.roundTrips / jobs,
        byCommand: Object.fromEntries(
          [...traffic.byName].sort((a, b) => b[1] - a[1]).map(([n, c]) => [n, c / jobs]),
        ),
      };
    }
    return run;
  } finally {
    await close();
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** The Redis server's CPU so far (user + system), in µs. */
async function redisCpuUs(admin: Redis): Promise<number> {
  const info = await admin.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
}

/** Deletes every key under `prefix` (SCAN + UNLINK: safe on a shared server); returns how many. */
async function deletePrefix(admin: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await admin.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

export interface QueueCeilingOptions {
  jobs: number;
  rounds: number;
  /** Worker concurrencies to measure (the service's default first). */
  workers: readonly number[];
  redisUrl: string;
}

/** Interleaved rounds of BullMQ and memory queue runs at each worker setting. */
export async function measureQueueCeiling(
  options: QueueCeilingOptions,
  log: (line: string) => void = () => undefined,
): Promise<QueueCeiling> {
  const prefix = `terrafix-bench-${randomBytes(6).toString('hex')}:`;
  const runs: QueueRun[] = [];
  // Outside the counted traffic: it is created before any run starts counting and used between the counts.
  const admin = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  admin.on('error', () => undefined);
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const workers of options.workers) {
        for (const kind of orderFor(round - 1, QUEUE_KINDS)) {
          const run = await oneRun(kind, workers, options.jobs, round, options.redisUrl, prefix, admin);
          runs.push(run);
          log(
            `queue ceiling round ${round}: ${kind} x${workers} ${run.jobsPerSecond.toFixed(0)} jobs/s` +
              (run.redis === undefined
                ? ''
                : `, ${run.redis.roundTripsPerJob.toFixed(2)} Redis round trips/job`),
          );
        }
      }
    }
  } finally {
    await deletePrefix(admin, prefix).finally(() => admin.disconnect());
  }
  const rows = options.workers.map((workers) => {
    const rate = (kind: QueueKind) =>
      runs.filter((r) => r.queue === kind && r.workers === workers).map((r) => r.jobsPerSecond);
    return {
      workers,
      bullmq: spread(rate('bullmq')),
      memory: spread(rate('memory')),
      ratio: spread(roundRatios(rate('bullmq'), rate('memory'))),
    };
  });
  return {
    jobs: options.jobs,
    rounds: options.rounds,
    batch: SUBMIT_BATCH,
    redis: redactRedisUrl(options.redisUrl),
    runs,
    rows,
  };
}

const f = (v: number, digits = 0) =>
  Number.isFinite(v)
    ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

/** The ceiling as text: jobs/s per queue and worker setting, the ratio, and BullMQ's Redis traffic per job. */
export function renderQueueCeiling(c: QueueCeiling): string {
  const lines = c.rows.map(
    (r) =>
      `  workers ${String(r.workers).padStart(3)}: BullMQ ${f(r.bullmq.median).padStart(7)} jobs/s ` +
      `(${r.bullmq.values.map((v) => f(v)).join(' / ')}), memory ${f(r.memory.median).padStart(9)} jobs/s ` +
      `(${r.memory.values.map((v) => f(v)).join(' / ')}), BullMQ / memory ${f(r.ratio.median, 4)} ` +
      `(${r.ratio.values.map((v) => f(v, 4)).join(' / ')})`,
  );
  const traffic = c.rows.map((row) => {
    const bull = c.runs.filter((r) => r.queue === 'bullmq' && r.workers === row.workers && r.redis);
    const mean = (pick: (r: QueueRun) => number) => bull.reduce((t, r) => t + pick(r), 0) / bull.length;
    const top = Object.entries(bull[0]?.redis?.byCommand ?? {})
      .slice(0, 4)
      .map(([name, n]) => `${name} ${f(n, 2)}`)
      .join(', ');
    return (
      `  workers ${String(row.workers).padStart(3)}: ${f(
        mean((r) => r.redis?.roundTripsPerJob ?? NaN),
        2,
      )} round trips, ` +
      `${f(
        mean((r) => r.redis?.commandsPerJob ?? NaN),
        2,
      )} commands per job (${top}); Redis server CPU ` +
      `${f(mean((r) => r.redis?.serverCpuUsPerJob ?? NaN))} µs/job (upper bound: a shared server); this process ` +
      `${f(mean((r) => r.cpuUsPerJob))} µs/job with BullMQ, ` +
      `${f(
        c.runs
          .filter((r) => r.queue === 'memory' && r.workers === row.workers)
          .reduce((t, r, _, a) => t + r.cpuUsPerJob / a.length, 0),
        1,
      )} µs/job in memory`
    );
  });
  return [
    `Queue ceiling: ${f(c.jobs)} no-op jobs per run, submitted in batches of ${c.batch}, through BullMQ (Redis ` +
      `${c.redis}, producer and worker in this process) and the in-memory queue; ${c.rounds} interleaved rounds, ` +
      'median (every round); ratio taken within each round',
    ...lines,
    'BullMQ traffic per job (every command this process sent while the run lasted, idle polling included):',
    ...traffic,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const config = loadBenchConfig();
  const result = await measureQueueCeiling(
    {
      jobs: Math.max(1, config.queueJobs),
      rounds: config.queueRounds,
      workers: [SERVICE_DEFAULT_WORKERS, config.queueHighWorkers],
      redisUrl: config.redisUrl,
    },
    (line) => process.stderr.write(`${line}\n`),
  );
  process.stdout.write(`${renderQueueCeiling(result)}\n`);
}
