/**
 * Request bodies for load runs, shared by the built-in engine and the k6 scripts (bundled): pure, no Node APIs.
 * Iteration n of a run is a deterministic function of (seed, n), so a run is reproducible at any concurrency.
 * Bodies are cheap: each (template, target, size, failed_at) is rendered once into a body template with holes
 * for the unique id and the severity, then filled by string concatenation (k6 VUs would otherwise spend most of
 * their time building objects and JSON; see `failureBody`). Load generators use `requestGenerator` (and k6's
 * plain-webhook path `bodyMaker` alone), which hash the seed once and draw without allocating: in k6's JavaScript
 * VM every closure, object and string key counts (`iterationRequest` is the readable reference they must match
 * byte for byte).
 */
import type { FailureInput, RepoSize } from '../src/pipeline/failure.js';
import { fnv1a, mix32, mulberry32 } from '../src/simulation/synth/prng.js';
import { type SyntheticTarget, syntheticTargets } from '../src/simulation/synth/targets.js';
import {
  makeFailure,
  SEVERITIES,
  TEMPLATE_NAMES,
  TEMPLATES,
  type TemplateName,
  type TemplateSeverity,
  uniqueIdFor,
  uniqueNumberFor,
} from '../src/simulation/synth/templates.js';

/** The part of a run's payload mix the generator needs (see profiles/schema.ts). */
export interface PayloadMixInput {
  endpoint: 'webhook' | 'batch' | 'mixed';
  mode: 'sync' | 'async';
  templates?: readonly TemplateName[] | undefined;
  duplicateRatio: number;
  batchSize?: { min: number; max: number } | undefined;
  batchRatio: number;
  repoSize: RepoSize | 'mixed';
}

export interface IterationRequest {
  /** Path with query, e.g. `/webhook?mode=async`. */
  path: string;
  body: string;
  /** Failure records in the body. */
  items: number;
  /** Whether this iteration resends an earlier failure. */
  duplicate: boolean;
}

const SIZES: readonly RepoSize[] = ['small', 'medium', 'large'];
/** Duplicates are drawn from the first failures of the run (as the earlier harness did), so they really repeat. */
const DUPLICATE_POOL = 100;
/** Item ids of iteration n are n * ITEM_STRIDE + j; batches hold at most this many items. */
export const ITEM_STRIDE = 1000;

/** Targets a template applies to, per size (computed once per process or k6 VU). */
const targetCache = new Map<string, readonly SyntheticTarget[]>();
function targetsOf(template: TemplateName, size: RepoSize): readonly SyntheticTarget[] {
  const key = `${template}|${size}`;
  let targets = targetCache.get(key);
  if (targets === undefined) {
    targets = syntheticTargets(size).filter((t) => t.cfnType === TEMPLATES[template].resourceType);
    targetCache.set(key, targets);
  }
  return targets;
}

interface Draw {
  template: TemplateName;
  target: SyntheticTarget;
  size: RepoSize;
  severity: TemplateSeverity;
}

/**
 * The choices behind failure `id`: the number behind its unique id (a bijection of the id) xor a seed hash, read
 * as mixed-radix digits (size, template, severity) and the target from what is left. Each choice is uniform
 * (bias below 1e-6) and costs a few integer operations: a stream of pseudo-random draws per failure cost k6's
 * interpreter more than sending the request.
 */
function drawFailure(mix: PayloadMixInput, seed: number, id: number): Draw {
  let u = (uniqueNumberFor(seed, id) ^ fnv1a(`item:${seed}`)) >>> 0;
  const sizes = sizesOf(mix);
  const templates = mix.templates ?? TEMPLATE_NAMES;
  const size = sizes[u % sizes.length]!;
  u = (u / sizes.length) >>> 0;
  const template = templates[u % templates.length]!;
  u = (u / templates.length) >>> 0;
  const severity = SEVERITIES[u % SEVERITIES.length]!;
  u = (u / SEVERITIES.length) >>> 0;
  const targets = targetsOf(template, size);
  return { template, target: targets[u % targets.length]!, size, severity };
}

/** Failure number `id` of a run: unique per id, reproducible from the seed. */
export function failureFor(mix: PayloadMixInput, seed: number, id: number, failedAt: string): FailureInput {
  const d = drawFailure(mix, seed, id);
  return makeFailure({ ...d, uniqueId: uniqueIdFor(seed, id), failedAt });
}

const ID_HOLE = '~tfx-id~';
const SEVERITY_HOLE = '~tfx-severity~';
const HOLES = /~tfx-id~|~tfx-severity~/;
/** Rendered body templates: [before id, before severity, before id, rest]; reset when failed_at changes. */
const bodyTemplates = new Map<string, readonly string[] | null>();
let templatesFailedAt = '';

/** The body template of one draw: [before id, before severity, before id, rest]; null when it cannot be split. */
function bodyPartsOf(d: Omit<Draw, 'severity'>, failedAt: string): readonly string[] | null {
  const rendered = JSON.stringify(
    makeFailure({ ...d, uniqueId: ID_HOLE, failedAt, severity: SEVERITY_HOLE as TemplateSeverity }),
  ).split(HOLES);
  // The holes must come out in the order of makeFailure's keys; anything else falls back to the slow path.
  return rendered.length === 4 ? rendered : null;
}

/** `JSON.stringify(failureFor(...))`, from a precomputed template (identical bytes, a fraction of the work). */
export function failureBody(mix: PayloadMixInput, seed: number, id: number, failedAt: string): string {
  const d = drawFailure(mix, seed, id);
  const uniqueId = uniqueIdFor(seed, id);
  if (failedAt !== templatesFailedAt || bodyTemplates.size > 50_000) {
    bodyTemplates.clear();
    templatesFailedAt = failedAt;
  }
  const key = `${d.template}|${d.size}|${d.target.address}`;
  let parts = bodyTemplates.get(key);
  if (parts === undefined) {
    parts = bodyPartsOf(d, failedAt);
    bodyTemplates.set(key, parts);
  }
  if (parts === null) return JSON.stringify(makeFailure({ ...d, uniqueId, failedAt }));
  return `${parts[0]}${uniqueId}${parts[1]}${d.severity}${parts[2]}${uniqueId}${parts[3]}`;
}

/** The request of iteration `n` (0-based, counted across all VUs of the run). */
export function iterationRequest(
  mix: PayloadMixInput,
  seed: number,
  n: number,
  failedAt: string,
): IterationRequest {
  const rng = mulberry32(mix32(fnv1a(`iter:${seed}`) ^ mix32(n)));
  const query = mix.mode === 'async' ? '?mode=async' : '';
  const duplicate = n > 0 && rng.next() < mix.duplicateRatio;
  const batch = mix.endpoint === 'batch' || (mix.endpoint === 'mixed' && rng.next() < mix.batchRatio);
  const idOf = (j: number): number => {
    if (!duplicate) return n * ITEM_STRIDE + j;
    const earlier = rng.int(Math.min(n, DUPLICATE_POOL));
    return earlier * ITEM_STRIDE + j;
  };
  if (!batch) {
    return {
      path: `/webhook${query}`,
      body: failureBody(mix, seed, idOf(0), failedAt),
      items: 1,
      duplicate,
    };
  }
  const { min, max } = mix.batchSize ?? { min: 1, max: 1 };
  const size = Math.min(ITEM_STRIDE, min + rng.int(max - min + 1));
  const items = Array.from({ length: size }, (_, j) => failureBody(mix, seed, idOf(j), failedAt));
  return { path: `/batch${query}`, body: `[${items.join(',')}]`, items: size, duplicate };
}

/**
 * Every body template of a mix, [size][template][target] (the orders of drawFailure's digits): the parts around
 * the holes, or null where a body must be rendered whole. Plain data, so k6 renders it once for all VUs.
 */
export type BodyTable = (readonly string[] | null)[][][];

const sizesOf = (mix: PayloadMixInput): readonly RepoSize[] =>
  mix.repoSize === 'mixed' ? SIZES : [mix.repoSize];

export function bodyTable(mix: PayloadMixInput, failedAt: string): BodyTable {
  return sizesOf(mix).map((size) =>
    (mix.templates ?? TEMPLATE_NAMES).map((template) =>
      targetsOf(template, size).map((target) => bodyPartsOf({ template, target, size }, failedAt)),
    ),
  );
}

/** Whether every request of the mix is a single webhook that is never a duplicate (most load). */
export function isPlainWebhookMix(mix: PayloadMixInput): boolean {
  return mix.endpoint === 'webhook' && !(mix.duplicateRatio > 0);
}

/**
 * `(id) => failureBody(mix, seed, id, failedAt)`, drawing as drawFailure does, with everything that depends only
 * on the run computed once: the seed hashes, the list lengths and the body templates (`table`, which must be
 * `bodyTable(mix, failedAt)`), found by index. In k6 a plain webhook iteration is one call of this and one
 * `http.post`: no request object, no other frame (k6's VM reallocates its value stack for every iteration, so each
 * frame and local costs memory the garbage collector then reclaims).
 */
export function bodyMaker(
  mix: PayloadMixInput,
  seed: number,
  failedAt: string,
  table: BodyTable = bodyTable(mix, failedAt),
): (id: number) => string {
  const itemSeed = fnv1a(`item:${seed}`);
  const streamHash = fnv1a(`stream:${seed >>> 0}`);
  const head = streamHash % 36;
  /** head·36^7 + x, in base 36, is uniqueIdFor's head character and x padded to 7 digits (one host call). */
  const headBase = head * 78_364_164_096; // 36^7
  const sizes = sizesOf(mix);
  const templates = mix.templates ?? TEMPLATE_NAMES;
  const sizeCount = sizes.length;
  const templateCount = templates.length;
  if (SEVERITIES.length !== 4) throw new Error('payloads: the severity digit assumes four severities');
  return (id) => {
    // uniqueNumberFor(seed, id): mix32 inlined (a call costs goja as much as the arithmetic).
    let x = (id + streamHash) >>> 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    x >>>= 0;
    const uniqueId = head === 0 ? `0${x.toString(36).padStart(7, '0')}` : (headBase + x).toString(36);
    let u = (x ^ itemSeed) >>> 0;
    const s = u % sizeCount;
    u = (u / sizeCount) >>> 0;
    const t = u % templateCount;
    u = (u / templateCount) >>> 0;
    const severity = SEVERITIES[u & 3]!;
    const byTarget = table[s]![t]!;
    const k = (u >>> 2) % byTarget.length;
    const p = byTarget[k]!;
    if (p === null) {
      const d = { template: templates[t]!, size: sizes[s]!, severity };
      const target = targetsOf(d.template, d.size)[k]!;
      return JSON.stringify(makeFailure({ ...d, target, uniqueId, failedAt }));
    }
    return `${p[0]}${uniqueId}${p[1]}${severity}${p[2]}${uniqueId}${p[3]}`;
  };
}

/**
 * `(n) => iterationRequest(mix, seed, n, failedAt)`: `bodyMaker`'s bodies, plus the iteration's own draws
 * (duplicates, batches) from a stream kept without allocating.
 */
export function requestGenerator(
  mix: PayloadMixInput,
  seed: number,
  failedAt: string,
  table: BodyTable = bodyTable(mix, failedAt),
): (n: number) => IterationRequest {
  const body = bodyMaker(mix, seed, failedAt, table);
  const iterSeed = fnv1a(`iter:${seed}`);
  const query = mix.mode === 'async' ? '?mode=async' : '';
  const webhookPath = `/webhook${query}`;
  const batchPath = `/batch${query}`;
  const { min, max } = mix.batchSize ?? { min: 1, max: 1 };
  const duplicateRatio = mix.duplicateRatio;
  /** The iteration's stream of draws (duplicates, batches), kept without allocating: `Rng.next()`. */
  let state = 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** `Rng.int(k)`: `| 0` is Math.floor for these values (non-negative, below 2^31) and cheaper in goja. */
  const int = (k: number): number => (next() * k) | 0;

  // Single webhooks that are never duplicates draw nothing from the iteration stream (`next() < 0` is never
  // true, and nothing is drawn after it), which is most load.
  const plainWebhooks = isPlainWebhookMix(mix);
  return (n) => {
    if (plainWebhooks) return { path: webhookPath, body: body(n * ITEM_STRIDE), items: 1, duplicate: false };
    state = mix32(iterSeed ^ mix32(n));
    const duplicate = n > 0 && next() < duplicateRatio;
    const batch = mix.endpoint === 'batch' || (mix.endpoint === 'mixed' && next() < mix.batchRatio);
    const pool = n < DUPLICATE_POOL ? n : DUPLICATE_POOL;
    if (!batch) {
      const id = duplicate ? int(pool) * ITEM_STRIDE : n * ITEM_STRIDE;
      return { path: webhookPath, body: body(id), items: 1, duplicate };
    }
    const size = Math.min(ITEM_STRIDE, min + int(max - min + 1));
    let text = '[';
    for (let j = 0; j < size; j++) {
      const id = (duplicate ? int(pool) : n) * ITEM_STRIDE + j;
      text += j === 0 ? body(id) : `,${body(id)}`;
    }
    return { path: batchPath, body: `${text}]`, items: size, duplicate };
  };
}
