import { STAGES, TOTAL_STAGE } from '../../src/pipeline/stages.js';
import type { ScrapeSample } from './scrape-sample.js';

export interface ServerSummary {
  /** Mean milliseconds per stage over the run (from the stage histograms' sum and count). */
  stageMeanMs: Record<string, number | null>;
  queueDepthPeak: number;
  activeWorkersPeak: number;
  processed: number;
  successful: number;
  skipped: number;
  failed: number;
  failedByCode: Record<string, number>;
  dedupHits: number;
  dedupHitRate: number | null;
  retries: number;
  prsCreated: number;
  queueRejections: number;
  injected: Record<string, Record<string, number>>;
  injectedTotal: number;
  rssStartBytes: number | null;
  rssPeakBytes: number | null;
  rssEndBytes: number | null;
  cpuMsPerFailure: number | null;
  scrapes: number;
}

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/** What the server says happened during a run: deltas between the first and last scrape, peaks across all. */
export function summarizeServer(samples: readonly ScrapeSample[]): ServerSummary {
  const first = samples[0];
  const last = samples.at(-1);
  const delta = (pick: (s: ScrapeSample) => number) =>
    first === undefined || last === undefined ? 0 : pick(last) - pick(first);
  const stageMeanMs: Record<string, number | null> = {};
  for (const stage of [...STAGES, TOTAL_STAGE]) {
    const count = delta((s) => s.stages[stage]?.count ?? 0);
    const sum = delta((s) => s.stages[stage]?.sum ?? 0);
    stageMeanMs[stage] = count > 0 ? round((sum / count) * 1000) : null;
  }
  const failedByCode: Record<string, number> = {};
  for (const [code, n] of Object.entries(last?.failedByCode ?? {})) {
    const d = n - (first?.failedByCode[code] ?? 0);
    if (d > 0) failedByCode[code] = d;
  }
  const injected: Record<string, Record<string, number>> = {};
  let injectedTotal = 0;
  for (const [stage, kinds] of Object.entries(last?.injected ?? {})) {
    for (const [kind, n] of Object.entries(kinds)) {
      const d = n - (first?.injected[stage]?.[kind] ?? 0);
      if (d > 0) {
        (injected[stage] ??= {})[kind] = d;
        injectedTotal += d;
      }
    }
  }
  const processed = delta((s) => s.processed);
  const dedupHits = delta((s) => s.dedupHits);
  const cpu = delta((s) => s.cpuSeconds);
  const rss = samples.map((s) => s.rssBytes).filter((v) => v > 0);
  return {
    stageMeanMs,
    queueDepthPeak: Math.max(0, ...samples.map((s) => s.queueDepth)),
    activeWorkersPeak: Math.max(0, ...samples.map((s) => s.activeWorkers)),
    processed,
    successful: delta((s) => s.successful),
    skipped: delta((s) => s.skipped),
    failed: delta((s) => s.failed),
    failedByCode,
    dedupHits,
    dedupHitRate: processed > 0 ? round(dedupHits / processed, 4) : null,
    retries: delta((s) => s.retries),
    prsCreated: delta((s) => s.prsCreated),
    queueRejections: delta((s) => s.queueRejections),
    injected,
    injectedTotal,
    rssStartBytes: rss[0] ?? null,
    rssPeakBytes: rss.length > 0 ? Math.max(...rss) : null,
    rssEndBytes: rss.at(-1) ?? null,
    cpuMsPerFailure: processed > 0 ? round((cpu * 1000) / processed) : null,
    scrapes: samples.length,
  };
}
