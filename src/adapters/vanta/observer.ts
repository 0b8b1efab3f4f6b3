/**
 * What the Vanta adapter reports, for metrics (observability/vanta-metrics.ts implements it) and tests. Retries
 * inside the client are invisible to the pipeline's own counters, so they are reported here.
 */
import type { ErrorCode } from '../../pipeline/errors.js';

export type VantaEndpoint = 'token' | 'tests' | 'entities';

/** Why a failing entity (or a test) did not become a failure record. */
export const SKIP_REASONS = [
  /** The test item in a page is not a test (missing id or name). */
  'invalid_test',
  /** The entity item in a page is not an entity (missing id or displayName). */
  'invalid_entity',
  /** Neither the known-test table nor the entity's responseType names a Terraform-managed AWS type. */
  'unsupported_resource_type',
  /** The record built from it fails the failure schema (e.g. a test id longer than 256 characters). */
  'invalid_record',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface VantaObserver {
  /** One HTTP answer (or `network` when none came). */
  requestFinished(endpoint: VantaEndpoint, status: number | 'network'): void;
  /** A request is tried again after a throttle, a 5xx, a timeout or a network error. */
  retried(endpoint: VantaEndpoint, code: ErrorCode): void;
  tokenMinted(): void;
  /** A 401 on a token TerraFix held (revoked or expired): one re-mint follows. */
  tokenRejected(): void;
  skipped(reason: SkipReason): void;
}

export const noopVantaObserver: VantaObserver = {
  requestFinished: () => undefined,
  retried: () => undefined,
  tokenMinted: () => undefined,
  tokenRejected: () => undefined,
  skipped: () => undefined,
};
