/**
 * `npm run bench:ab -- <baseline dist>`: this build's API server against another build's (e.g. the commit
 * before a change), with both generators, in interleaved rounds: per round and generator, bare fastify, then
 * async and sync /webhook on both builds (which build goes first alternates by round), then bare again. Each
 * ratio divides by the bare runs of its own round, and the verdict takes the median round, as `npm run bench`
 * does. Make the baseline with `git worktree add /tmp/base <commit> && (cd /tmp/base && npm ci && npm run build)`,
 * or copy a `dist/` built at that commit next to this checkout's node_modules.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { killAllNow, stopAll, type ChildServer } from './children.js';
import { loadBenchConfig } from './config.js';
import { type GeneratorName, loadGenerators, type LoadGenerator } from './generators.js';
import { configure, resetStats, startBareFastify, startTerraFix, waitDrained } from './terrafix.js';
import { median } from './throughput.js';

const baselineDist = process.argv[2] ?? process.env.BENCH_AB_BASELINE;
if (baselineDist === undefined || !existsSync(join(baselineDist, 'src/cli/main.js'))) {
  process.stderr.write(
    'usage: npm run bench:ab -- <dist folder of the baseline build> (src/cli/main.js inside)\n',
  );
  process.exit(2);
}
process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    killAllNow();
    process.exit(130);
  });

const config = loadBenchConfig();
const log = (line: string) => process.stderr.write(`[bench:ab] ${line}\n`);
const DRAIN_MS = 20 * 60_000;
type Build = 'baseline' | 'current';

const bare = await startBareFastify();
const servers: Record<Build, ChildServer> = {
  baseline: await startTerraFix('terrafix-baseline', [], {}, resolve(baselineDist, 'src/cli/main.js')),
  current: await startTerraFix('terrafix-current'),
};
for (const server of Object.values(servers))
  await configure(server, {
    latency_ms: 0,
    failure_rate: 0,
    parse_cache: true,
    workers: 256,
    queue_limit: config.asyncQueueLimit,
  });

const { generators, skipped } = loadGenerators(config);
for (const s of skipped) log(`${s.name} skipped: ${s.reason}`);

interface Measured {
  okPerSecond: number;
  /** The server's CPU time per 2xx answer during the run (µs): less sensitive to a busy machine than rates. */
  cpuUsPerOk: number;
}

/** One measured run on a drained, reset server (after a short warm-up that is drained too). */
async function measure(g: LoadGenerator, server: ChildServer, path: string): Promise<Measured> {
  await g.run(server, path, Math.max(1, Math.min(config.warmupSeconds, 2)));
  await waitDrained(server, DRAIN_MS);
  await resetStats(server);
  const run = await g.run(server, path, config.seconds);
  await waitDrained(server, DRAIN_MS);
  return { okPerSecond: run.okPerSecond, cpuUsPerOk: (run.cpu.serverCores / run.okPerSecond) * 1e6 };
}

type PerPath = { async: number; sync: number };
interface Round {
  bare: number;
  ratio: Record<Build, PerPath>;
  cpuUs: Record<Build, PerPath>;
}
const rounds = new Map<GeneratorName, Round[]>(generators.map((g) => [g.name, []]));
for (let round = 1; round <= config.rounds; round++) {
  const order: Build[] = round % 2 === 1 ? ['baseline', 'current'] : ['current', 'baseline'];
  for (const g of round % 2 === 1 ? generators : [...generators].reverse()) {
    log(`round ${round}/${config.rounds}, ${g.name}: ${order.join(' then ')}`);
    await g.run(bare, '/webhook', 1);
    const before = (await g.run(bare, '/webhook', config.seconds)).okPerSecond;
    const rps: Partial<Record<Build, { async: Measured; sync: Measured }>> = {};
    for (const build of order) {
      const server = servers[build];
      rps[build] = {
        async: await measure(g, server, '/webhook?mode=async'),
        sync: await measure(g, server, '/webhook'),
      };
    }
    const after = (await g.run(bare, '/webhook', config.seconds)).okPerSecond;
    const around = (before + after) / 2;
    const ratio = (build: Build) => ({
      async: (rps[build]?.async.okPerSecond ?? 0) / around,
      sync: (rps[build]?.sync.okPerSecond ?? 0) / around,
    });
    const cpuUs = (build: Build) => ({
      async: rps[build]?.async.cpuUsPerOk ?? 0,
      sync: rps[build]?.sync.cpuUsPerOk ?? 0,
    });
    rounds.get(g.name)?.push({
      bare: around,
      ratio: { baseline: ratio('baseline'), current: ratio('current') },
      cpuUs: { baseline: cpuUs('baseline'), current: cpuUs('current') },
    });
  }
}
await stopAll();

const fmt = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
const lines = [
  `A/B of builds: baseline ${baselineDist} vs this build, ${config.rounds} rounds of ${config.seconds} s`,
];
for (const [generator, list] of rounds) {
  for (const path of ['async', 'sync'] as const) {
    for (const build of ['baseline', 'current'] as const) {
      const values = list.map((r) => r.ratio[build][path]);
      lines.push(
        `${generator.padEnd(10)} ${path.padEnd(5)} ${build.padEnd(8)} / bare: median ${median(values).toFixed(3)}  rounds ${fmt(values)}`,
      );
    }
    for (const build of ['baseline', 'current'] as const) {
      const values = list.map((r) => r.cpuUs[build][path]);
      lines.push(
        `${generator.padEnd(10)} ${path.padEnd(5)} ${build.padEnd(8)} server CPU µs per 2xx: median ${median(values).toFixed(1)}  rounds ${values.map((v) => v.toFixed(1)).join(' ')}`,
      );
    }
    const delta = list.map((r) => r.ratio.current[path] / r.ratio.baseline[path]);
    lines.push(
      `${generator.padEnd(10)} ${path.padEnd(5)} current / baseline: median ${median(delta).toFixed(3)}  rounds ${fmt(delta)}`,
    );
  }
  lines.push(
    `${generator.padEnd(10)} bare fastify 2xx/s per round: ${list.map((r) => Math.round(r.bare)).join(' ')}`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
