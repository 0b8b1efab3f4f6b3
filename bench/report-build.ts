/**
 * Time to build the full report set (summary, HTML, every PNG chart) of an `all` run: runs every experiment
 * briefly against a local mock server (BENCH_REPORT_SCALE, default 0.03 of their length), then times the build.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { benchReportBuild } from '../reports/bench.js';
import { baseEnv } from './children.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

export interface ReportBuildTiming {
  durationScale: number;
  runs: number;
  charts: number;
  /** Median of three builds, in ms. */
  medianMs: number;
  ms: number[];
}

/** Produces an `all` result folder, then builds its reports three times. */
export async function measureReportBuild(scale: number): Promise<ReportBuildTiming> {
  const dir = await mkdtemp(join(tmpdir(), 'terrafix-bench-all-'));
  try {
    await promisify(execFile)(
      process.execPath,
      [
        CLI,
        'experiments',
        'run',
        '--experiment',
        'all',
        '--local',
        '--engine',
        'builtin',
        '--duration-scale',
        String(scale),
        '--output',
        dir,
        '--no-report',
      ],
      { env: { ...baseEnv(), LOG_LEVEL: 'warn' }, maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60_000 },
    ).catch((error: unknown) => {
      // Exit 1 (a threshold failed in a shortened run) still leaves a complete result folder.
      if ((error as { code?: number }).code !== 1) throw error;
    });
    const ms: number[] = [];
    let charts = 0;
    for (let i = 0; i < 3; i++) {
      const t = await benchReportBuild(dir);
      ms.push(t.ms);
      charts = t.charts;
    }
    const sorted = [...ms].sort((a, b) => a - b);
    const { readFile } = await import('node:fs/promises');
    const summary = JSON.parse(await readFile(join(dir, 'experiment_summary.json'), 'utf8')) as {
      verdict: { runs: number };
    };
    return { durationScale: scale, runs: summary.verdict.runs, charts, medianMs: sorted[1] ?? 0, ms };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
