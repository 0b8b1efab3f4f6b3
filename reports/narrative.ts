/**
 * Findings written for a reader: sentences generated from the numbers of a run or an experiment
 * ("The service sustained 200 req/s with p99 under 1 s; at 400 req/s p99 reached 3.2 s.").
 */
import { fmtBytes, fmtCount, fmtMs, fmtPct, fmtRate } from './format.js';
import type { ExperimentSummary, RunSummary } from '../experiments/results/summary-schema.js';

type Rec = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});

/** `a 1, b 2` for the non-zero entries of a count record. */
function counts(record: Rec): string {
  return Object.entries(record)
    .filter(([, n]) => (num(n) ?? 0) > 0)
    .map(([k, n]) => `${k} ${fmtCount(num(n))}`)
    .join(', ');
}

function loadSentence(run: RunSummary): string {
  const l = run.latencyMs;
  const rate =
    run.intendedRate === null
      ? `at ${fmtRate(run.achievedRate)}`
      : `at ${fmtRate(run.achievedRate)} of ${fmtRate(run.intendedRate)} intended (${fmtPct(run.intendedRate === 0 ? null : run.achievedRate / run.intendedRate, 0)})`;
  const latency = l === null ? '' : ` with p50 ${fmtMs(l.p50)}, p95 ${fmtMs(l.p95)} and p99 ${fmtMs(l.p99)}`;
  const errors =
    run.errorRate === 0
      ? 'no request failed'
      : `${fmtPct(run.errorRate)} of requests failed (${counts(run.errorsByKind)})`;
  const dropped =
    run.droppedIterations > 0
      ? `; ${fmtCount(run.droppedIterations)} iterations (${fmtPct(run.droppedRate)}) were dropped because no VU was free`
      : '';
  return `${run.name} completed ${fmtCount(run.requests)} requests ${rate}${latency}; ${errors}${dropped}.`;
}

function kneeSentence(f: Rec): string {
  const levels = Array.isArray(f.levels) ? f.levels.map(rec) : [];
  const slo = rec(f.slo);
  const p99Slo = fmtMs(num(slo.p99Ms) ?? 1000);
  if (levels.length === 0)
    return 'No rate level was held long enough to judge it (the run was too short or stopped before its first hold).';
  const max = num(f.maxSustainableRate);
  const broken = levels.find((l) => l.sustainable !== true && (num(l.rate) ?? 0) > (max ?? -1));
  const head =
    max === null
      ? `No level was sustainable (p99 ≤ ${p99Slo}, errors ≤ ${fmtPct(num(slo.errorRate))}): the service is saturated below ${fmtRate(num(levels[0]?.rate))}.`
      : `The service sustained ${fmtRate(max)} with p99 under ${p99Slo}.`;
  if (broken === undefined) return head;
  return `${head} At ${fmtRate(num(broken.rate))} it achieved ${fmtRate(num(broken.achievedRate))} with p99 ${fmtMs(num(broken.p99Ms))} and ${fmtPct(num(broken.errorRate))} errors.`;
}

function dedupSentence(f: Rec): string {
  return `Deduplication caught ${fmtPct(num(f.dedupHitRate))} of processed failures (${fmtPct(num(f.duplicateRatioSent), 0)} were sent as duplicates); ${fmtCount(num(f.prsCreated))} pull requests were created.`;
}

function faultsSentence(f: Rec): string {
  const injected = Object.entries(rec(f.injected))
    .map(([stage, kinds]) => `${stage}: ${counts(rec(kinds))}`)
    .join('; ');
  const success = num(f.successAfterRetriesRate);
  return (
    `${fmtCount(num(f.injectedTotal))} faults were injected${injected === '' ? '' : ` (${injected})`}; the server retried ${fmtCount(num(f.retries))} times` +
    `${success === null ? '' : ` and ${fmtPct(success)} of failures still succeeded`}; ${fmtCount(num(f.serverFailed))} failed on the server and the client saw ${fmtCount(num(f.clientServerErrors))} 5xx answers — ` +
    (f.reconciled === true
      ? 'injected and observed faults reconcile.'
      : 'injected and observed faults do NOT reconcile.')
  );
}

function recoverySentence(f: Rec): string {
  if (num(f.baselineP50Ms) === null) return typeof f.note === 'string' ? `Recovery: ${f.note}.` : '';
  const seconds = num(f.recoverySeconds);
  const window = `p50 went from ${fmtMs(num(f.baselineP50Ms))} before the fault window to ${fmtMs(num(f.faultWindowP50Ms))} during it`;
  return seconds === null
    ? `${window}, and did not come back under ${fmtMs(num(f.recoveryTargetP50Ms))} before the run ended.`
    : `${window}, and came back under ${fmtMs(num(f.recoveryTargetP50Ms))} ${seconds === 0 ? 'as soon as the window closed' : `${seconds} s after the window closed`}.`;
}

function burstSentence(f: Rec): string {
  const drain = num(f.maxDrainSeconds);
  return (
    `The queue peaked at ${fmtCount(num(f.peakQueueDepth))} with ${fmtCount(num(f.peakActiveWorkers))} workers busy; ` +
    (drain === null
      ? (num(f.spikes) ?? 0) > 0
        ? 'it did not drain before the run ended'
        : 'the profile has no spike to drain from'
      : `it drained within ${drain} s of each spike`) +
    `; ${fmtCount(num(f.http429))} requests were answered 429 and ${fmtCount(num(f.queueRejections))} rejected by the full queue.`
  );
}

function cascadeSentence(f: Rec): string {
  const second = num(f.brokeAtSecond);
  const broke =
    second === null
      ? 'The service did not reach its breaking point'
      : `The service broke at second ${second}, at an offered ${fmtRate(num(f.breakingPointRate))}`;
  return `${broke}; the highest rate it completed in one second was ${fmtRate(num(f.maxAchievedRate))}; the server ${f.serverStayedUp === false ? 'went DOWN' : 'stayed up'} (peak RSS ${fmtBytes(num(f.peakRssBytes))}).`;
}

function scalabilitySentence(f: Rec): string {
  const cache = f.parseCache === false ? 'cold parse cache' : 'parse cache on';
  return `Repository size ${String(f.repoSize)} (${cache}): p50 ${fmtMs(num(f.p50Ms))}, p95 ${fmtMs(num(f.p95Ms))}, parse ${fmtMs(num(f.parseMeanMs))} and validate ${fmtMs(num(f.validateMeanMs))} per failure on average, ${fmtMs(num(f.cpuMsPerFailure))} CPU per failure.`;
}

const FINDING_SENTENCES: Record<string, (f: Rec) => string> = {
  knee: kneeSentence,
  dedup: dedupSentence,
  faults: faultsSentence,
  recovery: recoverySentence,
  burst: burstSentence,
  cascade: cascadeSentence,
  scalability: scalabilitySentence,
};

/** What a reader should know about one run, in sentences. */
export function runSentences(run: RunSummary): string[] {
  if (run.status === 'error')
    return [`${run.name} did not run: ${run.error ?? 'unknown error'} (${run.errorCode ?? 'no code'}).`];
  const sentences = [loadSentence(run)];
  if (run.status === 'stopped')
    sentences.push('A stop condition ended the run early; that is a finding, not a failure.');
  for (const t of run.thresholds.filter((x) => !x.passed))
    sentences.push(`Threshold ${t.metric} ${t.op} ${t.value} FAILED: the run measured ${t.actual}.`);
  for (const [kind, f] of Object.entries(run.findings)) {
    const sentence = FINDING_SENTENCES[kind]?.(f) ?? '';
    if (sentence !== '') sentences.push(sentence);
  }
  return sentences;
}

/** The experiment's headline: the highest rate that held the SLO, and what happened at the next one. */
export function experimentSentences(exp: ExperimentSummary, sloP99Ms = 1000, sloErrorRate = 0.01): string[] {
  const sentences: string[] = [];
  const measured = exp.runs
    .filter((r) => r.status !== 'error' && r.latencyMs !== null && r.requests > 0)
    .sort((a, b) => a.achievedRate - b.achievedRate);
  const ok = (r: RunSummary) => (r.latencyMs?.p99 ?? Infinity) <= sloP99Ms && r.errorRate <= sloErrorRate;
  const best = measured.filter(ok).at(-1);
  const worse = measured.find((r) => !ok(r) && r.achievedRate > (best?.achievedRate ?? -1));
  if (measured.length >= 2 && best !== undefined) {
    let s = `The service sustained ${fmtRate(best.achievedRate)} (${best.name}) with p99 under ${fmtMs(sloP99Ms)} and errors under ${fmtPct(sloErrorRate, 0)}`;
    if (worse !== undefined) {
      const broke = [
        (worse.latencyMs?.p99 ?? 0) > sloP99Ms ? `p99 reached ${fmtMs(worse.latencyMs?.p99)}` : '',
        worse.errorRate > sloErrorRate ? `${fmtPct(worse.errorRate)} of requests failed` : '',
      ].filter((x) => x !== '');
      s += `; at ${fmtRate(worse.achievedRate)} (${worse.name}) ${broke.join(' and ')}`;
    }
    sentences.push(`${s}.`);
  } else if (measured.length >= 1 && best === undefined) {
    sentences.push(
      `No run held p99 under ${fmtMs(sloP99Ms)} with errors under ${fmtPct(sloErrorRate, 0)}; the lightest, ${measured[0]?.name}, had p99 ${fmtMs(measured[0]?.latencyMs?.p99)}.`,
    );
  }
  const cold = num(exp.findings.cpuMsPer100BlocksCold);
  const cached = num(exp.findings.cpuMsPer100BlocksCached);
  if (cold !== null || cached !== null)
    sentences.push(
      `CPU per failure grows by ${fmtMs(cold)} per 100 resource blocks with a cold parse cache and by ${fmtMs(cached)} with the cache on.`,
    );
  const errors = exp.runs.filter((r) => r.status === 'error').length;
  if (errors > 0) sentences.push(`${errors} of ${exp.runs.length} runs did not produce a result.`);
  return sentences;
}
