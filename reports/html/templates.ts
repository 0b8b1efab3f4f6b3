/**
 * The HTML reports' Handlebars templates, kept as TS constants so compiled code needs no file lookup. One
 * isolated Handlebars environment; templates escape every value (no triple-stash anywhere).
 */
import Handlebars from 'handlebars';
import { CHARTS_TEMPLATE } from './charts-template.js';
import { STYLES } from './styles.js';
import { SUMMARY_TEMPLATE } from './summary-template.js';

type Template = (context: unknown) => string;
let compiled: { summary: Template; charts: Template } | undefined;

function load(): { summary: Template; charts: Template } {
  if (compiled !== undefined) return compiled;
  const hbs = Handlebars.create();
  // The stylesheet is static text, spliced into the source before compiling: it never passes through data.
  const withStyles = (source: string) => source.replace('/*STYLES*/', STYLES);
  compiled = {
    summary: hbs.compile(withStyles(SUMMARY_TEMPLATE), { strict: false }),
    charts: hbs.compile(withStyles(CHARTS_TEMPLATE), { strict: false }),
  };
  return compiled;
}

/** Renders experiment_summary.html from its view model. */
export function renderSummaryHtml(view: unknown): string {
  return load().summary(view);
}

/** Renders charts_report.html from its view model. */
export function renderChartsHtml(view: unknown): string {
  return load().charts(view);
}
