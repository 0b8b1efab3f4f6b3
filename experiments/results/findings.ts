/**
 * Experiment-specific analyses of one run, named in the profile (`findings`): the knee's maximum sustainable
 * rate, dedup hit rate, injected vs observed faults, recovery time, burst drain time, cascade breaking point,
 * and per-size cost for scalability. Everything is computed from the run's files, so reports can redo it.
 */
import type { FindingKind, RunProfile } from '../profiles/schema.js';
import type { RunResult, TimelinePoint } from './run-result.js';
import { holdWindows, plannedRateAt } from './planned-rate.js';
import type { ScrapeSample } from './scrape-sample.js';
import type { ServerSummary } from './server-summary.js';

export type Findings = Record<string, unknown>;

export interface FindingInput {
  run: RunProfile;
  result: RunResult;
  scrapes: readonly ScrapeSample[];
  server: ServerSummary;
  /** Whether /health answered after the run. */
  healthyAfter: boolean;
}

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.floor((s.length - 1) / 2)] ?? 0);
};
const errorRateOf = (p: TimelinePoint) => (p.requests === 0 ? 0 : p.errors / p.requests);
const droppedRateOf = (p: TimelinePoint) => (p.scheduled === 0 ? 0 : p.dropped / p.scheduled);

function knee({ run, result }: FindingInput): Findings {
  const slo = {
    p99Ms: run.stopWhen?.p99Ms ?? 1000,
    errorRate: run.stopWhen?.errorRate ?? 0.01,
    droppedRate: run.stopWhen?.droppedRate ?? 0.01,
  };
  const levels = holdWindows(run.load).map((w) => {
    // Skip the window's first second: the ramp into the level is still settling there.
    const points = result.timeline.filter((p) => p.t >= w.start + 1 && p.t < w.end);
    const good = points.filter(
      (p) => p.p99 <= slo.p99Ms && errorRateOf(p) <= slo.errorRate && droppedRateOf(p) <= slo.droppedRate,
    );
    const achieved =
      points.length === 0 ? 0 : points.reduce((t, p) => t + p.requests - p.errors, 0) / points.length;
    const sustainable = points.length >= 2 && good.length / points.length >= 0.8 && achieved >= w.rate * 0.95;
    const due = points.reduce((t, p) => t + p.scheduled, 0);
    return {
      rate: w.rate,
      seconds: points.length,
      achievedRate: round(achieved),
      p99Ms: round(median(points.map((p) => p.p99))),
      errorRate: round(points.reduce((t, p) => t + errorRateOf(p), 0) / Math.max(1, points.length), 4),
      // k6 reports overload as dropped iterations (it does not start them late): a level that drops is not sustained.
      droppedRate: due === 0 ? 0 : round(points.reduce((t, p) => t + p.dropped, 0) / due, 4),
      sustainable,
    };
  });
  const sustained = levels.filter((l) => l.sustainable).map((l) => l.rate);
  return { slo, levels, maxSustainableRate: sustained.length === 0 ? null : Math.max(...sustained) };
}

function dedup({ server, run }: FindingInput): Findings {
  return {
    duplicateRatioSent: run.payload.duplicateRatio,
    dedupHits: server.dedupHits,
    dedupHitRate: server.dedupHitRate,
    prsCreated: server.prsCreated,
  };
}

function faults({ server, result }: FindingInput): Findings {
  const client5xx = result.errors.http_5xx;
  const permanent = Object.values(server.injected).reduce((t, k) => t + (k.permanent ?? 0), 0);
  return {
    injected: server.injected,
    injectedTotal: server.injectedTotal,
    retries: server.retries,
    serverFailed: server.failed,
    serverFailedByCode: server.failedByCode,
    clientServerErrors: client5xx,
    successAfterRetriesRate:
      server.processed > 0 ? round((server.successful + server.skipped) / server.processed, 4) : null,
    // Sync webhooks: every failed failure is one 5xx answer, and every permanent fault is one TFX_PERMANENT failure.
    reconciled: client5xx === server.failed && permanent === (server.failedByCode.TFX_PERMANENT ?? 0),
  };
}

function recovery({ run, result }: FindingInput): Findings {
  if (run.phases.length < 2) return { recoverySeconds: null, note: 'needs a fault window (two phases)' };
  const on = run.phases[0]?.at ?? 0;
  const off = run.phases.at(-1)?.at ?? 0;
  const baseline = median(
    result.timeline.filter((p) => p.t >= 1 && p.t < on && p.requests > 0).map((p) => p.p50),
  );
  const target = baseline * 1.5 + 5;
  const after = result.timeline.filter((p) => p.t >= off);
  let recovered: number | null = null;
  for (let i = 0; i + 2 < after.length; i++) {
    if (
      [after[i], after[i + 1], after[i + 2]].every(
        (p) => p !== undefined && p.requests > 0 && p.p50 <= target,
      )
    ) {
      recovered = (after[i]?.t ?? off) - off;
      break;
    }
  }
  const during = result.timeline.filter((p) => p.t >= on && p.t < off);
  return {
    baselineP50Ms: round(baseline),
    faultWindowP50Ms: round(median(during.map((p) => p.p50))),
    faultWindowSeconds: [on, off],
    recoveryTargetP50Ms: round(target),
    recoverySeconds: recovered,
  };
}

function burst({ run, scrapes, server, result }: FindingInput): Findings {
  const spikeEnds: number[] = [];
  if (run.load.executor === 'ramping-arrival-rate') {
    let from = run.load.startRate;
    let t = 0;
    for (const stage of run.load.stages) {
      t += stage.duration;
      if (stage.target < from) spikeEnds.push(t);
      from = stage.target;
    }
  }
  const drains = spikeEnds.map((end) => {
    const drained = scrapes.find((s) => s.t >= end && s.queueDepth === 0);
    return drained === undefined ? null : round(drained.t - end, 1);
  });
  const known = drains.filter((d): d is number => d !== null);
  return {
    peakQueueDepth: server.queueDepthPeak,
    peakActiveWorkers: server.activeWorkersPeak,
    http429: result.statusCounts['429'] ?? 0,
    queueRejections: server.queueRejections,
    spikes: spikeEnds.length,
    drainSeconds: drains,
    maxDrainSeconds: known.length === 0 ? null : Math.max(...known),
  };
}

/** Drop rate that breaks a run when its profile names none (k6 queues nothing: overload shows as drops). */
const DEFAULT_DROPPED_LIMIT = 0.05;

function cascade({ run, result, server, healthyAfter }: FindingInput): Findings {
  const stop = run.stopWhen;
  const droppedLimit = stop?.droppedRate ?? DEFAULT_DROPPED_LIMIT;
  const broken = result.timeline.find(
    (p) =>
      (stop?.errorRate !== undefined && errorRateOf(p) > stop.errorRate) ||
      (stop?.p99Ms !== undefined && p.p99 > stop.p99Ms) ||
      droppedRateOf(p) > droppedLimit,
  );
  const peak = result.timeline.reduce((m, p) => Math.max(m, p.requests), 0);
  return {
    brokeAtSecond: broken?.t ?? null,
    breakingPointRate: broken === undefined ? null : round(plannedRateAt(run.load, broken.t) ?? 0),
    maxAchievedRate: peak,
    droppedLimit,
    stoppedEarly: result.aborted,
    serverStayedUp: healthyAfter,
    peakRssBytes: server.rssPeakBytes,
  };
}

function scalability({ run, server, result }: FindingInput): Findings {
  return {
    repoSize: run.payload.repoSize,
    parseCache: run.mock.parse_cache ?? true,
    p50Ms: result.latency.p50,
    p95Ms: result.latency.p95,
    parseMeanMs: server.stageMeanMs.parse_terraform ?? null,
    validateMeanMs: server.stageMeanMs.validate_fix ?? null,
    cpuMsPerFailure: server.cpuMsPerFailure,
  };
}

const ANALYSES: Record<FindingKind, (input: FindingInput) => Findings> = {
  knee,
  dedup,
  faults,
  recovery,
  burst,
  cascade,
  scalability,
};

/**
 * Every analysis the run's profile names, keyed by kind. Each carries the run's dropped iterations: under k6 an
 * overloaded open model drops iterations instead of queueing them, so a finding without them can look healthy.
 */
export function runFindings(input: FindingInput): Record<string, Findings> {
  const { droppedIterations, iterations } = input.result;
  const due = iterations + droppedIterations;
  const drops = { droppedIterations, droppedRate: due === 0 ? 0 : round(droppedIterations / due, 4) };
  return Object.fromEntries(input.run.findings.map((kind) => [kind, { ...ANALYSES[kind](input), ...drops }]));
}

const BLOCKS: Record<string, number> = { small: 10, medium: 100, large: 1000 };

/** Least-squares slope of CPU ms per failure against resource blocks, reported per 100 blocks, for one cache setting. */
export function scalabilitySlope(
  points: { repoSize: string; cpuMsPerFailure: number | null }[],
): number | null {
  const xy = points.flatMap((p) =>
    p.cpuMsPerFailure === null || BLOCKS[p.repoSize] === undefined
      ? []
      : [[BLOCKS[p.repoSize] ?? 0, p.cpuMsPerFailure] as const],
  );
  if (xy.length < 2) return null;
  const mx = xy.reduce((t, [x]) => t + x, 0) / xy.length;
  const my = xy.reduce((t, [, y]) => t + y, 0) / xy.length;
  const den = xy.reduce((t, [x]) => t + (x - mx) ** 2, 0);
  if (den === 0) return null;
  return round((xy.reduce((t, [x, y]) => t + (x - mx) * (y - my), 0) / den) * 100, 3);
}
