import { describe, expect, it } from 'vitest';
import { PipelineMetrics } from '../../src/observability/pipeline-metrics.js';
import type { Outcome, ProcessResult } from '../../src/pipeline/outcome.js';
import { STAGES } from '../../src/pipeline/stages.js';

function result(outcome: Outcome, totalMs = 12): ProcessResult {
  return { key: 'k'.repeat(64), outcome, timings: { total_processing: totalMs }, retries: {} };
}

const completed = (reused: boolean): Outcome => ({
  kind: 'completed',
  prUrl: 'https://github.com/o/r/pull/1',
  prNumber: 1,
  reused,
  changedAttributes: ['versioning'],
  validation: 'ok',
  fix: { source: 'playbook', playbook: 's3-versioning' },
});
const failed = (code: 'TFX_PERMANENT' | 'TFX_TRANSIENT'): Outcome => ({
  kind: 'failed',
  code,
  category: code === 'TFX_PERMANENT' ? 'permanent' : 'transient',
  stage: 'bedrock_inference',
  message: 'injected',
});

/** Pipeline metrics built on their own (no server), reading a fixed queue. */
function metrics(): PipelineMetrics {
  const m = new PipelineMetrics();
  m.trackQueue(() => Promise.resolve({ depth: 7, active: 3 }));
  return m;
}

/** The value of one sample line `name{labels} value` in the exposition text. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('PipelineMetrics', () => {
  it('counts outcomes by kind and failures by code', async () => {
    const m = metrics();
    const outcomes: Outcome[] = [
      completed(false),
      completed(false),
      completed(true),
      { kind: 'skipped_duplicate', status: 'completed', reason: 'completed' },
      { kind: 'skipped_resolved' },
      failed('TFX_PERMANENT'),
      failed('TFX_PERMANENT'),
      failed('TFX_TRANSIENT'),
    ];
    for (const o of outcomes) m.observer.finished(result(o));
    const text = await m.registry.metrics();
    expect(sample(text, 'failures_processed_total')).toBe(8);
    expect(sample(text, 'failures_successful_total')).toBe(3);
    expect(sample(text, 'prs_created_total')).toBe(2);
    expect(sample(text, 'failures_skipped_total')).toBe(2);
    expect(sample(text, 'terrafix_dedup_hits_total')).toBe(1);
    expect(sample(text, 'failures_failed_total{code="TFX_PERMANENT"}')).toBe(2);
    expect(sample(text, 'failures_failed_total{code="TFX_TRANSIENT"}')).toBe(1);
    expect(sample(text, 'terrafix_stage_duration_seconds_count{stage="total_processing"}')).toBe(8);
    expect(sample(text, 'terrafix_stage_duration_seconds_sum{stage="total_processing"}')).toBeCloseTo(0.096);
  });

  it('times stages in seconds and counts API errors by service and retries by stage', async () => {
    const m = metrics();
    m.observer.stageFinished('bedrock_inference', 1500, true);
    m.observer.stageFinished('bedrock_inference', 250, false);
    m.observer.stageFinished('create_pr', 10, false);
    m.observer.stageFinished('parse_terraform', 3, false); // not an external service: no API error
    m.observer.retried('clone_repo', 1, 'TFX_TRANSIENT');
    m.observer.retried('clone_repo', 2, 'TFX_TRANSIENT');
    const text = await m.registry.metrics();
    expect(sample(text, 'terrafix_stage_duration_seconds_count{stage="bedrock_inference"}')).toBe(2);
    expect(sample(text, 'terrafix_stage_duration_seconds_sum{stage="bedrock_inference"}')).toBeCloseTo(1.75);
    expect(sample(text, 'terrafix_stage_duration_seconds_bucket{le="1",stage="bedrock_inference"}')).toBe(1);
    expect(sample(text, 'terrafix_stage_duration_seconds_bucket{le="2.5",stage="bedrock_inference"}')).toBe(
      2,
    );
    expect(sample(text, 'api_errors_total{service="bedrock"}')).toBe(1);
    expect(sample(text, 'api_errors_total{service="github"}')).toBe(1);
    expect(text).not.toContain('api_errors_total{service="git"}');
    expect(sample(text, 'retries_total{stage="clone_repo"}')).toBe(2);
  });

  it("exposes the guide's metric names, every stage label and the gauges", async () => {
    const m = metrics();
    for (const stage of STAGES) m.observer.stageFinished(stage, 1, true);
    m.observer.finished(result({ kind: 'skipped_resolved' }));
    const text = await m.registry.metrics();
    for (const name of [
      'failures_processed_total',
      'failures_successful_total',
      'failures_skipped_total',
      'failures_failed_total',
      'prs_created_total',
      'api_errors_total',
      'queue_depth',
      'active_workers',
      'terrafix_stage_duration_seconds',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'));
    }
    for (const stage of [...STAGES, 'total_processing']) {
      expect(sample(text, `terrafix_stage_duration_seconds_count{stage="${stage}"}`), stage).toBe(1);
    }
    expect(sample(text, 'queue_depth')).toBe(7);
    expect(sample(text, 'active_workers')).toBe(3);
    // Intake metrics belong to the API server, which adds them to this registry.
    expect(text).not.toContain('terrafix_requests_total');
    expect(text).not.toContain('http_request_duration_seconds');
  });

  it('reads zero queue gauges until a queue is tracked', async () => {
    const text = await new PipelineMetrics().registry.metrics();
    expect(sample(text, 'queue_depth')).toBe(0);
    expect(sample(text, 'active_workers')).toBe(0);
  });

  it('zeroes counters on reset; instances do not share a registry', async () => {
    const a = metrics();
    const b = metrics();
    a.observer.finished(result(completed(false)));
    expect(sample(await b.registry.metrics(), 'failures_processed_total')).toBe(0);
    expect(sample(await a.registry.metrics(), 'failures_processed_total')).toBe(1);
    a.reset();
    expect(sample(await a.registry.metrics(), 'failures_processed_total')).toBe(0);
  });
});
