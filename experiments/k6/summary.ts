/**
 * What the script's handleSummary() keeps of k6's end-of-test data, and the short text summary it prints.
 * @types/k6 0.47 has no type for that data and later k6 versions reshape it (v1.5 opt-in, v2 default), so it is
 * read defensively: anything unexpected is left out, never thrown on. The NDJSON stream stays the source of
 * truth for the RunResult; this file adds k6's own threshold verdicts. Pure (bundled into the script).
 */
import { ACCOUNTING_THRESHOLDS, LOAD_SELECTOR } from './options.js';
import type { K6Threshold } from './spec.js';

export const SUMMARY_FORMAT = 'terrafix-k6-summary/1';

export interface K6ThresholdVerdict {
  /** Metric key as written in options.thresholds, e.g. `http_req_duration{scenario:load}`. */
  metric: string;
  expression: string;
  ok: boolean;
  /** Derived from stopWhen (abortOnFail); a failed one means k6 stopped the run early. */
  stop: boolean;
}

export interface K6RunSummary {
  format: typeof SUMMARY_FORMAT;
  testRunDurationMs: number | null;
  thresholds: K6ThresholdVerdict[];
  /** Numeric values per metric (trend stats in ms, counter count/rate, rate rate/passes/fails, ...). */
  metrics: Record<string, Record<string, number>>;
}

/**
 * Extracts the summary from handleSummary's `data` argument. `stops` are the abort-on-fail rules the script gave
 * k6 (options.ts `stopRules`): profile and stop thresholds share the metric keys, so a verdict is a stop
 * condition when its expression is one of them (k6 keys verdicts by expression; the same expression as a
 * profile threshold is the same judgement).
 */
export function summarize(
  data: unknown,
  stops: Readonly<Record<string, readonly K6Threshold[]>> = {},
): K6RunSummary {
  const summary: K6RunSummary = {
    format: SUMMARY_FORMAT,
    testRunDurationMs: null,
    thresholds: [],
    metrics: {},
  };
  if (!isRecord(data)) return summary;
  const state = data['state'];
  if (isRecord(state) && typeof state['testRunDurationMs'] === 'number')
    summary.testRunDurationMs = state['testRunDurationMs'];
  const metrics = data['metrics'];
  if (!isRecord(metrics)) return summary;
  for (const [metric, entry] of Object.entries(metrics)) {
    if (!isRecord(entry)) continue;
    const values = entry['values'];
    if (isRecord(values)) {
      const numeric: Record<string, number> = {};
      for (const [key, value] of Object.entries(values)) if (typeof value === 'number') numeric[key] = value;
      summary.metrics[metric] = numeric;
    }
    const thresholds = entry['thresholds'];
    if (!isRecord(thresholds)) continue;
    for (const [expression, verdict] of Object.entries(thresholds)) {
      if (!isRecord(verdict) || typeof verdict['ok'] !== 'boolean') continue;
      summary.thresholds.push({
        metric,
        expression,
        ok: verdict['ok'],
        stop: (stops[metric] ?? []).some(
          (rule) => (typeof rule === 'string' ? rule : rule.threshold) === expression,
        ),
      });
    }
  }
  return summary;
}

/** Reads a summary file written by the script; null when missing pieces make it unusable. */
export function parseRunSummary(text: string): K6RunSummary | null {
  try {
    const value: unknown = JSON.parse(text);
    if (!isRecord(value) || value['format'] !== SUMMARY_FORMAT || !Array.isArray(value['thresholds']))
      return null;
    return value as unknown as K6RunSummary;
  } catch {
    return null;
  }
}

/** The stop thresholds k6 found breached, as `metric expression` strings. */
export function stopBreaches(summary: K6RunSummary): string[] {
  return summary.thresholds.filter((t) => t.stop && !t.ok).map((t) => `${t.metric} ${t.expression}`);
}

const fmt = (value: number | undefined, digits = 2): string =>
  value === undefined ? '-' : value.toFixed(digits);

/**
 * A minimal replacement for k6's default end-of-test text (handleSummary suppresses it, and jslib's
 * textSummary would be a remote import: nothing outside loopback is reachable).
 */
export function textSummary(summary: K6RunSummary): string {
  const m = summary.metrics;
  // The load's own submetrics (ACCOUNTING_THRESHOLDS keeps them): setup's /ready probe is not a load request.
  const load = (metric: string): Record<string, number> => ({
    ...m[metric],
    ...m[`${metric}${LOAD_SELECTOR}`],
  });
  const reqs = load('http_reqs');
  const failed = load('http_req_failed');
  const dropped = m['dropped_iterations'] ?? {};
  const duration = load('http_req_duration');
  const lines = [
    '',
    `terrafix k6 run: ${fmt(summary.testRunDurationMs === null ? undefined : summary.testRunDurationMs / 1000, 1)} s`,
    `  requests ${fmt(reqs['count'], 0)} (${fmt(reqs['rate'])}/s), failed ${fmt((failed['rate'] ?? 0) * 100)} %, dropped iterations ${fmt(dropped['count'] ?? 0, 0)}`,
    `  http_req_duration ms: min ${fmt(duration['min'])} med ${fmt(duration['med'])} p95 ${fmt(duration['p(95)'])} p99 ${fmt(duration['p(99)'])} max ${fmt(duration['max'])}`,
  ];
  const judged = summary.thresholds.filter(
    (t) => !(ACCOUNTING_THRESHOLDS[t.metric] ?? []).includes(t.expression),
  );
  if (judged.length > 0) lines.push('  thresholds:');
  for (const t of judged) {
    lines.push(
      `    ${t.ok ? 'ok    ' : 'FAILED'} ${t.metric} ${t.expression}${t.stop ? ' (stop condition)' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
