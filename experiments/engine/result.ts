/** Assembles the RunResult from what the recorder counted. */
import type { RunResult, TimelinePoint } from '../results/run-result.js';
import { encodeHistogram, summarize } from './latency.js';
import type { Recorder } from './recorder.js';

/** Engine name and version written into every result (the version changes when measurement semantics do). */
export const ENGINE_VERSION = `builtin-1 (undici 7, node ${process.versions.node})`;

export interface ResultParts {
  recorder: Recorder;
  timeline: TimelinePoint[];
  startedAt: Date;
  endedAt: Date;
  durationSeconds: number;
  intendedRate: number | null;
  aborted: string | null;
}

/** The RunResult of a finished run. */
export function buildRunResult(p: ResultParts): RunResult {
  const r = p.recorder;
  const statusCounts: Record<string, number> = {};
  r.statusCounts.forEach((count, status) => {
    if (count > 0) statusCounts[String(status)] = count;
  });
  return {
    engine: 'builtin',
    engineVersion: ENGINE_VERSION,
    startedAt: p.startedAt.toISOString(),
    endedAt: p.endedAt.toISOString(),
    durationSeconds: round3(p.durationSeconds),
    requests: r.completed,
    iterations: r.completed,
    items: r.items,
    statusCounts,
    errors: { ...r.errors },
    intendedRate: p.intendedRate === null ? null : round3(p.intendedRate),
    achievedRate: p.durationSeconds > 0 ? round3(r.completed / p.durationSeconds) : 0,
    droppedIterations: r.droppedTotal,
    latency: summarize(r.whole),
    histogram: encodeHistogram(r.whole),
    timeline: p.timeline,
    aborted: p.aborted,
  };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
