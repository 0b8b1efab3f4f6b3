/**
 * Request bodies for load runs, shared by the built-in engine and the k6 scripts (bundled): pure, no Node APIs.
 * Iteration n of a run is a deterministic function of (seed, n), so a run is reproducible at any concurrency.
 * Bodies are cheap: each (template, target, size, failed_at) is rendered once into a body template with holes
 * for the unique id and the severity, then filled by string concatenation (k6 VUs would otherwise spend most of
 * their time building objects and JSON; see `failureBody`).
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
const ITEM_STRIDE = 1000;

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

/** The random choices behind failure `id` (the same draws, in the same order, as always). */
function drawFailure(mix: PayloadMixInput, seed: number, id: number): Draw {
  const rng = mulberry32(mix32(fnv1a(`item:${seed}`) ^ mix32(id)));
  const size = mix.repoSize === 'mixed' ? rng.pick(SIZES) : mix.repoSize;
  const template = rng.pick(mix.templates ?? TEMPLATE_NAMES);
  const target = rng.pick(targetsOf(template, size));
  return { template, target, size, severity: rng.pick(SEVERITIES) };
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
    const rendered = JSON.stringify(
      makeFailure({ ...d, uniqueId: ID_HOLE, failedAt, severity: SEVERITY_HOLE as TemplateSeverity }),
    ).split(HOLES);
    // The holes must come out in the order of makeFailure's keys; anything else falls back to the slow path.
    parts = rendered.length === 4 ? rendered : null;
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
