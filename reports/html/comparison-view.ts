/** The baseline-comparison section of experiment_summary.html. */
import type { Comparison, ComparedMetric, MetricDelta } from '../compare.js';
import { fmtMs, fmtPct, fmtRate, fmtRelative, trim } from '../format.js';

const LABELS: Record<ComparedMetric, string> = {
  p50Ms: 'p50',
  p95Ms: 'p95',
  p99Ms: 'p99',
  achievedRate: 'achieved rate',
  errorRate: 'error rate',
  droppedRate: 'dropped rate',
};

function value(metric: ComparedMetric, v: number | null): string {
  if (metric.endsWith('Ms')) return fmtMs(v);
  if (metric === 'achievedRate') return fmtRate(v);
  return fmtPct(v);
}

function change(d: MetricDelta): string {
  if (d.delta === null) return '–';
  if (d.metric === 'errorRate' || d.metric === 'droppedRate') {
    const points = d.delta * 100;
    return `${points > 0 ? '+' : points < 0 ? '−' : ''}${trim(Math.abs(points), 2)} pt`;
  }
  return d.relative === null ? (d.delta === 0 ? '0 %' : 'from 0') : fmtRelative(d.relative);
}

/** Table rows and lists of the comparison, formatted. */
export function comparisonView(c: Comparison) {
  return {
    source: c.baselineSource,
    tolerances: `p95 +${fmtPct(c.tolerances.p95, 1)}, achieved rate −${fmtPct(c.tolerances.achievedRate, 1)}, error rate +${trim(c.tolerances.errorRate * 100, 2)} percentage points`,
    headers: Object.values(LABELS),
    rows: c.runs.map((r) => ({
      run: `${r.experiment}/${r.run}`,
      cls: r.regressed ? 'fail' : 'pass',
      verdict: r.regressed ? 'regressed' : 'ok',
      cells: r.metrics.map((m) => ({
        text: `${value(m.metric, m.baseline)} → ${value(m.metric, m.current)}`,
        change: change(m),
        cls: m.regressed ? 'fail' : '',
        gated: m.gated,
      })),
      reasons: r.reasons,
    })),
    missingInBaseline: c.missingInBaseline,
    missingInCurrent: c.missingInCurrent,
    notComparable: c.notComparable,
    warnings: c.warnings,
    regressed: c.regressed,
  };
}
