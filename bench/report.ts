/** The benchmark's results as a readable text report (stdout) and as JSON (.bench/results.json). */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CpuPerFailure } from './cpu-per-failure.js';
import type { IntakeCeiling } from './intake-ceiling.js';
import type { LoadResult } from './load.js';
import type { ParseTiming } from './parse-timing.js';
import { type PromptTokens, renderPromptTokens } from './prompt-tokens.js';
import { type QueueCeiling, renderQueueCeiling } from './queue-ceiling.js';
import { type RealPathRow, renderRealPath } from './real-path.js';
import { renderReplicas, type ReplicaScaling } from './replicas.js';
import { renderSoak, type SoakResult } from './soak.js';
import type { SteadyResult } from './steady.js';
import type { GeneratorThroughput, ThroughputResults, ThroughputRound, ThroughputRun } from './throughput.js';

import type { EngineComparison } from './engine-vs-autocannon.js';
import { type K6ScriptRatio, renderK6Ratio } from './k6-script-ratio.js';
import type { ReportBuildTiming } from './report-build.js';
import type { LiveHeap } from './live-heap.js';
import type { GeneratorName } from './generators.js';
import { STAGES, TOTAL_STAGE } from '../src/pipeline/stages.js';

/** TERRAFIX_MEMORY_STATE_MAX of the steady run's server: small enough that retention saturates within the run. */
export const STEADY_STATE_MAX = 50_000;

export const TARGETS = { asyncRatio: 0.6, syncRatio: 0.1 } as const;

export const NOTE =
  'Absolute numbers depend on this machine (and on what else runs on it); only ratios measured side by side ' +
  'in the same run are meaningful. The load generators share the machine with the servers.';

export interface BenchResults {
  generatedAt: string;
  note: string;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    platform: string;
    loadavgAtStart: number[];
    loadavgAtEnd?: number[];
  };
  settings: Record<string, unknown>;
  parse?: ParseTiming[];
  throughput?: ThroughputResults;
  /** Per load generator: its median ratios against the targets, or why it was skipped. */
  targets?: Partial<Record<GeneratorName, GeneratorTargets | { skipped: string }>>;
  intakeCeiling?: IntakeCeiling;
  cpuPerFailure?: CpuPerFailure[];
  steady?: SteadyResult;
  soak?: SoakResult;
  engine?: EngineComparison;
  /** terrafix.js vs a trivial k6 script (skipped, and saying so, without k6 on PATH). */
  k6Script?: K6ScriptRatio;
  liveHeap?: LiveHeap;
  reportBuild?: ReportBuildTiming;
  /** Bedrock prompt tokens by synthetic repository size (no network). */
  promptTokens?: PromptTokens[];
  /** Real mode against zero-latency fakes. */
  realPath?: RealPathRow[];
  /** No-op jobs/s through BullMQ on Redis and through the in-memory queue. */
  queueCeiling?: QueueCeiling;
  /** `terrafix serve` end to end, one replica vs two, against zero-latency fakes. */
  replicas?: ReplicaScaling;
  durationSeconds?: number;
  error?: string;
}

export interface RatioVerdict {
  ratio: number;
  target: number;
  verdict: 'PASS' | 'BELOW';
}

export interface GeneratorTargets {
  async: RatioVerdict;
  sync: RatioVerdict;
}

/** PASS when `ratio` meets `target`. */
export function verdict(ratio: number, target: number): 'PASS' | 'BELOW' {
  return ratio >= target ? 'PASS' : 'BELOW';
}

/** Each generator's median ratios held against TARGETS; skipped generators keep their reason. */
export function targetsOf(t: ThroughputResults): NonNullable<BenchResults['targets']> {
  const judged = (ratio: number, target: number): RatioVerdict => ({
    ratio,
    target,
    verdict: verdict(ratio, target),
  });
  return Object.fromEntries([
    ...t.generators.map((g) => [
      g.generator,
      { async: judged(g.asyncRatio, TARGETS.asyncRatio), sync: judged(g.syncRatio, TARGETS.syncRatio) },
    ]),
    ...t.skipped.map((s) => [s.name, { skipped: s.reason }]),
  ]) as NonNullable<BenchResults['targets']>;
}

const f = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
const mib = (bytes: number) => `${f(bytes / 2 ** 20, 1)} MiB`;

/** Columns padded to their widest cell; numbers right-aligned. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function codes(run: LoadResult): string {
  const entries = Object.entries(run.statusCodes).filter(([code]) => !code.startsWith('2'));
  const extra = [...entries.map(([c, n]) => `${c}:${n}`)];
  if (run.errors > 0) extra.push(`errors:${run.errors}`);
  if (run.timeouts > 0) extra.push(`timeouts:${run.timeouts}`);
  return extra.length === 0 ? '-' : extra.join(' ');
}

function throughputRows(g: GeneratorThroughput, ceiling: IntakeCeiling | undefined): string[][] {
  const row = (name: string, run: ThroughputRun, ratio?: number) => [
    name,
    f(run.okPerSecond),
    ratio === undefined ? '' : f(ratio, 3),
    f(run.ok),
    codes(run),
    f(run.latencyMs.p50, 1),
    f(run.latencyMs.p99, 1),
    f(run.cpu.serverCores, 2),
    f(run.cpu.loadgenCores, 2),
  ];
  const bareRow = (run: ThroughputRun) => row(`bare fastify #${g.bare.indexOf(run) + 1}`, run);
  const rows: string[][] = [];
  g.rounds.forEach((r, i) => {
    // A bare run between two rounds of this generator closes one and opens the next: listed once.
    if (i === 0 || r.bareBefore !== g.rounds[i - 1]?.bareAfter) rows.push(bareRow(r.bareBefore));
    rows.push(row(`TerraFix async, round ${r.round}`, r.async, r.asyncRatio));
    rows.push(row(`TerraFix sync (small, warm), round ${r.round}`, r.sync, r.syncRatio));
    rows.push(bareRow(r.bareAfter));
  });
  if (ceiling !== undefined && g.generator === 'autocannon')
    rows.push(row('diagnostic: async intake only', ceiling, ceiling.okPerSecond / g.bareMeanRps));
  return rows;
}

function generatorSection(g: GeneratorThroughput, ceiling: IntakeCeiling | undefined): string {
  const bareRps = g.bare.map((b) => b.okPerSecond);
  const sum = (pick: (r: ThroughputRound) => number) => g.rounds.reduce((t, r) => t + pick(r), 0);
  const stages = Object.entries(g.rounds[0]?.sync.stageMeansMs ?? {})
    .map(([stage, ms]) => `${stage} ${f(ms, 2)}`)
    .join(', ');
  return [
    `${g.generator}: ${g.setup}`,
    table(
      ['run', '2xx/s', 'ratio', '2xx', 'non-2xx', 'p50 ms', 'p99 ms', 'server cores', 'loadgen cores'],
      throughputRows(g, ceiling),
    ),
    `bare fastify: mean ${f(g.bareMeanRps)} 2xx/s, min ${f(Math.min(...bareRps))}, max ${f(Math.max(...bareRps))} ` +
      `(spread ${f((100 * (Math.max(...bareRps) - Math.min(...bareRps))) / g.bareMeanRps, 1)}% of the mean: the machine's noise)`,
    ...g.rounds.map(
      (r) =>
        `async round ${r.round}: ${f(r.async.ok)} accepted, ${f(r.async.processedDuringRun)} processed during the run ` +
        `(background work yields to saturated intake), the rest drained in ${f(r.async.drainMs / 1000, 1)} s; ` +
        `${f(r.async.backgroundProcessedPerSecond)} failures/s over run + drain; ${f(r.async.non2xx)} non-2xx`,
    ),
    `server's count: async ${f(sum((r) => r.async.server.processed))} processed of ${f(sum((r) => r.async.ok))} ` +
      `accepted, sync ${f(sum((r) => r.sync.server.processed))} processed for ${f(sum((r) => r.sync.ok))} 2xx ` +
      '(the requests in flight when a generator stops, up to one per connection, are processed but not ' +
      'counted), dedup hits ' +
      `${f(sum((r) => r.async.server.dedupHits + r.sync.server.dedupHits))} (0: every request was a new failure)`,
    ...(stages === '' ? [] : [`sync stage means, round 1 (ms, from timings_ms): ${stages}`]),
    ...(ceiling === undefined || g.generator !== 'autocannon'
      ? []
      : [
          `diagnostic: async intake with processing parked (${ceiling.setup}, throwaway server, ratio to the bare mean)`,
        ]),
  ].join('\n');
}

function throughputSection(
  t: ThroughputResults,
  targets: NonNullable<BenchResults['targets']>,
  ceiling: IntakeCeiling | undefined,
): string {
  const connections = t.generators[0]?.bare[0]?.connections ?? 0;
  const verdictRows: string[][] = [];
  for (const kind of ['async', 'sync'] as const) {
    for (const g of t.generators) {
      const v = targets[g.generator];
      if (v === undefined || 'skipped' in v) continue;
      verdictRows.push([
        `${kind} / bare`,
        g.generator,
        f(v[kind].ratio, 3),
        g.rounds.map((r) => f(kind === 'async' ? r.asyncRatio : r.syncRatio, 2)).join(' '),
        f(g.bareMeanRps),
        `>= ${v[kind].target}`,
        v[kind].verdict,
      ]);
    }
  }
  return [
    `Throughput (${connections} keep-alive connections, POST /webhook, 2xx/s; ratio = 2xx/s ÷ mean of the bare runs ` +
      'before and after, measured by the same generator)',
    `order: ${t.order}; async: queue_limit ${f(t.generators[0]?.rounds[0]?.async.queueLimit ?? 0)}, 429 = queue full, counted apart`,
    ...t.skipped.map((s) => `${s.name}: SKIPPED (${s.reason})`),
    ...t.generators.map((g) => `\n${generatorSection(g, ceiling)}`),
    '',
    table(
      [
        'ratio to bare fastify (median of rounds)',
        'generator',
        'value',
        'rounds',
        'bare 2xx/s',
        'target',
        'verdict',
      ],
      [...verdictRows, ...t.skipped.map((s) => ['async, sync / bare', s.name, '', '', '', '', 'SKIPPED'])],
    ),
  ].join('\n');
}

function parseSection(parse: ParseTiming[]): string {
  return [
    'HCL parse of a whole repository (in process, createHclParser with 2 workers; median of 3)',
    table(
      ['size', 'files', 'KiB', 'resources', 'cold ms', 'cached ms', 'cold/cached'],
      parse.map((p) => [
        p.size,
        f(p.files),
        f(p.bytes / 1024, 1),
        f(p.resourceBlocks),
        f(p.coldMedianMs, 1),
        f(p.cachedMedianMs, 2),
        f(p.coldMedianMs / p.cachedMedianMs, 0),
      ]),
    ),
  ].join('\n');
}

// The pipeline's stages and its total, as timings_ms names them.
const TIMED_STAGES = [...STAGES, TOTAL_STAGE];

function cpuSection(cpu: CpuPerFailure[]): string {
  return [
    'Server CPU per processed failure (sync /webhook; process_cpu_seconds_total / failures_processed_total deltas)',
    table(
      [
        'size',
        'cache',
        'requests',
        'processed',
        'CPU ms/failure',
        'server cores',
        '2xx/s',
        'non-2xx',
        'p50 ms',
        'parses/failure',
      ],
      cpu.map((c) => [
        c.size,
        c.cache,
        f(c.requested),
        f(c.processed),
        f(c.cpuMsPerFailure, 2),
        f(c.serverCores, 2),
        f(c.load.okPerSecond, 1),
        codes(c.load),
        f(c.load.latencyMs.p50, 1),
        f(c.parsesPerFailure, 2),
      ]),
    ),
    '',
    'Stage means of those runs (ms wall time per failure, from timings_ms; stages overlap other requests)',
    table(
      ['size', 'cache', ...TIMED_STAGES],
      cpu.map((c) => [
        c.size,
        c.cache,
        ...TIMED_STAGES.map((stage) => f(c.load.stageMeansMs?.[stage] ?? Number.NaN, 3)),
      ]),
    ),
  ].join('\n');
}

function steadySection(s: SteadyResult): string {
  return [
    `Steady run: ${f(s.seconds)} s of sync /webhook on the medium repository at ${f(s.targetRate)} req/s (${s.rateBasis})`,
    `achieved ${f(s.load.okPerSecond, 1)} 2xx/s, non-2xx ${codes(s.load)}, p50 ${f(s.load.latencyMs.p50, 1)} ms, ` +
      `p99 ${f(s.load.latencyMs.p99, 1)} ms, ${f(s.cpuMsPerFailure, 2)} CPU ms/failure ` +
      "(autocannon sends each second's quota at the start of the second, so p99 includes that burst)",
    table(
      ['server memory', 'start', 'middle', 'end', 'max', 'end/start', 'end/middle'],
      [
        [
          'RSS',
          mib(s.rssStartBytes),
          mib(s.rssMidBytes),
          mib(s.rssEndBytes),
          mib(s.rssMaxBytes),
          f(s.endToStart, 3),
          f(s.rssEndBytes / s.rssMidBytes, 3),
        ],
        [
          'JS heap used',
          mib(s.heapUsedStartBytes),
          mib(s.heapUsedMidBytes),
          mib(s.heapUsedEndBytes),
          '',
          f(s.heapUsedEndBytes / s.heapUsedStartBytes, 3),
          f(s.heapUsedEndBytes / s.heapUsedMidBytes, 3),
        ],
      ],
    ),
    table(
      ['quarter of the run', 'RSS peak', 'heap floor'],
      s.quarters.map((q) => [`${f(q.fromS)}-${f(q.toS)} s`, mib(q.rssMaxBytes), mib(q.heapUsedMinBytes)]),
    ),
    `last quarter / third quarter: RSS peak ${f(
      (s.quarters[3]?.rssMaxBytes ?? Number.NaN) / (s.quarters[2]?.rssMaxBytes ?? Number.NaN),
      3,
    )}, heap floor ${f(
      (s.quarters[3]?.heapUsedMinBytes ?? Number.NaN) / (s.quarters[2]?.heapUsedMinBytes ?? Number.NaN),
      3,
    )} (flat when close to 1, once the caps below are reached). RSS follows V8's committed heap, which ` +
      'fills with garbage between full GCs at high rates and shrinks after them; the heap floor, sampled about ' +
      'once a second (its lowest points come just after a GC), is the leak check, with the live heap below',
    `${f(s.processed)} failures processed; RSS grew ${f((s.rssEndBytes - s.rssStartBytes) / s.processed, 0)} bytes ` +
      `per failure over the whole run. Each processed failure keeps a dedup record and a simulated-GitHub branch ` +
      `entry, both capped at TERRAFIX_MEMORY_STATE_MAX (${STEADY_STATE_MAX} in this run, reached after ` +
      `${f(STEADY_STATE_MAX / Math.max(1, s.targetRate), 0)} s): memory grows until the caps, then stays flat ` +
      '(compare middle and end); start is an empty server.',
  ].join('\n');
}

/** The whole report as text. */
export function renderReport(r: BenchResults): string {
  const parts = [
    `TerraFix benchmark — ${r.generatedAt}`,
    `machine: ${r.machine.cpus} x ${r.machine.cpuModel}, node ${r.machine.node}, load average at start ${r.machine.loadavgAtStart
      .map((l) => f(l, 2))
      .join(' ')}${
      r.machine.loadavgAtEnd === undefined
        ? ''
        : `, at end ${r.machine.loadavgAtEnd.map((l) => f(l, 2)).join(' ')}`
    } (other work on the machine shows here)`,
    `settings: ${Object.entries(r.settings)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(', ')}`,
    `NOTE: ${r.note}`,
  ];
  if (r.throughput !== undefined && r.targets !== undefined)
    parts.push(throughputSection(r.throughput, r.targets, r.intakeCeiling));
  if (r.cpuPerFailure !== undefined) parts.push(cpuSection(r.cpuPerFailure));
  if (r.parse !== undefined) parts.push(parseSection(r.parse));
  if (r.steady !== undefined) parts.push(steadySection(r.steady));
  if (r.soak !== undefined) parts.push(renderSoak(r.soak));
  if (r.liveHeap !== undefined) {
    const h = r.liveHeap;
    parts.push(
      [
        `Live heap after a forced GC (in process, TERRAFIX_MEMORY_STATE_MAX=${h.stateCap}; retention saturates at about ${2 * h.stateCap} failures)`,
        h.points.map((p) => `${f(p.processed)}: ${mib(p.liveHeapBytes)}`).join(' | '),
        `end / plateau = ${f(h.endOverPlateau, 3)} (flat when close to 1: no leak per failure)`,
      ].join('\n'),
    );
  }
  if (r.engine !== undefined) {
    const e = r.engine;
    parts.push(
      [
        `Load engine ceiling (${e.connections} connections, ${e.seconds} s each, POST to a trivial server in its own process)`,
        `autocannon ${e.autocannonRps.map((v) => f(v, 0)).join(' / ')} req/s, built-in engine ${f(e.engineRps, 0)} req/s (${e.engineErrors} errors)`,
        `engine / autocannon mean = ${f(e.ratio, 3)} (target >= 1: ${e.ratio >= 1 ? 'PASS' : 'BELOW'})`,
      ].join('\n'),
    );
  }
  if (r.k6Script !== undefined) parts.push(renderK6Ratio(r.k6Script).trimEnd());
  if (r.reportBuild !== undefined) {
    const b = r.reportBuild;
    parts.push(
      `Report build for an all run (${b.runs} runs at duration scale ${b.durationScale}, ${b.charts} charts): median ${f(b.medianMs, 0)} ms (${b.ms.join(', ')} ms)`,
    );
  }
  if (r.promptTokens !== undefined)
    parts.push(
      `Bedrock prompt tokens by repository size (flat is the goal)\n${renderPromptTokens(r.promptTokens)}`,
    );
  if (r.realPath !== undefined) parts.push(renderRealPath(r.realPath));
  if (r.queueCeiling !== undefined) parts.push(renderQueueCeiling(r.queueCeiling));
  if (r.replicas !== undefined) parts.push(renderReplicas(r.replicas));
  if (r.error !== undefined) parts.push(`ERROR: ${r.error}`);
  if (r.durationSeconds !== undefined) parts.push(`benchmark took ${f(r.durationSeconds)} s`);
  return parts.join('\n\n');
}

/** Writes the JSON results, creating the folder. */
export async function writeResults(path: string, r: BenchResults): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(r, null, 2)}\n`);
}
