/**
 * Bedrock Runtime errors (as the AWS SDK throws them) → TerraFix categories. Throttles and server-side trouble are
 * retried by the pipeline's one retry policy (the SDK makes one attempt); permissions, unknown models and
 * requests Bedrock refuses are configuration or permanent. The message names the exception and what to change,
 * never a credential (SDK errors carry none; the request, with its signature, is not kept).
 */
import { type ErrorCategory, type ErrorCode, TerraFixError } from '../../pipeline/errors.js';
import { isOnDemandRefusal, onDemandAdvice } from './model-id.js';

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: { code?: unknown };
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { headers?: Record<string, string | undefined> };
}

type Rule = { code: ErrorCode; category: ErrorCategory };

/** By exception name (rest-json `x-amzn-errortype` / `__type`, as the SDK sanitises it). */
const BY_NAME: Readonly<Record<string, Rule>> = {
  ThrottlingException: { code: 'TFX_THROTTLED', category: 'throttled' },
  ServiceUnavailableException: { code: 'TFX_TRANSIENT', category: 'transient' },
  InternalServerException: { code: 'TFX_TRANSIENT', category: 'transient' },
  ModelNotReadyException: { code: 'TFX_TRANSIENT', category: 'transient' },
  // The model took too long or failed mid-answer: another attempt may well succeed.
  ModelTimeoutException: { code: 'TFX_TIMEOUT', category: 'transient' },
  ModelErrorException: { code: 'TFX_TRANSIENT', category: 'transient' },
  TimeoutError: { code: 'TFX_TIMEOUT', category: 'transient' },
  RequestTimeout: { code: 'TFX_TIMEOUT', category: 'transient' },
  AccessDeniedException: { code: 'TFX_CONFIG', category: 'config' },
  UnrecognizedClientException: { code: 'TFX_CONFIG', category: 'config' },
  InvalidSignatureException: { code: 'TFX_CONFIG', category: 'config' },
  ExpiredTokenException: { code: 'TFX_CONFIG', category: 'config' },
  CredentialsProviderError: { code: 'TFX_CONFIG', category: 'config' },
  ResourceNotFoundException: { code: 'TFX_CONFIG', category: 'config' },
  ServiceQuotaExceededException: { code: 'TFX_CONFIG', category: 'config' },
  ValidationException: { code: 'TFX_PERMANENT', category: 'permanent' },
};

/** Could not reach Bedrock at all (the SDK's HTTP/2 handler wraps these in ERR_HTTP2_STREAM_CANCEL's cause). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** The connection broke mid-call. */
const BROKEN_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

const HINTS: Readonly<Record<string, string>> = {
  AccessDeniedException:
    "check the task role allows bedrock:InvokeModel on BEDROCK_MODEL_ID (and the profile's models) and that model access is granted",
  UnrecognizedClientException: 'check the AWS credentials the default provider chain finds',
  InvalidSignatureException: 'check the AWS credentials the default provider chain finds',
  ExpiredTokenException: 'the AWS session token has expired; check the credential source',
  CredentialsProviderError:
    'no AWS credentials found: use a task/instance role, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
  ResourceNotFoundException: 'check BEDROCK_MODEL_ID and AWS_REGION: the model is not available there',
  ServiceQuotaExceededException: 'a Bedrock service quota is exhausted; raise it or lower the load',
};

/** Retry-After (seconds or HTTP date) or x-amz-retry-after (ms) of the response, in ms. */
function retryAfterMs(
  headers: Record<string, string | undefined> | undefined,
  now: number,
): number | undefined {
  if (headers === undefined) return undefined;
  const find = (name: string): string | undefined =>
    Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const amz = Number(find('x-amz-retry-after'));
  if (Number.isFinite(amz) && amz >= 0) return amz;
  const header = find('retry-after')?.trim();
  if (header === undefined || header === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(header)) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface ErrorContext {
  modelId: string;
  region: string;
  now?: number;
}

/** Translates anything the SDK call threw; a TerraFixError passes through unchanged. */
export function translateBedrockError(thrown: unknown, context: ErrorContext): TerraFixError {
  if (thrown instanceof TerraFixError) return thrown;
  const e = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = (typeof e.message === 'string' ? e.message : String(thrown)).slice(0, 500);
  const status = e.$metadata?.httpStatusCode;
  const codes = [e.code, e.cause?.code].filter((c): c is string => typeof c === 'string');
  const detail = `Bedrock ${name}${status === undefined ? '' : ` (HTTP ${status})`}: ${message}`;

  if (name === 'ValidationException' && isOnDemandRefusal(message)) {
    return new TerraFixError('TFX_CONFIG', onDemandAdvice(context.modelId, context.region), {
      category: 'config',
      cause: thrown,
      field: 'BEDROCK_MODEL_ID',
    });
  }
  if (name === 'AbortError') {
    return new TerraFixError('TFX_SHUTTING_DOWN', 'Bedrock call aborted', {
      category: 'transient',
      cause: thrown,
    });
  }
  let rule: Rule | undefined = BY_NAME[name];
  // An error the SDK could not type (no x-amzn-errortype) still has its status.
  if (rule === undefined && status === 429) rule = BY_NAME.ThrottlingException;
  if (rule === undefined && status !== undefined && status >= 500) rule = BY_NAME.ServiceUnavailableException;
  if (rule === undefined && codes.some((c) => UNREACHABLE_CODES.has(c)))
    rule = { code: 'TFX_UNREACHABLE', category: 'transient' };
  if (rule === undefined && codes.some((c) => BROKEN_CODES.has(c) || c.startsWith('ERR_HTTP2_')))
    rule = { code: 'TFX_TRANSIENT', category: 'transient' };
  rule ??= { code: 'TFX_PERMANENT', category: 'permanent' };
  const hint = HINTS[name];
  const wait =
    rule.category === 'throttled' ? retryAfterMs(e.$response?.headers, context.now ?? Date.now()) : undefined;
  return new TerraFixError(rule.code, hint === undefined ? detail : `${detail}; ${hint}`, {
    category: rule.category,
    cause: thrown,
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  });
}
