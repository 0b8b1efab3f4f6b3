// experiment_summary.html: one self-contained file with a verdict, tables, findings and embedded charts; data escaped.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReports } from '../../reports/build-reports.js';
import { decodePng, pixelStats } from './png.js';
import { editJson, fixtureCopy, tempDir } from './helpers.js';
import { errorRunSummary, writeSyntheticResults } from './synthetic.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The `<table class="...">` elements of a page with their row count. */
function tables(html: string): { cls: string; rows: number; text: string }[] {
  return [...html.matchAll(/<table class="([^"]+)">([\s\S]*?)<\/table>/g)].map((m) => ({
    cls: m[1] ?? '',
    rows: (m[2]?.match(/<tr>/g) ?? []).length,
    text: m[2] ?? '',
  }));
}

const images = (html: string) =>
  [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)"/g)].map((m) =>
    Buffer.from((m[1] ?? '').replaceAll('&#x3D;', '='), 'base64'),
  );

describe('experiment_summary.html', () => {
  it('has a verdict, the run tables of every experiment, findings and embedded charts, and nothing external', async () => {
    const input = join(dir, 'synthetic');
    await writeSyntheticResults(input, { experiments: ['throughput', 'scalability'], errorRun: true });
    const outcome = await buildReports(input);
    const html = await readFile(outcome.htmlPath, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toMatch(
      /<section id="verdict" class="verdict verdict-fail">\s*<div class="label fail">FAIL<\/div>/,
    );
    expect(html).toContain('1 run errors');
    expect(html).toContain(
      '<strong>throughput/broken_run</strong>: TFX_CONFIG mock configuration did not take',
    );

    const found = tables(html);
    // Per experiment: load and latency, stage means, server counters.
    expect(found.map((t) => t.cls)).toEqual(['runs', 'stages', 'server', 'runs', 'stages', 'server']);
    expect(found[0]?.rows).toBe(1 + 6); // header + 5 runs + the errored one
    expect(found[3]?.rows).toBe(1 + 7);
    for (const col of [
      'requests',
      'achieved rate',
      'intended rate',
      'dropped',
      'error rate',
      'p50',
      'p95',
      'p99',
      'p99.9',
      'max',
      'thresholds',
    ])
      expect(found[0]?.text).toContain(
        `<th>${col}</th>`.replace('<th>thresholds', '<th class="name">thresholds'),
      );
    expect(found[1]?.text).toContain('<th>bedrock_inference</th>');
    for (const col of ['queue peak', 'dedup hit rate', 'injected faults', 'observed'])
      expect(found[2]?.text).toContain(col);
    expect(found[0]?.text).toContain('✓ p95_ms &lt; 2000');

    // Findings are sentences built from the numbers.
    expect(html).toMatch(/The service sustained [\d.]+ req\/s \(throughput_\w+\) with p99 under 1 s/);
    expect(html).toMatch(
      /CPU per failure grows by [\d.]+ ms per 100 resource blocks with a cold parse cache/,
    );
    expect(html).toMatch(
      /throughput_knee completed [\d,]+ requests at [\d.]+ req\/s of [\d.]+ req\/s intended/,
    );

    const embedded = images(html);
    expect(embedded.length).toBeGreaterThanOrEqual(4);
    for (const png of embedded) expect(pixelStats(await decodePng(png)).variance).toBeGreaterThan(100);
    expect(html).not.toMatch(/<script|<link|src="http|url\(/i);
  });

  it('escapes everything that comes from the data', async () => {
    const input = await fixtureCopy(dir, 'hostile');
    await editJson(join(input, 'experiment_summary.json'), (s) => {
      const exps = s.experiments as { description: string; runs: unknown[] }[];
      const exp = exps[0];
      if (exp === undefined) return;
      exp.description = '<img src=x onerror=alert(1)>';
      exp.runs.push({
        ...errorRunSummary('smoke'),
        error: '<script>alert("run")</script>',
        name: 'x"><b>bold',
      });
    });
    await editJson(join(input, 'smoke/smoke_webhook/profile.json'), (p) => {
      p.description = '</td><script>alert(2)</script>';
    });
    const outcome = await buildReports(input);
    for (const path of [outcome.htmlPath, outcome.chartsReportPath ?? '']) {
      const html = await readFile(path, 'utf8');
      expect(html).not.toMatch(/<script|onerror=|<b>bold/);
    }
    const html = await readFile(outcome.htmlPath, 'utf8');
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(&quot;run&quot;)&lt;/script&gt;');
    expect(html).toContain('x&quot;&gt;&lt;b&gt;bold');
  });

  it('shows the baseline comparison with its verdict, deltas and missing runs', async () => {
    const current = await fixtureCopy(dir, 'current');
    const baseline = await fixtureCopy(dir, 'baseline');
    await editJson(join(baseline, 'experiment_summary.json'), (s) => {
      const exps = s.experiments as { runs: { name: string; latencyMs: { p95: number } }[] }[];
      const runs = exps[0]?.runs ?? [];
      for (const r of runs) r.latencyMs.p95 /= 2;
      const first = runs[1];
      if (first !== undefined) first.name = 'renamed_run';
    });
    const outcome = await buildReports(current, undefined, { baseline });
    expect(outcome.regressed).toBe(true);
    const html = await readFile(outcome.htmlPath, 'utf8');
    expect(html).toContain('<h3>Baseline: <span class="fail">REGRESSION</span></h3>');
    const comparison = tables(html).find((t) => t.cls === 'comparison');
    expect(comparison?.rows).toBe(1 + 1 + 1); // header, smoke_webhook, its reason row
    expect(comparison?.text).toMatch(/p95 rose from [\d.]+ ms to [\d.]+ ms \(\+100 %; tolerance \+10 %\)/);
    expect(html).toContain('New runs, not in the baseline: <code>smoke/smoke_batch_async</code>');
    expect(html).toContain('Runs in the baseline only: <code>smoke/renamed_run</code>');
    expect(outcome.charts.map((c) => c.file)).toContain('charts/baseline-comparison.png');
  });
});
