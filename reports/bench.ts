/** Times building the full report set of a result folder (for `npm run bench`), into a throw-away folder. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReports } from './build-reports.js';

/** Milliseconds to rebuild the summary, HTML and every chart of `inputDir`, and how many charts that was. */
export async function benchReportBuild(inputDir: string): Promise<{ ms: number; charts: number }> {
  const out = await mkdtemp(join(tmpdir(), 'terrafix-report-bench-'));
  try {
    const start = performance.now();
    const outcome = await buildReports(inputDir, out);
    return { ms: Math.round(performance.now() - start), charts: outcome.charts.length };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
