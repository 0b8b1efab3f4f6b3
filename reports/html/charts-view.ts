/** The view model of charts_report.html: every chart embedded, grouped, with its line of analysis. */
import type { RenderedChart } from '../charts/render-all.js';
import type { SkippedChart } from '../charts/render.js';
import { dataUri } from './summary-view.js';

/** Charts grouped in order of first appearance, embedded as data: URIs. */
export function chartsView(
  charts: readonly RenderedChart[],
  skipped: readonly SkippedChart[],
  generatedAt: string,
  summaryHref: string,
) {
  const groups = new Map<string, RenderedChart[]>();
  for (const c of charts) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  return {
    count: charts.length,
    generatedAt,
    summaryHref,
    groups: [...groups].map(([name, list]) => ({
      name,
      id: `group-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`,
      charts: list.map((c) => ({ ...c, png: undefined, src: dataUri(c.png) })),
    })),
    skipped,
  };
}
