/** The view model of experiment_summary.html: every number formatted here, so the template has no logic. */
import { STAGES, TOTAL_STAGE } from '../../experiments/results/vocabulary.js';
import type { RenderedChart } from '../charts/render-all.js';
import type { Comparison } from '../compare.js';
import { fmtBytes, fmtCount, fmtMs, fmtPct, fmtRate } from '../format.js';
import { experimentSentences, runSentences } from '../narrative.js';
import type { RunSummary, Summary } from '../../experiments/results/summary-schema.js';
import { comparisonView } from './comparison-view.js';

export interface EmbeddedImage {
  title: string;
  analysis: string;
  src: string;
}

/** A PNG as a data: URI, so the HTML stays one self-contained file. */
export function dataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

const STAGE_COLUMNS = [...STAGES, TOTAL_STAGE];

function thresholdsOf(run: RunSummary) {
  return run.thresholds.map((t) => ({
    text: `${t.metric} ${t.op} ${t.value}: ${Math.round(t.actual * 1000) / 1000}`,
    cls: t.passed ? 'pass' : 'fail',
    mark: t.passed ? '✓' : '✗',
  }));
}

function loadRow(run: RunSummary) {
  const l = run.latencyMs;
  return {
    name: run.name,
    status: run.status,
    statusCls: run.status === 'error' ? 'fail' : run.status === 'stopped' ? 'warn' : 'pass',
    error: run.status === 'error' ? `${run.errorCode ?? ''} ${run.error ?? ''}`.trim() : undefined,
    requests: fmtCount(run.requests),
    achieved: fmtRate(run.achievedRate),
    intended: run.intendedRate === null ? 'closed model' : fmtRate(run.intendedRate),
    dropped:
      run.droppedIterations === 0 ? '0' : `${fmtCount(run.droppedIterations)} (${fmtPct(run.droppedRate)})`,
    errorRate: fmtPct(run.errorRate),
    errorCls: run.errorRate > 0.01 ? 'fail' : run.errorRate > 0 ? 'warn' : '',
    p50: fmtMs(l?.p50),
    p95: fmtMs(l?.p95),
    p99: fmtMs(l?.p99),
    p999: fmtMs(l?.p999),
    max: fmtMs(l?.max),
    thresholds: thresholdsOf(run),
  };
}

function serverRow(run: RunSummary) {
  const s = run.server;
  if (s === null) return { name: run.name, missing: true, stages: [] };
  const clientErrors = Object.values(run.errorsByKind).reduce((t, n) => t + n, 0);
  const injected = Object.entries(s.injected)
    .map(
      ([stage, kinds]) =>
        `${stage}: ${Object.entries(kinds)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`,
    )
    .join('; ');
  return {
    name: run.name,
    missing: false,
    processed: fmtCount(s.processed),
    stages: STAGE_COLUMNS.map((stage) => fmtMs(s.stageMeanMs[stage])),
    queuePeak: fmtCount(s.queueDepthPeak),
    workersPeak: fmtCount(s.activeWorkersPeak),
    dedup: s.dedupHitRate === null ? '–' : `${fmtPct(s.dedupHitRate)} (${fmtCount(s.dedupHits)})`,
    injected: s.injectedTotal === 0 ? '0' : `${fmtCount(s.injectedTotal)} (${injected})`,
    observed: `${fmtCount(s.failed)} failed on server, ${fmtCount(s.retries)} retries, ${fmtCount(clientErrors)} client errors`,
    rssPeak: fmtBytes(s.rssPeakBytes),
    cpu: fmtMs(s.cpuMsPerFailure),
  };
}

export interface SummaryViewInput {
  summary: Summary;
  comparison: Comparison | undefined;
  charts: readonly RenderedChart[];
  /** Link to charts_report.html when it was written. */
  chartsReport: string | undefined;
  generatedAt: string;
}

const pick = (charts: readonly RenderedChart[], test: (c: RenderedChart) => boolean): EmbeddedImage[] =>
  charts.filter(test).map((c) => ({ title: c.title, analysis: c.analysis, src: dataUri(c.png) }));

/** Everything experiment_summary.html shows. */
export function summaryView(input: SummaryViewInput) {
  const { summary, comparison, charts } = input;
  const v = summary.verdict;
  const runs = summary.experiments.flatMap((e) => e.runs);
  const regression =
    comparison === undefined
      ? undefined
      : {
          label: comparison.regressed ? 'REGRESSION' : 'NO REGRESSION',
          cls: comparison.regressed ? 'fail' : 'pass',
          text: `${comparison.regressions} of ${comparison.runs.length} compared runs regressed against ${comparison.baselineSource}.`,
        };
  const passed = v.passed && comparison?.regressed !== true;
  return {
    title: `TerraFix experiments — ${passed ? 'PASS' : 'FAIL'}`,
    generatedAt: input.generatedAt,
    meta: [
      ['tool', `${summary.tool.name} ${summary.tool.version} (Node ${summary.tool.node})`],
      [
        'engine',
        summary.engine.version === summary.engine.name
          ? summary.engine.name
          : `${summary.engine.name} ${summary.engine.version}`,
      ],
      ['seed', String(summary.seed)],
      ['duration scale', String(summary.durationScale)],
      ['target', `${summary.target.url}${summary.target.local ? ' (local server)' : ''}`],
      ['started', summary.startedAt],
      ['ended', summary.endedAt],
      ['schema version', String(summary.schemaVersion)],
    ].map(([k, val]) => ({ key: k, value: val })),
    verdict: {
      label: passed ? 'PASS' : 'FAIL',
      cls: passed ? 'pass' : 'fail',
      runs: v.runs,
      failedThresholds: v.failedThresholds,
      errors: v.errors,
      failed: runs.flatMap((r) =>
        r.thresholds
          .filter((t) => !t.passed)
          .map((t) => ({
            run: `${r.experiment}/${r.name}`,
            text: `${t.metric} ${t.op} ${t.value}, measured ${t.actual}`,
          })),
      ),
      runErrors: runs
        .filter((r) => r.status === 'error')
        .map((r) => ({
          run: `${r.experiment}/${r.name}`,
          text: `${r.errorCode ?? ''} ${r.error ?? ''}`.trim(),
        })),
      regression,
    },
    overview: pick(charts, (c) => c.file === 'comparison.png' || c.file === 'baseline-comparison.png'),
    comparison: comparison === undefined ? undefined : comparisonView(comparison),
    stageHeaders: STAGE_COLUMNS,
    experiments: summary.experiments.map((exp) => ({
      name: exp.name,
      id: `exp-${exp.name}`,
      description: exp.description,
      sentences: experimentSentences(exp),
      runs: exp.runs.map((r) => ({ name: r.name, description: r.description, sentences: runSentences(r) })),
      loadRows: exp.runs.map(loadRow),
      serverRows: exp.runs.map(serverRow),
      charts: pick(
        charts,
        (c) =>
          c.group === exp.name &&
          (c.file.startsWith('throughput-') ||
            c.file.startsWith('scalability-') ||
            c.file.startsWith('knee-levels-')),
      ),
    })),
    chartsReport: input.chartsReport,
  };
}
