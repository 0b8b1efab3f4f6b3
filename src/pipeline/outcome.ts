import { type ErrorCategory, type ErrorCode, toTerraFixError } from './errors.js';
import type { FixSource } from './ports.js';
import type { FailureStatus } from './state-store.js';
import type { Stage, StageTimings } from './stages.js';

/** Every way processing a failure can end. Metrics, state and reports switch on `kind` exhaustively. */
export type Outcome =
  | {
      kind: 'completed';
      prUrl: string;
      prNumber: number;
      reused: boolean;
      changedAttributes: string[];
      validation: string;
      /** Who wrote the fix, and which playbook when one did. */
      fix: { source: FixSource; playbook?: string };
      /** The PR is open, but the state store stayed unreachable: its record is held and written once it is back. */
      recordPending?: true;
    }
  | { kind: 'skipped_duplicate'; status: FailureStatus; reason: string }
  | { kind: 'skipped_resolved' }
  /** No GITHUB_REPO_MAPPING entry (and no default) covers the resource: counted, not an error. */
  | { kind: 'skipped_unmapped'; resourceArn: string }
  | {
      kind: 'failed';
      code: ErrorCode;
      category: ErrorCategory;
      stage: Stage | 'claim' | 'record';
      message: string;
    };

export type OutcomeKind = Outcome['kind'];

export interface ProcessResult {
  /** Failure key (sha256 hex of `test_id-resource_arn`). */
  key: string;
  outcome: Outcome;
  /** Milliseconds per stage that ran, plus total_processing. */
  timings: StageTimings;
  /** Attempts used per external stage that needed more than one. */
  retries: Partial<Record<Stage, number>>;
  /** Unified diff of the fix (present when a fix was generated). */
  diff?: string;
  /** Token usage of the model call, when one was made. */
  usage?: { inputTokens: number; outputTokens: number };
}

/** True for outcomes that count as success for clients (a PR exists or nothing needed doing). */
export function isSuccess(outcome: Outcome): boolean {
  switch (outcome.kind) {
    case 'completed':
    case 'skipped_duplicate':
    case 'skipped_resolved':
      return true;
    case 'skipped_unmapped': // something needed doing, but no repository is configured for it
    case 'failed':
      return false;
  }
}

/** The result of a job whose handler threw (a bug or a lost dependency): failed at `record`, with the error's code. */
export function thrownResult(key: string, error: unknown): ProcessResult {
  const e = toTerraFixError(error);
  return {
    key,
    outcome: { kind: 'failed', code: e.code, category: e.category, stage: 'record', message: e.message },
    timings: {},
    retries: {},
  };
}
