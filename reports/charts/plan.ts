/** Which charts the input supports, and why the others are skipped. */
import type { Comparison } from '../compare.js';
import type { ReportData, RunData } from '../../experiments/results/rebuild-summary.js';
import { baselineChart } from './baseline-chart.js';
import { distributionChart } from './distribution-chart.js';
import { kneeChart, kneeLevelsChart, scalabilityChart, scalabilityPoints } from './experiment-charts.js';
import { heatmapChart } from './heatmap-chart.js';
import type { ChartSpec, SkippedChart } from './render.js';
import {
  intendedAchievedChart,
  runComparisonChart,
  stageBreakdownChart,
  successFailureChart,
} from './run-charts.js';
import { latencyOverTimeChart, queueDepthChart, throughputChart } from './timeline-charts.js';

type Measured = RunData & { result: NonNullable<RunData['result']> };

export interface ChartPlan {
  specs: ChartSpec[];
  skipped: SkippedChart[];
}

/** Every chart the data can draw, in reading order: across runs, baseline, then per experiment and run. */
export function planCharts(data: ReportData, comparison?: Comparison): ChartPlan {
  const specs: ChartSpec[] = [];
  const skipped: SkippedChart[] = [];
  const add = (spec: ChartSpec | undefined, title: string, reason: string) =>
    spec === undefined ? skipped.push({ title, reason }) : specs.push(spec);
  const measured = data.runs.filter(
    (r): r is Measured => r.result !== undefined && r.summary.status !== 'error',
  );
  if (measured.length === 0) {
    skipped.push({ title: 'All charts', reason: 'no run produced a result' });
    return { specs, skipped };
  }
  const summaries = measured.map((r) => r.summary);
  specs.push(runComparisonChart(summaries), successFailureChart(summaries));
  const open = summaries.filter((r) => r.intendedRate !== null);
  add(
    open.length > 0 ? intendedAchievedChart(summaries) : undefined,
    'Intended vs achieved rate per run',
    'no open-model (arrival-rate) run: closed-model runs have no intended rate',
  );
  add(
    summaries.some((r) => r.server !== null && r.server.scrapes > 0)
      ? stageBreakdownChart(summaries)
      : undefined,
    'Server time per pipeline stage',
    'no run has server metrics (no /metrics scrape)',
  );
  if (comparison === undefined)
    skipped.push({ title: 'Baseline vs current', reason: 'no baseline given (--baseline)' });
  else
    add(
      baselineChart(comparison),
      'Baseline vs current',
      'no run is present in both the baseline and the current results',
    );

  const points = scalabilityPoints(summaries);
  if (points.length === 0)
    skipped.push({ title: 'Latency and CPU vs repository size', reason: 'no scalability run in the input' });
  const kneeRuns = measured.filter(
    (r) => r.summary.findings.knee !== undefined || r.summary.findings.cascade !== undefined,
  );
  if (kneeRuns.length === 0)
    skipped.push({ title: 'Offered vs achieved rate (knee)', reason: 'no knee or cascade run in the input' });

  for (const exp of data.summary.experiments) {
    const runs = measured.filter((r) => r.experiment === exp.name);
    if (runs.length === 0) {
      skipped.push({ title: `Charts of ${exp.name}`, reason: 'none of its runs produced a result' });
      continue;
    }
    add(
      runs.some((r) => r.result.timeline.length > 0) ? throughputChart(exp.name, runs) : undefined,
      `Throughput over time — ${exp.name}`,
      'its runs recorded no timeline',
    );
    add(
      runs.some((r) => r.scrapes.length > 0) ? queueDepthChart(exp.name, runs) : undefined,
      `Queue depth over time — ${exp.name}`,
      'no /metrics scrape was recorded',
    );
    const expPoints = scalabilityPoints(runs.map((r) => r.summary));
    if (expPoints.length > 0) specs.push(scalabilityChart(expPoints, exp.name, exp.findings));
    for (const run of runs.filter((r) => kneeRuns.includes(r))) {
      specs.push(kneeChart(run));
      if (run.summary.findings.knee !== undefined)
        add(
          kneeLevelsChart(run.summary),
          `Knee levels — ${run.summary.name}`,
          'no rate level was held long enough to judge (run too short, or stopped before its first hold)',
        );
    }
    for (const run of runs) {
      const name = run.summary.name;
      if (run.result.timeline.length === 0) {
        skipped.push({ title: `Per-second charts of ${name}`, reason: 'the run recorded no timeline' });
      } else {
        specs.push(latencyOverTimeChart(run));
        add(heatmapChart(run), `Latency heatmap — ${name}`, 'the run recorded no timeline');
      }
      add(distributionChart(run), `Latency distribution — ${name}`, 'its histogram recorded no request');
    }
  }
  return { specs, skipped };
}
