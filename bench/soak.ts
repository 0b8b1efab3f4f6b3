/**
 * The memory soak: async unique failures at a fixed rate (default 1,000/s) for BENCH_SOAK_SECONDS (default 600),
 * watching the server's resident memory. The bound it checks (issue 9): RSS stays under 512 MiB, and at the end
 * it is within 10 % of where it was after the first minute (the first tenth of a shorter run).
 */
import { uniqueBodies } from './bodies.js';
import { type LoadResult, runLoad } from './load.js';
import { readCounters } from './metrics-scrape.js';
import { startTerraFix } from './terrafix.js';

/** The V8 settings the soak runs the server with; the Dockerfile sets the same through NODE_OPTIONS. */
export const SOAK_NODE_ARGS = ['--max-old-space-size=320', '--max-semi-space-size=16'];
export const SOAK_RSS_LIMIT_BYTES = 512 * 1024 * 1024;
export const SOAK_DRIFT_LIMIT = 0.1;

export interface SoakSettings {
  seconds: number;
  rate: number;
  nodeArgs: string[];
  /** Extra server environment (TERRAFIX_* retention settings to compare); none by default. */
  serverEnv?: Record<string, string>;
}

export interface SoakResult {
  seconds: number;
  targetRate: number;
  nodeArgs: string[];
  serverEnv: Record<string, string>;
  load: LoadResult;
  processed: number;
  /** [seconds since start, RSS bytes], about one a second. */
  samples: [number, number][];
  rssStartBytes: number;
  /** At one minute (or a tenth of a shorter run): the reference the end is compared with. */
  rssAtMarkBytes: number;
  markSeconds: number;
  rssPeakBytes: number;
  rssEndBytes: number;
  /** (end − mark) / mark. */
  drift: number;
  passed: boolean;
}

/** Runs the soak on a fresh server; the server is stopped at the end. */
export async function measureSoak(settings: SoakSettings): Promise<SoakResult> {
  const serverEnv = settings.serverEnv ?? {};
  const server = await startTerraFix('soak', settings.nodeArgs, serverEnv);
  try {
    const start = await readCounters(server.url);
    const samples: [number, number][] = [[0, start.rssBytes]];
    const sampling = setInterval(() => {
      readCounters(server.url).then(
        (c) => samples.push([(c.at - start.at) / 1000, c.rssBytes]),
        () => undefined, // a missed sample is not worth failing the run
      );
    }, 1_000);
    let load: LoadResult;
    try {
      load = await runLoad({
        baseUrl: server.url,
        path: '/webhook?mode=async',
        bodies: uniqueBodies('small'),
        connections: 32,
        overallRate: settings.rate,
        seconds: settings.seconds,
        timeoutSeconds: 30,
      });
    } finally {
      clearInterval(sampling);
    }
    const end = await readCounters(server.url);
    samples.push([(end.at - start.at) / 1000, end.rssBytes]);
    const markSeconds = Math.min(60, settings.seconds / 10);
    const atMark = samples.find(([t]) => t >= markSeconds)?.[1] ?? start.rssBytes;
    const peak = Math.max(...samples.map(([, rss]) => rss));
    const drift = (end.rssBytes - atMark) / atMark;
    return {
      seconds: settings.seconds,
      targetRate: settings.rate,
      nodeArgs: settings.nodeArgs,
      serverEnv,
      load,
      processed: end.processed - start.processed,
      samples,
      rssStartBytes: start.rssBytes,
      rssAtMarkBytes: atMark,
      markSeconds,
      rssPeakBytes: peak,
      rssEndBytes: end.rssBytes,
      drift,
      passed: peak < SOAK_RSS_LIMIT_BYTES && Math.abs(drift) <= SOAK_DRIFT_LIMIT,
    };
  } finally {
    await server.stop();
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** The report lines of a soak. */
export function renderSoak(r: SoakResult): string {
  return [
    `Memory soak: async unique failures at ${r.targetRate}/s for ${r.seconds} s (node ${r.nodeArgs.join(' ')}${Object.entries(
      r.serverEnv,
    )
      .map(([k, v]) => ` ${k}=${v}`)
      .join('')})`,
    `  sent ${r.load.responses} (${r.load.okPerSecond.toFixed(0)} accepted/s, ${r.load.non2xx} refused, ${r.load.errors} errors), processed ${r.processed}`,
    `  RSS start ${mib(r.rssStartBytes)}, at ${r.markSeconds.toFixed(0)} s ${mib(r.rssAtMarkBytes)}, peak ${mib(r.rssPeakBytes)}, end ${mib(r.rssEndBytes)} (${(r.drift * 100).toFixed(1)} % from the mark)`,
    `  bound: peak < ${mib(SOAK_RSS_LIMIT_BYTES)} and end within ${SOAK_DRIFT_LIMIT * 100} % of the mark: ${r.passed ? 'PASS' : 'FAIL'}`,
    ...(r.load.okPerSecond < 0.9 * r.targetRate
      ? [
          `  warning: ${r.load.okPerSecond.toFixed(0)} accepted/s is below 90 % of the target rate; the retention caps fill later, so the drift also measures them filling (see docs/benchmarks.md#memory-soak)`,
        ]
      : []),
  ].join('\n');
}
