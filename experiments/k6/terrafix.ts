/**
 * The one k6 script for every experiment, driven by a spec file (spec.ts) the runner writes:
 *   k6 run -e TERRAFIX_SPEC=/abs/spec.json [-e TERRAFIX_SUMMARY=/abs/summary.json] --out json=k6.ndjson dist/terrafix.js
 * k6 0.47 runs no TypeScript: `npm run build:k6` bundles this file (with the shared payload generator) into
 * dist/terrafix.js as CommonJS, which k6 compiles directly (an ES module would first go through k6's embedded
 * Babel). Request bodies come from experiments/payloads.ts, the same generator the built-in engine uses, keyed by
 * the iteration number across all VUs, so both engines send the same requests for a seed; body templates are
 * rendered once for all VUs (a SharedArray) and filled by concatenation, so a VU spends its time sending.
 * k6 runs this in goja, an interpreter where every allocation and host call counts: an iteration reads one
 * cached object, fills one body template and sends it with constant params; tags come from the scenario, and
 * the only custom samples are rare (batches, the maxRequests cap). `npm run bench:k6` measures it against a
 * trivial script.
 * With TERRAFIX_WEBHOOK_SECRET in k6's environment, each request is signed (experiments/signature.ts).
 */
import { sleep } from 'k6';
import crypto from 'k6/crypto';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Gauge } from 'k6/metrics';
import type { Options } from 'k6/options';
import {
  type BodyTable,
  bodyMaker,
  bodyTable,
  isPlainWebhookMix,
  ITEM_STRIDE,
  requestGenerator,
} from '../payloads.js';
import { SIGNATURE_HEADER, signatureValue } from '../signature.js';
import { buildOptions, isOpenModel, stopRules } from './options.js';
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
/** Closed models get the profile's minimum seconds per iteration; arrival-rate executors pace themselves. */
const paced = closedModel && pacingSeconds > 0;
const { baseUrl, maxRequests } = spec;
/** Milliseconds as a number: k6 takes it as it is, where a string goes through its duration parser per request. */
const timeout = spec.requestTimeoutMs;
const headers = { 'Content-Type': 'application/json' };
// From k6's environment, never from the spec file or an argument (k6 copies its environment into __ENV).
const secret = __ENV['TERRAFIX_WEBHOOK_SECRET'] ?? '';
/** One params object for every unsigned request: k6's scenario tag marks the samples, no tag of ours. */
const params = { headers, timeout };
/**
 * The body templates, rendered once for all VUs (k6 runs the callback in the first init context only); a VU's
 * init then copies them instead of rendering them itself (tens of ms per VU for a mixed-size payload). The copy
 * goes through JSON because SharedArray items are deeply frozen, and goja reads a frozen array's elements
 * through property descriptors: that alone cost ~40 µs per request, a third of k6's whole CPU per request.
 */
const bodies = new SharedArray('terrafix-bodies', (): BodyTable[] => [
  bodyTable(spec.payload, spec.failedAt),
]);
const table = JSON.parse(JSON.stringify(bodies[0])) as BodyTable;
const nextRequest = requestGenerator(spec.payload, spec.seed, spec.failedAt, table);
/** Unsigned single webhooks (most load) skip the request object: one body call and one post per iteration. */
const plainBody =
  secret === '' && isPlainWebhookMix(spec.payload)
    ? bodyMaker(spec.payload, spec.seed, spec.failedAt, table, ITEM_STRIDE)
    : null;
const webhookUrl = `${baseUrl}/webhook${spec.payload.mode === 'async' ? '?mode=async' : ''}`;
/** Read once per VU, not through the bundle's module interop object on every request. */
const post = http.post;
/**
 * `exec.scenario` builds a fresh object of host accessors on every read; its accessors read the VU's live
 * state, so one object per VU (the VU context only exists once iterations run) serves every iteration.
 */
let scenarioInfo: typeof exec.scenario | undefined;

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
  const started = paced ? Date.now() : 0;
  scenarioInfo ??= exec.scenario;
  const n = scenarioInfo.iterationInTest;
  if (n >= maxRequests) {
    capped.add(1);
    // A closed model would otherwise spin through empty iterations until the duration ends.
    if (closedModel) sleep(Math.max(pacingSeconds, 1));
    return;
  }
  if (plainBody !== null && !paced) {
    post(webhookUrl, plainBody(n), params);
    return;
  }
  const request = nextRequest(n);
  const signed =
    secret === ''
      ? params
      : {
          headers: {
            ...headers,
            [SIGNATURE_HEADER]: signatureValue(crypto.hmac('sha256', secret, request.body, 'hex')),
          },
          timeout,
        };
  post(baseUrl + request.path, request.body, signed);
  if (request.items > 1) extraItems.add(request.items - 1);
  if (paced) {
    const left = pacingSeconds - (Date.now() - started) / 1000;
    if (left > 0) sleep(left);
  }
}

/** Writes the runner's summary file and prints a short text summary (k6's default one is replaced). */
export function handleSummary(data: unknown): Record<string, string> {
  const summary = summarize(data, stopRules(spec));
  const out: Record<string, string> = { stdout: textSummary(summary) };
  if (summaryPath !== undefined && summaryPath !== '') out[summaryPath] = JSON.stringify(summary);
  return out;
}
