/**
 * The product guide's JSON view of a prom-client registry (`/metrics` on the service's health port): counters,
 * gauges, and per-stage timings with p50/p95/p99 estimated from the stage histogram's buckets (linear within a
 * bucket, as Prometheus' histogram_quantile does), so the JSON and the Prometheus text come from one registry.
 */
import type client from 'prom-client';

export interface StageTiming {
  count: number;
  mean_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

export interface MetricsJson {
  counters: Record<string, number | Record<string, number>>;
  gauges: Record<string, number>;
  timings: Record<string, StageTiming>;
}

const STAGE_HISTOGRAM = 'terrafix_stage_duration_seconds';

/** One sample as getMetricsAsJSON() gives it (histogram samples also name their series). */
type Value = client.MetricValue<string> & { metricName?: string };

/** Counters and gauges by name (labelled ones as `{label value: n}`), timings by stage. */
export async function metricsJson(registry: client.Registry): Promise<MetricsJson> {
  const out: MetricsJson = { counters: {}, gauges: {}, timings: {} };
  for (const metric of await registry.getMetricsAsJSON()) {
    if (metric.name.startsWith('process_') || metric.name.startsWith('nodejs_')) continue;
    const type = String(metric.type);
    if (type === 'counter' || type === 'gauge') {
      const target = type === 'counter' ? out.counters : out.gauges;
      target[metric.name] = flatten(metric.values);
    } else if (metric.name === STAGE_HISTOGRAM) {
      for (const [stage, values] of byLabel(metric.values, 'stage')) out.timings[stage] = timing(values);
    }
  }
  return out;
}

function flatten(values: Value[]): number | Record<string, number> {
  if (values.length === 1 && Object.keys(values[0]?.labels ?? {}).length === 0) return values[0]?.value ?? 0;
  if (values.length === 0) return 0;
  const out: Record<string, number> = {};
  for (const v of values) out[Object.values(v.labels).join(',') || 'total'] = v.value;
  return out;
}

function byLabel(values: Value[], label: string): Map<string, Value[]> {
  const groups = new Map<string, Value[]>();
  for (const v of values) {
    const key = String(v.labels[label] ?? '');
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  return groups;
}

function timing(values: Value[]): StageTiming {
  const buckets = values
    .filter((v) => v.metricName?.endsWith('_bucket') === true)
    .map((v) => ({ le: v.labels.le === '+Inf' ? Infinity : Number(v.labels.le), count: v.value }))
    .sort((a, b) => a.le - b.le);
  const count = values.find((v) => v.metricName?.endsWith('_count') === true)?.value ?? 0;
  const sum = values.find((v) => v.metricName?.endsWith('_sum') === true)?.value ?? 0;
  const ms = (q: number) => Math.round(quantile(buckets, count, q) * 1e6) / 1e3;
  return {
    count,
    mean_ms: count === 0 ? 0 : Math.round((sum / count) * 1e6) / 1e3,
    p50_ms: ms(0.5),
    p95_ms: ms(0.95),
    p99_ms: ms(0.99),
  };
}

/** Seconds at quantile q of cumulative buckets; 0 with no samples, the last finite bound past it. */
export function quantile(buckets: { le: number; count: number }[], total: number, q: number): number {
  if (total === 0) return 0;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return lower;
      const inBucket = b.count - below;
      return inBucket === 0 ? b.le : lower + ((b.le - lower) * (rank - below)) / inBucket;
    }
    lower = b.le;
    below = b.count;
  }
  return lower;
}
