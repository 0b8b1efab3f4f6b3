/**
 * What the fake Bedrock can answer, call by call. A reply is data (text, an error, a hang) or a function of the
 * call that builds it. The builders below are the scripted cases the adapter tests use: good fixes in each wrapping
 * the parser accepts, garbage, fixes later guardrails must reject, and Bedrock's own error answers.
 */
import type { FakeCall } from './calls.js';

export type Reply =
  | {
      kind: 'text';
      text: string;
      stopReason?: string;
      /** Reported token usage; by default about 4 characters per token of what was sent and answered. */
      usage?: { inputTokens: number; outputTokens: number };
    }
  | {
      kind: 'error';
      status: number;
      /** Exception name, e.g. ThrottlingException. */
      type: string;
      message: string;
      /** Where the type travels: the `x-amzn-errortype` header (Bedrock's way), the body's `__type`, or both. */
      typeIn?: 'header' | 'body' | 'both';
      headers?: Record<string, string>;
    }
  /** Never answers (until the client gives up or the fake closes). */
  | { kind: 'hang' };

export type ScriptedReply = Reply | ((call: FakeCall) => Reply);

/** A fix answer in the adapter's JSON contract. */
export interface FixAnswer {
  replacement: string;
  new_blocks?: string[];
  explanation?: string;
  changed_attributes?: string[];
  confidence?: string;
  breaking_changes?: string;
  additional_requirements?: string;
}

export function answerJson(answer: FixAnswer): string {
  return JSON.stringify(
    {
      replacement: answer.replacement,
      new_blocks: answer.new_blocks ?? [],
      explanation: answer.explanation ?? 'Enables versioning on the bucket.',
      changed_attributes: answer.changed_attributes ?? ['versioning_configuration.status'],
      reasoning: 'The test requires versioning; the AWS provider v4+ configures it in its own resource.',
      confidence: answer.confidence ?? 'high',
      breaking_changes: answer.breaking_changes ?? 'None',
      additional_requirements: answer.additional_requirements ?? 'None',
    },
    null,
    2,
  );
}

export const text = (body: string, extra: Partial<Extract<Reply, { kind: 'text' }>> = {}): Reply => ({
  kind: 'text',
  text: body,
  ...extra,
});

/** The answer as bare JSON. */
export const fix = (answer: FixAnswer): Reply => text(answerJson(answer));
/** The answer in a ```json fence. */
export const fencedFix = (answer: FixAnswer): Reply => text('```json\n' + answerJson(answer) + '\n```');
/** The answer with prose before and after (and braces in the prose). */
export const proseFix = (answer: FixAnswer): Reply =>
  text(
    `Here is the fix {as requested}. I kept the rest of the block unchanged.\n\n${answerJson(answer)}\n\nLet me know if the bucket needs {anything} else.`,
  );
export const garbage = (): Reply =>
  text('I would enable versioning on this bucket; the exact Terraform depends on your provider version.');
/** An answer cut off at max tokens: JSON that never closes. */
export const truncated = (answer: FixAnswer): Reply =>
  text(answerJson(answer).slice(0, 120), { stopReason: 'max_tokens' });

export function bedrockError(
  type: string,
  status: number,
  message: string,
  extra: Partial<Extract<Reply, { kind: 'error' }>> = {},
): Reply {
  return { kind: 'error', type, status, message, ...extra };
}

export const throttled = (retryAfterSeconds?: number): Reply =>
  bedrockError('ThrottlingException', 429, 'Too many requests, please wait before trying again.', {
    ...(retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(retryAfterSeconds) } }),
  });
export const serviceUnavailable = (): Reply =>
  bedrockError('ServiceUnavailableException', 503, 'Bedrock is unable to process your request.');
export const modelNotReady = (): Reply =>
  bedrockError('ModelNotReadyException', 429, 'Model is not ready to serve inference requests.');
export const accessDenied = (): Reply =>
  bedrockError(
    'AccessDeniedException',
    403,
    "You don't have access to the model with the specified model ID.",
  );

/** Bedrock's answer to a bare foundation-model id for a model served on demand only through inference profiles. */
export const onDemandRefusal = (modelId: string): Reply =>
  bedrockError(
    'ValidationException',
    400,
    `Invocation of model ID ${modelId} with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
  );
