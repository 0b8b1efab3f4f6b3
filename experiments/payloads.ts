/**
 * Request bodies for load runs, shared by the built-in engine and the k6 scripts (bundled): pure, no Node APIs.
 * Iteration n of a run is a deterministic function of (seed, n), so a run is reproducible at any concurrency.
 * Bodies are cheap: each (template, target, size, severity, failed_at) is rendered once into a body template
 * with two holes for the unique id, then filled by string concatenation (k6 VUs would otherwise spend most of
 * their time building objects and JSON; see `failureBody`). Load generators use `requestGenerator` (and k6's
 * plain-webhook path `bodyMaker` alone), which derive the seed's numbers once and draw with a few integer
 * operations: in k6's JavaScript VM every operation, closure, object and string key counts (`iterationRequest`
 * is the readable reference they must match byte for byte).
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
 * Iterations a run may have: payload numbers stay exact (below 2^53, in doubles and in k6's integers alike) up to
 * here, and ids stay unique (see `PayloadNumbers`).
 */
export const MAX_ITERATIONS = 100_000_000;
const TWO_32 = 4_294_967_296;

/**
 * The numbers behind a seed's payloads. Failure `id` gets x = (id·stride + offset) mod 2^32: the stride is odd, so
 * x is a bijection of id mod 2^32 (single webhooks, ids n·ITEM_STRIDE, are unique for every n below 2^29; batch
 * items for every id below 2^32). Its unique id is x in base 36 after a head character from the seed, and its
 * draws come from u = x xor (x >> 16) (a Weyl sequence alone would repeat the same rotation of templates).
 * Three integer operations per failure, where a hash such as mix32 took a dozen: k6's interpreter allocates for
 * every one of them (see `bodyMaker`).
 */
interface PayloadNumbers {
  /** Odd, in [2^15, 2^16): id·stride < 2^53 for every id of MAX_ITERATIONS iterations. */
  stride: number;
  offset: number;
  /** The first character of every unique id, as a digit (0-35). */
  head: number;
}

function payloadNumbers(seed: number): PayloadNumbers {
  const key = seed >>> 0;
  return {
    stride: (fnv1a(`stride:${key}`) & 0x7fff) | 0x8001,
    offset: fnv1a(`offset:${key}`),
    head: fnv1a(`stream:${key}`) % 36,
  };
}

/** x of failure `id` (see PayloadNumbers). */
function payloadNumber(numbers: PayloadNumbers, id: number): number {
  return (id * numbers.stride + numbers.offset) % TWO_32;
}

/** The unique id of x: 8 characters of [0-9a-z]. */
function payloadId(numbers: PayloadNumbers, x: number): string {
  return `${numbers.head.toString(36)}${x.toString(36).padStart(7, '0')}`;
}

/** u of x: what the draws are read from. */
const drawNumber = (x: number): number => (x ^ (x >>> 16)) >>> 0;

const sizesOf = (mix: PayloadMixInput): readonly RepoSize[] =>
  mix.repoSize === 'mixed' ? SIZES : [mix.repoSize];

/**
 * The choices behind u: (size, template) is u mod (sizes × templates), size-major; then (target, severity) is
 * (u >> 8) mod (targets × 4), target-major. Each choice is uniform over a run.
 */
function drawOf(mix: PayloadMixInput, u: number): Draw {
  const sizes = sizesOf(mix);
  const templates = mix.templates ?? TEMPLATE_NAMES;
  const st = u % (sizes.length * templates.length);
  const size = sizes[Math.floor(st / templates.length)]!;
  const template = templates[st % templates.length]!;
  const targets = targetsOf(template, size);
  const kv = (u >>> 8) % (targets.length * SEVERITIES.length);
  return {
    template,
    size,
    target: targets[Math.floor(kv / SEVERITIES.length)]!,
    severity: SEVERITIES[kv % SEVERITIES.length]!,
  };
}

/** Failure number `id` of a run: unique per id, reproducible from the seed. */
export function failureFor(mix: PayloadMixInput, seed: number, id: number, failedAt: string): FailureInput {
  const numbers = payloadNumbers(seed);
  const x = payloadNumber(numbers, id);
  return makeFailure({ ...drawOf(mix, drawNumber(x)), uniqueId: payloadId(numbers, x), failedAt });
}

const ID_HOLE = '~tfx-id~';
/** A body template: [before the id, between the two ids, after]. */
type BodyParts = readonly [string, string, string];
/** Rendered body templates; reset when failed_at changes. */
const bodyTemplates = new Map<string, BodyParts | null>();
let templatesFailedAt = '';

/** The body template of one draw; null when it cannot be split (the id must appear exactly twice). */
function bodyPartsOf(d: Draw, failedAt: string): BodyParts | null {
  const parts = JSON.stringify(makeFailure({ ...d, uniqueId: ID_HOLE, failedAt })).split(ID_HOLE);
  return parts.length === 3 ? [parts[0]!, parts[1]!, parts[2]!] : null;
}

/** `JSON.stringify(failureFor(...))`, from a precomputed template (identical bytes, a fraction of the work). */
export function failureBody(mix: PayloadMixInput, seed: number, id: number, failedAt: string): string {
  const numbers = payloadNumbers(seed);
  const x = payloadNumber(numbers, id);
  const d = drawOf(mix, drawNumber(x));
  const uniqueId = payloadId(numbers, x);
  if (failedAt !== templatesFailedAt || bodyTemplates.size > 50_000) {
    bodyTemplates.clear();
    templatesFailedAt = failedAt;
  }
  const key = `${d.template}|${d.size}|${d.target.address}|${d.severity}`;
  let parts = bodyTemplates.get(key);
  if (parts === undefined) {
    parts = bodyPartsOf(d, failedAt);
    bodyTemplates.set(key, parts);
  }
  if (parts === null) return JSON.stringify(makeFailure({ ...d, uniqueId, failedAt }));
  return `${parts[0]}${uniqueId}${parts[1]}${uniqueId}${parts[2]}`;
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
 * Every body template of a mix, in drawOf's order: [size × template][target × severity], the parts around the
 * two ids, or null where a body must be rendered whole. Plain data, so k6 renders it once for all VUs.
 */
export type BodyTable = (BodyParts | null)[][];

export function bodyTable(mix: PayloadMixInput, failedAt: string): BodyTable {
  return sizesOf(mix).flatMap((size) =>
    (mix.templates ?? TEMPLATE_NAMES).map((template) =>
      targetsOf(template, size).flatMap((target) =>
        SEVERITIES.map((severity) => bodyPartsOf({ template, target, size, severity }, failedAt)),
      ),
    ),
  );
}

/** Whether every request of the mix is a single webhook that is never a duplicate (most load). */
export function isPlainWebhookMix(mix: PayloadMixInput): boolean {
  return mix.endpoint === 'webhook' && !(mix.duplicateRatio > 0);
}

/**
 * `(k) => failureBody(mix, seed, k * stride, failedAt)`, with everything that depends only on the run computed
 * once (the payload numbers, the stride folded into the multiplier, the body templates: `table` must be
 * `bodyTable(mix, failedAt)`). k6 runs this for every request, in goja, an interpreter that allocates for the
 * result of every arithmetic operation, every call and every frame (and rebuilds its value stack for every
 * iteration): so it is a handful of operations, two array reads and one string concatenation. In k6 a plain
 * webhook iteration is one call of this (stride ITEM_STRIDE) and one `http.post`.
 */
export function bodyMaker(
  mix: PayloadMixInput,
  seed: number,
  failedAt: string,
  table: BodyTable = bodyTable(mix, failedAt),
  stride = 1,
): (k: number) => string {
  const numbers = payloadNumbers(seed);
  const multiplier = numbers.stride * stride;
  const { offset, head } = numbers;
  /** head·36^7 + x, in base 36, is the head character and x padded to 7 digits (one host call). */
  const headBase = head * 78_364_164_096; // 36^7
  const pairs = table.length;
  return (k) => {
    const x = (k * multiplier + offset) % TWO_32;
    const uniqueId = head === 0 ? `0${x.toString(36).padStart(7, '0')}` : (headBase + x).toString(36);
    const u = (x ^ (x >>> 16)) >>> 0;
    const byPair = table[u % pairs]!;
    const p = byPair[(u >>> 8) % byPair.length]!;
    if (p === null) return JSON.stringify(failureFor(mix, seed, k * stride, failedAt));
    return `${p[0]}${uniqueId}${p[1]}${uniqueId}${p[2]}`;
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
  const webhookBody = bodyMaker(mix, seed, failedAt, table, ITEM_STRIDE);
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
    if (plainWebhooks) return { path: webhookPath, body: webhookBody(n), items: 1, duplicate: false };
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
