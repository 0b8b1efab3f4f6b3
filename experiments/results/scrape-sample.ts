/**
 * A server-side sample, read from the target's `/metrics` once a second during a run: queue depth, workers,
 * outcomes, dedup hits, injected faults, per-stage time, memory and CPU. The runner takes them (runner/scraper.ts);
 * summaries and reports read them.
 */
import { z } from 'zod';
import { STAGES, TOTAL_STAGE } from '../../src/pipeline/stages.js';

export const scrapeSampleSchema = z.object({
  /** Seconds since the load started (may be negative for the pre-run sample). */
  t: z.number(),
  queueDepth: z.number(),
  activeWorkers: z.number(),
  processed: z.number(),
  successful: z.number(),
  skipped: z.number(),
  failed: z.number(),
  failedByCode: z.record(z.string(), z.number()),
  dedupHits: z.number(),
  retries: z.number(),
  prsCreated: z.number(),
  queueRejections: z.number(),
  injected: z.record(z.string(), z.record(z.string(), z.number())),
  rssBytes: z.number(),
  cpuSeconds: z.number(),
  /** Per stage: cumulative seconds and count of the stage histogram. */
  stages: z.record(z.string(), z.object({ sum: z.number(), count: z.number() })),
});
export type ScrapeSample = z.infer<typeof scrapeSampleSchema>;

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Reads the samples the runner needs from Prometheus text; unknown metrics are ignored. */
export function readScrape(text: string, t: number): ScrapeSample {
  const sample: ScrapeSample = {
    t,
    queueDepth: 0,
    activeWorkers: 0,
    processed: 0,
    successful: 0,
    skipped: 0,
    failed: 0,
    failedByCode: {},
    dedupHits: 0,
    retries: 0,
    prsCreated: 0,
    queueRejections: 0,
    injected: {},
    rssBytes: 0,
    cpuSeconds: 0,
    stages: Object.fromEntries([...STAGES, TOTAL_STAGE].map((s) => [s, { sum: 0, count: 0 }])),
  };
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (m === null) continue;
    const [, name = '', rawLabels = '', rawValue = ''] = m;
    const value = Number(rawValue);
    if (!Number.isFinite(value)) continue;
    const labels: Record<string, string> = {};
    for (const l of rawLabels.matchAll(LABEL)) labels[l[1] ?? ''] = l[2] ?? '';
    switch (name) {
      case 'queue_depth':
        sample.queueDepth = value;
        break;
      case 'active_workers':
        sample.activeWorkers = value;
        break;
      case 'failures_processed_total':
        sample.processed = value;
        break;
      case 'failures_successful_total':
        sample.successful = value;
        break;
      case 'failures_skipped_total':
        sample.skipped = value;
        break;
      case 'failures_failed_total':
        sample.failed += value;
        sample.failedByCode[labels.code ?? 'unknown'] = value;
        break;
      case 'terrafix_dedup_hits_total':
        sample.dedupHits = value;
        break;
      case 'retries_total':
        sample.retries += value;
        break;
      case 'prs_created_total':
        sample.prsCreated = value;
        break;
      case 'terrafix_queue_rejections_total':
        sample.queueRejections += value;
        break;
      case 'terrafix_injected_faults_total': {
        const stage = labels.stage ?? 'unknown';
        (sample.injected[stage] ??= {})[labels.kind ?? 'unknown'] = value;
        break;
      }
      case 'process_resident_memory_bytes':
        sample.rssBytes = value;
        break;
      case 'process_cpu_seconds_total':
        sample.cpuSeconds = value;
        break;
      case 'terrafix_stage_duration_seconds_sum':
      case 'terrafix_stage_duration_seconds_count': {
        const entry = sample.stages[labels.stage ?? ''];
        if (entry !== undefined) entry[name.endsWith('_sum') ? 'sum' : 'count'] = value;
        break;
      }
    }
  }
  return sample;
}
