/**
 * `terrafix report` and the runner's last step: rebuild experiment_summary.json from the raw run files, write
 * experiment_summary.html (one self-contained file), PNG charts under charts/ and charts_report.html, and
 * compare with a baseline when one is given.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { planCharts } from './charts/plan.js';
import { type RenderedChart, renderCharts } from './charts/render-all.js';
import type { SkippedChart } from './charts/render.js';
import { type Comparison, compareWithBaseline, DEFAULT_TOLERANCES, type Tolerances } from './compare.js';
import { chartsView } from './html/charts-view.js';
import { summaryView } from './html/summary-view.js';
import { renderChartsHtml, renderSummaryHtml } from './html/templates.js';
import { readSummary, SUMMARY_FILE } from '../experiments/results/read-summary.js';
import { rebuildSummary } from '../experiments/results/rebuild-summary.js';
import type { Summary } from '../experiments/results/summary-schema.js';

export interface ReportOptions {
  /** A result folder or an experiment_summary.json to compare with. */
  baseline?: string;
  tolerances?: Tolerances;
  /** false: no PNGs and no charts_report.html (the HTML summary still has its tables). */
  charts?: boolean;
  /** Charts encoded at once (default 4). */
  concurrency?: number;
}

export interface ReportOutcome {
  summary: Summary;
  summaryPath: string;
  htmlPath: string;
  chartsReportPath: string | undefined;
  /** Chart files relative to the output folder (`charts/x.png`). */
  charts: { file: string; title: string; analysis: string }[];
  skippedCharts: SkippedChart[];
  comparison: Comparison | undefined;
  /** True when a baseline was given and at least one run regressed. */
  regressed: boolean;
}

export const HTML_FILE = 'experiment_summary.html';
export const CHARTS_REPORT_FILE = 'charts_report.html';
export const CHARTS_DIR = 'charts';

/** Builds every report of the result folder `inputDir` into `outputDir` (default: the same folder). */
export async function buildReports(
  inputDir: string,
  outputDir: string = inputDir,
  options: ReportOptions = {},
): Promise<ReportOutcome> {
  const recorded = await readSummary(inputDir, '--input');
  await mkdir(outputDir, { recursive: true });
  const data = await rebuildSummary(inputDir, recorded, outputDir);
  const comparison =
    options.baseline === undefined
      ? undefined
      : await compareWithBaseline(options.baseline, data.summary, options.tolerances ?? DEFAULT_TOLERANCES);
  const summaryPath = join(outputDir, SUMMARY_FILE);
  await writeFile(summaryPath, `${JSON.stringify(data.summary, null, 2)}\n`, 'utf8');

  const generatedAt = new Date().toISOString();
  let rendered: RenderedChart[] = [];
  let skipped: SkippedChart[] = [];
  let chartsReportPath: string | undefined;
  if (options.charts !== false) {
    const plan = planCharts(data, comparison);
    skipped = plan.skipped;
    rendered = await renderCharts(plan.specs, join(outputDir, CHARTS_DIR), options.concurrency ?? 4);
    chartsReportPath = join(outputDir, CHARTS_REPORT_FILE);
    await writeFile(
      chartsReportPath,
      renderChartsHtml(chartsView(rendered, skipped, generatedAt, HTML_FILE)),
      'utf8',
    );
  }
  const htmlPath = join(outputDir, HTML_FILE);
  const html = renderSummaryHtml(
    summaryView({
      summary: data.summary,
      comparison,
      charts: rendered,
      chartsReport: chartsReportPath === undefined ? undefined : CHARTS_REPORT_FILE,
      generatedAt,
    }),
  );
  await writeFile(htmlPath, html, 'utf8');
  return {
    summary: data.summary,
    summaryPath,
    htmlPath,
    chartsReportPath,
    charts: rendered.map((c) => ({ file: `${CHARTS_DIR}/${c.file}`, title: c.title, analysis: c.analysis })),
    skippedCharts: skipped,
    comparison,
    regressed: comparison?.regressed ?? false,
  };
}
