import type { ProcessResult } from '../pipeline/outcome.js';
import { isSuccess } from '../pipeline/outcome.js';
import { redactText } from '../pipeline/redact.js';

const INPUT_PROBLEMS = new Set([
  'TFX_RESOURCE_NOT_FOUND',
  'TFX_RESOURCE_AMBIGUOUS',
  'TFX_REPO_NOT_MAPPED',
  'TFX_FIX_INVALID',
  'TFX_FIX_EMPTY',
  'TFX_HCL_PARSE',
  'TFX_MODEL_OUTPUT',
]);

/**
 * HTTP status for a processed failure: 200 when a PR exists or nothing was needed; 503 (retry later) when
 * retries of a transient fault ran out; 502 when a service failed for good; 422 when the failure could not be
 * fixed (resource not in the repository, fix rejected by validation).
 */
export function httpStatusOf(result: ProcessResult): number {
  const { outcome } = result;
  // No repository mapped: as before the outcome had its own kind, the sender learns the failure was not handled.
  if (outcome.kind === 'skipped_unmapped') return 422;
  if (outcome.kind !== 'failed') return 200;
  if (outcome.category === 'transient' || outcome.category === 'throttled') return 503;
  if (INPUT_PROBLEMS.has(outcome.code)) return 422;
  if (outcome.code === 'TFX_INTERNAL') return 500;
  return 502;
}

const MESSAGES = {
  completed: 'Pull request opened',
  skipped_duplicate: 'Failure already processed or in progress (skipped)',
  skipped_resolved: 'Test no longer failing (skipped)',
  skipped_unmapped: 'No repository mapped for the resource (skipped)',
} as const;

/** The JSON body for one processed failure (`/webhook`, `/batch` items, `/jobs/:id`). */
export function resultView(result: ProcessResult) {
  const { outcome } = result;
  const timings = Object.fromEntries(
    Object.entries(result.timings).map(([k, v]) => [k, Math.round(v * 1000) / 1000]),
  );
  const base = {
    success: isSuccess(outcome),
    outcome: outcome.kind,
    failure_hash: result.key,
    timings_ms: timings,
    ...(Object.keys(result.retries).length > 0 ? { attempts: result.retries } : {}),
  };
  switch (outcome.kind) {
    case 'completed':
      return {
        ...base,
        pr_url: outcome.prUrl,
        pr_reused: outcome.reused,
        changed_attributes: outcome.changedAttributes,
        validation: redactText(outcome.validation),
        message: MESSAGES.completed,
      };
    case 'skipped_duplicate':
      return {
        ...base,
        pr_url: null,
        status: outcome.status,
        reason: outcome.reason,
        message: MESSAGES.skipped_duplicate,
      };
    case 'skipped_resolved':
      return { ...base, pr_url: null, message: MESSAGES.skipped_resolved };
    case 'skipped_unmapped':
      return {
        ...base,
        pr_url: null,
        resource_arn: outcome.resourceArn,
        message: MESSAGES.skipped_unmapped,
      };
    case 'failed':
      return {
        ...base,
        pr_url: null,
        error: {
          code: outcome.code,
          category: outcome.category,
          stage: outcome.stage,
          message: redactText(outcome.message),
        },
        message: 'Processing failed',
      };
  }
}
