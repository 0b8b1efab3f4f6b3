/**
 * Request bodies for load runs, shared by the built-in engine and the k6 scripts (bundled): pure, no Node APIs.
 * Iteration n of a run is a deterministic function of (seed, n), so a run is reproducible at any concurrency.
 */
import type { FailureInput, RepoSize } from '../src/pipeline/failure.js';
import { fnv1a, mix32, mulberry32 } from '../src/simulation/synth/prng.js';
import { syntheticTargets } from '../src/simulation/synth/targets.js';
import {
  makeFailure,
  SEVERITIES,
  TEMPLATE_NAMES,
  TEMPLATES,
  type TemplateName,
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

/** Failure number `id` of a run: unique per id, reproducible from the seed. */
export function failureFor(mix: PayloadMixInput, seed: number, id: number, failedAt: string): FailureInput {
  const rng = mulberry32(mix32(fnv1a(`item:${seed}`) ^ mix32(id)));
  const size = mix.repoSize === 'mixed' ? rng.pick(SIZES) : mix.repoSize;
  const names = mix.templates ?? TEMPLATE_NAMES;
  const template = rng.pick(names);
  const targets = syntheticTargets(size).filter((t) => t.cfnType === TEMPLATES[template].resourceType);
  return makeFailure({
    template,
    target: rng.pick(targets),
    uniqueId: uniqueIdFor(seed, id),
    size,
    failedAt,
    severity: rng.pick(SEVERITIES),
  });
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
      body: JSON.stringify(failureFor(mix, seed, idOf(0), failedAt)),
      items: 1,
      duplicate,
    };
  }
  const { min, max } = mix.batchSize ?? { min: 1, max: 1 };
  const size = Math.min(ITEM_STRIDE, min + rng.int(max - min + 1));
  const items = Array.from({ length: size }, (_, j) => failureFor(mix, seed, idOf(j), failedAt));
  return { path: `/batch${query}`, body: JSON.stringify(items), items: size, duplicate };
}
