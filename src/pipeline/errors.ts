/**
 * Errors carry a stable code, a category that decides retrying, and the original cause.
 * Vendor errors are translated into these at the adapter edge; the core never sees SDK error types.
 */
export type ErrorCategory = 'transient' | 'throttled' | 'permanent' | 'config' | 'validation';

export type ErrorCode =
  | 'TFX_TRANSIENT'
  | 'TFX_THROTTLED'
  | 'TFX_TIMEOUT'
  | 'TFX_PERMANENT'
  | 'TFX_CONFIG'
  | 'TFX_INVALID_INPUT'
  | 'TFX_REPO_NOT_MAPPED'
  | 'TFX_RESOURCE_NOT_FOUND'
  | 'TFX_RESOURCE_AMBIGUOUS'
  | 'TFX_HCL_PARSE'
  | 'TFX_FIX_INVALID'
  | 'TFX_FIX_EMPTY'
  | 'TFX_MODEL_OUTPUT'
  | 'TFX_STATE_STORE'
  | 'TFX_RESOLVED'
  | 'TFX_QUEUE_FULL'
  | 'TFX_NOT_FOUND'
  | 'TFX_UNREACHABLE'
  | 'TFX_RUN_FAILED'
  | 'TFX_SHUTTING_DOWN'
  /** Not an error: the job waits (a PR cap) and runs again later. */
  | 'TFX_DEFERRED'
  | 'TFX_INTERNAL';

export interface TerraFixErrorOptions {
  category: ErrorCategory;
  cause?: unknown;
  /** Server-requested wait before retrying (throttling), in milliseconds. */
  retryAfterMs?: number;
  /** Field path for validation errors, e.g. `stages.clone_repo.latency.p99Ms`. */
  field?: string;
}

export class TerraFixError extends Error {
  override readonly name = 'TerraFixError';
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  readonly retryAfterMs: number | undefined;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: TerraFixErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.category = options.category;
    this.retryAfterMs = options.retryAfterMs;
    this.field = options.field;
  }

  get retryable(): boolean {
    return this.category === 'transient' || this.category === 'throttled';
  }
}

/** Wraps anything thrown into a TerraFixError, keeping it as the cause. Unknown errors are internal and permanent. */
export function toTerraFixError(error: unknown): TerraFixError {
  if (error instanceof TerraFixError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TerraFixError('TFX_INTERNAL', message, { category: 'permanent', cause: error });
}
