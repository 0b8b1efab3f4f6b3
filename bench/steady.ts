/** A fixed-rate run of sync webhooks on the medium repository that watches the server's resident memory. */
import { uniqueBodies } from './bodies.js';
import type { ChildServer } from './children.js';
import type { BenchConfig } from './config.js';
import { type LoadResult, runLoad } from './load.js';
import { readCounters, type ServerCounters } from './metrics-scrape.js';
import { configure, resetStats } from './terrafix.js';

export interface RssSample {
  /** Seconds since the measured run started. */
  t: number;
  rssBytes: number;
  heapUsedBytes: number;
}

/** One quarter of the run: the RSS peak, and the heap floor (its lowest sample: just after a GC, near the live heap). */
export interface SteadyQuarter {
  fromS: number;
  toS: number;
  rssMaxBytes: number;
  heapUsedMinBytes: number;
}

export interface SteadyResult {
  seconds: number;
  targetRate: number;
  rateBasis: string;
  load: LoadResult;
  samples: RssSample[];
  rssStartBytes: number;
  rssMidBytes: number;
  rssEndBytes: number;
  rssMaxBytes: number;
  endToStart: number;
  heapUsedStartBytes: number;
  heapUsedMidBytes: number;
  heapUsedEndBytes: number;
  /** Sampled about once a second: heap used between GCs swings with the allocation rate, its floor does not. */
  quarters: SteadyQuarter[];
  /** Failures processed during the run (each leaves a dedup record for STATE_RETENTION_DAYS). */
  processed: number;
  /** Server CPU seconds over the run, per processed failure (ms). */
  cpuMsPerFailure: number;
}

/** Primes a fresh server, then runs `rate` requests/s for config.steadySeconds, sampling RSS throughout. */
export async function measureSteady(
  config: BenchConfig,
  tfx: ChildServer,
  rate: number,
  rateBasis: string,
): Promise<SteadyResult> {
  await configure(tfx, { latency_ms: 0, failure_rate: 0, parse_cache: true, workers: 256 });
  // Priming: parse cache and JIT warm, so "start" is a serving process rather than an idle one.
  await runLoad({
    baseUrl: tfx.url,
    path: '/webhook',
    bodies: uniqueBodies('medium'),
    connections: 8,
    amount: 200,
    timeoutSeconds: 120,
  });
  await resetStats(tfx);
  const seconds = config.steadySeconds;
  const start = await readCounters(tfx.url);
  const sample = (c: ServerCounters): RssSample => ({
    t: (c.at - start.at) / 1000,
    rssBytes: c.rssBytes,
    heapUsedBytes: c.heapUsedBytes,
  });
  const samples: RssSample[] = [sample(start)];
  let midRss = Number.NaN;
  let midHeap = Number.NaN;
  const interval = Math.max(1, seconds / 120);
  const sampling = setInterval(() => {
    readCounters(tfx.url).then(
      (c) => samples.push(sample(c)),
      () => undefined, // a missed sample is not worth failing the run
    );
  }, interval * 1000);
  const midTimer = setTimeout(
    () => {
      readCounters(tfx.url).then(
        (c) => {
          midRss = c.rssBytes;
          midHeap = c.heapUsedBytes;
        },
        () => undefined,
      );
    },
    (seconds * 1000) / 2,
  );
  let load: LoadResult;
  try {
    load = await runLoad({
      baseUrl: tfx.url,
      path: '/webhook',
      bodies: uniqueBodies('medium'),
      connections: config.connections,
      seconds,
      overallRate: rate,
      timeoutSeconds: 60,
    });
  } finally {
    clearInterval(sampling);
    clearTimeout(midTimer);
  }
  const end = await readCounters(tfx.url);
  samples.push(sample(end));
  samples.sort((a, b) => a.t - b.t);
  const processed = end.processed - start.processed;
  const quarters = [0, 1, 2, 3].map((q): SteadyQuarter => {
    const fromS = (seconds * q) / 4;
    const toS = (seconds * (q + 1)) / 4;
    const inside = samples.filter((s) => s.t >= fromS && (q === 3 ? s.t <= toS + 5 : s.t < toS));
    return {
      fromS,
      toS,
      rssMaxBytes: Math.max(...inside.map((s) => s.rssBytes)),
      heapUsedMinBytes: Math.min(...inside.map((s) => s.heapUsedBytes)),
    };
  });
  return {
    quarters,
    seconds,
    targetRate: rate,
    rateBasis,
    load,
    samples,
    rssStartBytes: start.rssBytes,
    rssMidBytes: midRss,
    rssEndBytes: end.rssBytes,
    rssMaxBytes: Math.max(...samples.map((s) => s.rssBytes)),
    endToStart: end.rssBytes / start.rssBytes,
    heapUsedStartBytes: start.heapUsedBytes,
    heapUsedMidBytes: midHeap,
    heapUsedEndBytes: end.heapUsedBytes,
    processed,
    cpuMsPerFailure: processed > 0 ? ((end.cpuSeconds - start.cpuSeconds) * 1000) / processed : Number.NaN,
  };
}
