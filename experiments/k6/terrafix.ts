/**
 * The one k6 script for every experiment, driven by a spec file (spec.ts) the runner writes:
 *   k6 run -e TERRAFIX_SPEC=/abs/spec.json [-e TERRAFIX_SUMMARY=/abs/summary.json] --out json=k6.ndjson dist/terrafix.js
 * k6 0.47 runs no TypeScript: `npm run build:k6` bundles this file (with the shared payload generator) into
 * dist/terrafix.js as CommonJS, which k6 compiles directly (an ES module would first go through k6's embedded
 * Babel). Request bodies come from experiments/payloads.ts, the same generator the built-in engine uses, keyed by
 * the iteration number across all VUs, so both engines send the same requests for a seed; body templates are
 * rendered once per VU and filled by concatenation, so a VU spends its time sending.
 * With TERRAFIX_WEBHOOK_SECRET in k6's environment, each request is signed (experiments/signature.ts).
 */
import { sleep } from 'k6';
import crypto from 'k6/crypto';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Gauge } from 'k6/metrics';
import type { Options } from 'k6/options';
import { iterationRequest } from '../payloads.js';
import { SIGNATURE_HEADER, signatureValue } from '../signature.js';
import { buildOptions, isOpenModel, LOAD_TAGS } from './options.js';
import { parseSpec } from './spec.js';
import { summarize, textSummary } from './summary.js';

const specPath = __ENV['TERRAFIX_SPEC'];
if (specPath === undefined || specPath === '') {
  throw new Error('TERRAFIX_SPEC is not set: run k6 with -e TERRAFIX_SPEC=/absolute/path/spec.json');
}
// open() only works in the init context, which is where this runs.
const spec = parseSpec(open(specPath));
const summaryPath = __ENV['TERRAFIX_SUMMARY'];

export const options: Options = buildOptions(spec);

/**
 * Failure records sent beyond one per request (a batch of n adds n - 1): a single webhook, by far the most common
 * request, then writes no sample of its own; the runner counts items as requests + this.
 */
const extraItems = new Counter('terrafix_extra_items');
/** Iterations skipped because maxRequests was reached (they send nothing). */
const capped = new Counter('terrafix_capped');
/** One sample when setup ends: marks where the load starts in the NDJSON stream. */
const loadStart = new Gauge('terrafix_load_start');

const closedModel = !isOpenModel(spec.load);
const pacingSeconds = 'pacing' in spec.load ? spec.load.pacing : 0;
const timeout = `${spec.requestTimeoutMs}ms`;
const headers = { 'Content-Type': 'application/json' };
// From k6's environment, never from the spec file or an argument (k6 copies its environment into __ENV).
const secret = __ENV['TERRAFIX_WEBHOOK_SECRET'] ?? '';

/** Refuses to load a target that is not ready (exit code 108, "ScriptAborted"). */
export function setup(): void {
  const res = http.get(`${spec.baseUrl}/ready`, { tags: { endpoint: 'ready' }, timeout });
  if (res.status !== 200) {
    exec.test.abort(`target not ready: GET ${spec.baseUrl}/ready answered ${res.status}`);
  }
  loadStart.add(1);
}

/** One iteration: one request (a single webhook or a batch), its body a pure function of (seed, iteration). */
export default function (): void {
  const started = Date.now();
  const n = exec.scenario.iterationInTest;
  if (n >= spec.maxRequests) {
    capped.add(1);
    // A closed model would otherwise spin through empty iterations until the duration ends.
    if (closedModel) sleep(Math.max(pacingSeconds, 1));
    return;
  }
  const request = iterationRequest(spec.payload, spec.seed, n, spec.failedAt);
  // The scenario tag (and LOAD_TAGS) mark load samples; every extra tag would be repeated on ~12 samples.
  const tags = LOAD_TAGS;
  const signed =
    secret === ''
      ? headers
      : {
          ...headers,
          [SIGNATURE_HEADER]: signatureValue(crypto.hmac('sha256', secret, request.body, 'hex')),
        };
  http.post(`${spec.baseUrl}${request.path}`, request.body, { headers: signed, tags, timeout });
  if (request.items > 1) extraItems.add(request.items - 1, tags);
  // Arrival-rate executors pace themselves; closed models get the profile's minimum seconds per iteration.
  if (closedModel && pacingSeconds > 0) {
    const left = pacingSeconds - (Date.now() - started) / 1000;
    if (left > 0) sleep(left);
  }
}

/** Writes the runner's summary file and prints a short text summary (k6's default one is replaced). */
export function handleSummary(data: unknown): Record<string, string> {
  const summary = summarize(data);
  const out: Record<string, string> = { stdout: textSummary(summary) };
  if (summaryPath !== undefined && summaryPath !== '') out[summaryPath] = JSON.stringify(summary);
  return out;
}
