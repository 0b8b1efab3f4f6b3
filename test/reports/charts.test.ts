// Every chart is decoded and checked: its size, a painted background, and real content (pixel variance).
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram } from '../../experiments/engine/latency.js';
import { LATENCY_BUCKETS_MS } from '../../experiments/results/run-result.js';
import { buildReports, type ReportOutcome } from '../../reports/build-reports.js';
import { latencyDistribution } from '../../reports/charts/distribution-chart.js';
import { heatColor, heatmapMatrix } from '../../reports/charts/heatmap-chart.js';
import { decodePng, pixelStats } from './png.js';
import { fixtureCopy, tempDir } from './helpers.js';
import { writeSyntheticResults } from './synthetic.js';

let dir: string;
let all: ReportOutcome;
let allDir: string;
beforeAll(async () => {
  dir = await tempDir();
  allDir = join(dir, 'all');
  await writeSyntheticResults(allDir, {
    experiments: ['throughput', 'resilience', 'scalability', 'burst', 'cascade', 'smoke'],
    errorRun: true,
  });
  all = await buildReports(allDir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('charts of a full result set', () => {
  it('draws every kind of chart the issue lists, and only lists as skipped what has no data', async () => {
    const files = (await readdir(join(allDir, 'charts'))).sort();
    expect(files).toEqual(all.charts.map((c) => c.file.replace('charts/', '')).sort());
    for (const prefix of [
      'throughput-',
      'latency-',
      'distribution-',
      'heatmap-',
      'success-failure',
      'comparison',
      'stages',
      'queue-',
      'scalability-',
      'knee-',
      'knee-levels-',
      'intended-vs-achieved',
    ])
      expect(
        files.some((f) => f.startsWith(prefix)),
        prefix,
      ).toBe(true);
    // 6 cross-run and per-experiment charts + 3 per measured run (20 runs) + knee/cascade/levels.
    expect(files.length).toBeGreaterThan(70);
    expect(all.skippedCharts.map((s) => s.title)).toEqual(['Baseline vs current']);
  });

  it('every PNG decodes at its size, has a white background and is not blank', async () => {
    for (const chart of all.charts) {
      const png = await readFile(join(allDir, chart.file));
      const pixels = await decodePng(png);
      expect(pixels.width, chart.file).toBe(1000);
      expect(pixels.height, chart.file).toBeGreaterThanOrEqual(560);
      const stats = pixelStats(pixels);
      expect(stats.cornerAlpha, `${chart.file} background`).toBe(255);
      expect(stats.corner, `${chart.file} background`).toEqual([255, 255, 255]);
      expect(stats.variance, `${chart.file} variance`).toBeGreaterThan(100);
      expect(stats.colours, `${chart.file} colours`).toBeGreaterThan(10);
      expect(stats.coloured, `${chart.file} coloured share`).toBeGreaterThan(0.003);
      expect(chart.analysis.length, chart.file).toBeGreaterThan(20);
    }
  });

  it('the heatmap of a 30-second run is filled: every second is a column of cells', async () => {
    const pixels = await decodePng(
      await readFile(join(allDir, 'charts', 'heatmap-throughput-throughput_baseline.png')),
    );
    // Cells cover most of the plot area: light-grey empty cells and coloured ones, hardly any white.
    let white = 0;
    let cells = 0;
    for (let y = 120; y < 460; y += 4)
      for (let x = 120; x < 880; x += 4) {
        const i = (y * pixels.width + x) * 4;
        const [r, g, b] = [pixels.data[i] ?? 0, pixels.data[i + 1] ?? 0, pixels.data[i + 2] ?? 0];
        if (r === 255 && g === 255 && b === 255) white++;
        else cells++;
      }
    expect(cells / (cells + white)).toBeGreaterThan(0.9);
    expect(pixelStats(pixels).coloured).toBeGreaterThan(0.03);
  });

  it('charts_report.html embeds every chart with its analysis and lists what was not drawn', async () => {
    const html = await readFile(join(allDir, 'charts_report.html'), 'utf8');
    const images = [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)"/g)];
    expect(images).toHaveLength(all.charts.length);
    for (const [, b64] of images) {
      const pixels = await decodePng(Buffer.from((b64 ?? '').replaceAll('&#x3D;', '='), 'base64'));
      expect(pixels.width).toBe(1000);
    }
    for (const c of all.charts) expect(html).toContain(c.file.replace('charts/', ''));
    expect(html).toContain('Charts not drawn');
    expect(html).toContain('no baseline given');
  });

  it('names skipped charts when the input lacks their data (smoke: no scalability, no knee)', async () => {
    const input = await fixtureCopy(dir, 'smoke');
    const outcome = await buildReports(input);
    const skipped = outcome.skippedCharts.map((s) => s.title);
    expect(skipped).toEqual(
      expect.arrayContaining(['Latency and CPU vs repository size', 'Offered vs achieved rate (knee)']),
    );
    const html = await readFile(join(input, 'charts_report.html'), 'utf8');
    expect(html).toContain('no scalability run in the input');
    for (const c of outcome.charts) {
      const stats = pixelStats(await decodePng(await readFile(join(input, c.file))));
      expect(stats.variance, c.file).toBeGreaterThan(100);
    }
  });

  it('--no-charts writes no PNG and no charts_report.html', async () => {
    const input = await fixtureCopy(dir, 'no-charts');
    const outcome = await buildReports(input, undefined, { charts: false });
    expect(outcome.charts).toEqual([]);
    expect(outcome.chartsReportPath).toBeUndefined();
    await expect(readdir(join(input, 'charts'))).rejects.toThrow();
  });
});

describe('chart data', () => {
  it('the distribution comes from the recorded HDR histogram, bucket by bucket', () => {
    const h = newHistogram();
    for (let i = 0; i < 100; i++) h.recordValue(10_000); // 10 ms
    for (let i = 0; i < 10; i++) h.recordValue(1_000_000); // 1 s
    h.recordValue(3_000_000);
    const d = latencyDistribution(encodeHistogram(h));
    expect(d.total).toBe(111);
    expect(d.buckets.reduce((t, b) => t + b.count, 0)).toBe(111);
    const at = (ms: number) => d.buckets.find((b) => b.from <= ms && ms < b.to)?.count;
    expect(at(10)).toBe(100);
    expect(at(1000)).toBe(10);
    expect(d.buckets.at(-1)?.count).toBe(1);
    expect(d.max).toBeCloseTo(3000, 0);
    // Log-spaced: each bucket is the same ratio wide.
    const ratios = d.buckets.slice(1, 6).map((b) => b.to / b.from);
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0] ?? 0, 0);
  });

  it('the heatmap matrix has a column for every second, including seconds without requests', () => {
    const empty = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
    const withAt = (b: number, n: number) => empty.map((v, i) => (i === b ? n : v));
    const m = heatmapMatrix([
      { t: 0, buckets: withAt(6, 5) },
      { t: 2, buckets: withAt(8, 1) },
    ]);
    expect(m.counts).toHaveLength(3);
    expect(m.counts[1]?.every((n) => n === 0)).toBe(true);
    expect([m.lo, m.hi, m.max]).toEqual([5, 9, 5]);
    expect(heatColor(0, 5)).toBe('#f1f3f5');
    expect(heatColor(5, 5)).not.toBe(heatColor(1, 5));
  });
});
