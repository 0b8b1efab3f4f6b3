/**
 * Side-by-side throughput in rounds, with each load generator: bare fastify, TerraFix async, TerraFix sync,
 * bare fastify again, all with the same generator, connections and duration. Each TerraFix run is compared
 * with the two bare runs around it, measured by the same generator (under a minute apart at the default
 * settings), and each generator's verdict takes its median round, so a noisy moment on a shared machine moves
 * one round, not the result. The generators differ in what they cost: autocannon shares a core's worth of
 * CPU with the server, wrk needs a tenth of that, so a ratio that holds under both is not an artefact of one.
 */
import type { ChildServer } from './children.js';
import type { BenchConfig } from './config.js';
import {
  type GeneratorName,
  type LoadGenerator,
  loadGenerators,
  type SkippedGenerator,
  type ThroughputRun,
} from './generators.js';
import { readStatus } from './metrics-scrape.js';
import { configure, resetStats, waitDrained } from './terrafix.js';

export type { ThroughputRun } from './generators.js';

/** What the TerraFix server counted for one run: every request a new failure means no dedup hits. */
export interface ServerCount {
  processed: number;
  dedupHits: number;
}

export interface AsyncRun extends ThroughputRun {
  queueLimit: number;
  /** Failures processed while the load ran (background work yields to saturated intake). */
  processedDuringRun: number;
  /** Time after the run until every accepted job had been processed. */
  drainMs: number;
  /** Failures the workers processed from the start of the run to the end of the drain, per second. */
  backgroundProcessedPerSecond: number;
  /** Read after the drain. */
  server: ServerCount;
}

export interface SyncRun extends ThroughputRun {
  /** Read once the requests still in flight when the generator stopped had finished. */
  server: ServerCount;
}

export interface ThroughputRound {
  /** 1-based; round r of every generator ran in the same stretch of time. */
  round: number;
  bareBefore: ThroughputRun;
  async: AsyncRun;
  sync: SyncRun;
  bareAfter: ThroughputRun;
  asyncRatio: number;
  syncRatio: number;
}

export interface GeneratorThroughput {
  generator: GeneratorName;
  setup: string;
  rounds: ThroughputRound[];
  /** Every bare run of this generator, in order (a run between two of its rounds serves both). */
  bare: ThroughputRun[];
  bareMeanRps: number;
  /** Median over rounds of async 2xx/s ÷ mean of the bare runs around it. */
  asyncRatio: number;
  syncRatio: number;
}

export interface ThroughputResults {
  /** The run order, in words. */
  order: string;
  generators: GeneratorThroughput[];
  skipped: SkippedGenerator[];
}

const DRAIN_TIMEOUT_MS = 20 * 60_000;

const ORDER =
  'each round runs bare / async / sync / bare per generator; the generator order alternates by round ' +
  '(A B, B A, A B, ...), so a generator runs twice in a row at each round boundary and one bare run closes ' +
  'its block and opens the next';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

async function serverCount(tfx: ChildServer): Promise<ServerCount> {
  const status = await readStatus(tfx.url);
  return { processed: status.failures.processed, dedupHits: status.dedup.hits };
}

/** Measures `config.rounds` rounds with every available generator; both servers must be up. */
export async function measureThroughput(
  config: BenchConfig,
  bare: ChildServer,
  tfx: ChildServer,
  log: (line: string) => void,
): Promise<ThroughputResults> {
  const { generators, skipped } = loadGenerators(config);
  for (const s of skipped) log(`throughput: ${s.name} skipped: ${s.reason}`);

  // The first pass on a server and path warms its JIT (and, for sync, the parse cache) for the whole
  // warm-up; later passes only open the generator's connections, which a second does. Two generators
  // double the rounds, and this is what keeps the full bench near its old length.
  const warmed = new Set<string>();
  const warm = async (
    g: LoadGenerator,
    server: ChildServer,
    path: string,
    seconds = config.warmupSeconds,
  ) => {
    const key = `${server.pid} ${path}`;
    const length = warmed.has(key) ? Math.min(1, seconds) : seconds;
    warmed.add(key);
    if (length > 0) await g.run(server, path, length);
  };
  const bareRun = async (g: LoadGenerator, round: number) => {
    log(`throughput round ${round}/${config.rounds}, ${g.name}: bare fastify`);
    await warm(g, bare, '/webhook');
    return g.run(bare, '/webhook', config.seconds);
  };
  const terraFixRuns = async (g: LoadGenerator, round: number) => {
    const step = `throughput round ${round}/${config.rounds}, ${g.name}`;
    log(`${step}: TerraFix async (queue_limit ${config.asyncQueueLimit})`);
    // A short async warm-up: everything it queues is processed before the measured run.
    await warm(g, tfx, '/webhook?mode=async', Math.min(1, config.warmupSeconds));
    await waitDrained(tfx, DRAIN_TIMEOUT_MS);
    await resetStats(tfx);
    const asyncStart = performance.now();
    const asyncRun = await g.run(tfx, '/webhook?mode=async', config.seconds);
    const processedDuringRun = (await readStatus(tfx.url)).failures.processed;
    log(`${step}: draining ${asyncRun.ok - processedDuringRun} accepted async jobs`);
    const drainMs = await waitDrained(tfx, DRAIN_TIMEOUT_MS);
    const asyncCount = await serverCount(tfx);
    const backgroundProcessedPerSecond = asyncCount.processed / ((performance.now() - asyncStart) / 1000);

    log(`${step}: TerraFix sync (warm cache)`);
    await resetStats(tfx);
    await warm(g, tfx, '/webhook');
    await waitDrained(tfx, DRAIN_TIMEOUT_MS);
    await resetStats(tfx);
    const syncRun = await g.run(tfx, '/webhook', config.seconds, true);
    await waitDrained(tfx, DRAIN_TIMEOUT_MS);
    const async: AsyncRun = {
      ...asyncRun,
      queueLimit: config.asyncQueueLimit,
      processedDuringRun,
      drainMs,
      backgroundProcessedPerSecond,
      server: asyncCount,
    };
    return { async, sync: { ...syncRun, server: await serverCount(tfx) } };
  };

  await configure(tfx, {
    latency_ms: 0,
    failure_rate: 0,
    parse_cache: true,
    workers: 256,
    queue_limit: config.asyncQueueLimit,
  });
  const results = new Map(
    generators.map((g) => [g.name, { rounds: [] as ThroughputRound[], bare: [] as ThroughputRun[] }]),
  );
  let previous: { generator: GeneratorName; bareAfter: ThroughputRun } | undefined;
  for (let round = 1; round <= config.rounds; round++) {
    // Alternating the order keeps every TerraFix run between two bare runs of its own generator while
    // costing one bare run per block plus one per change of generator, and neither generator always
    // follows the other's drain.
    const order = round % 2 === 1 ? generators : [...generators].reverse();
    for (const g of order) {
      const mine = results.get(g.name);
      if (mine === undefined) throw new Error(`no results for ${g.name}`);
      let bareBefore: ThroughputRun;
      if (previous?.generator === g.name) bareBefore = previous.bareAfter;
      else {
        bareBefore = await bareRun(g, round);
        mine.bare.push(bareBefore);
      }
      const { async, sync } = await terraFixRuns(g, round);
      const bareAfter = await bareRun(g, round);
      mine.bare.push(bareAfter);
      const around = (bareBefore.okPerSecond + bareAfter.okPerSecond) / 2;
      mine.rounds.push({
        round,
        bareBefore,
        async,
        sync,
        bareAfter,
        asyncRatio: async.okPerSecond / around,
        syncRatio: sync.okPerSecond / around,
      });
      previous = { generator: g.name, bareAfter };
    }
  }
  return {
    order: ORDER,
    generators: generators.map((g): GeneratorThroughput => {
      const { rounds, bare: bareRuns } = results.get(g.name) ?? { rounds: [], bare: [] };
      return {
        generator: g.name,
        setup: g.setup,
        rounds,
        bare: bareRuns,
        bareMeanRps: bareRuns.reduce((sum, run) => sum + run.okPerSecond, 0) / bareRuns.length,
        asyncRatio: median(rounds.map((r) => r.asyncRatio)),
        syncRatio: median(rounds.map((r) => r.syncRatio)),
      };
    }),
    skipped,
  };
}
