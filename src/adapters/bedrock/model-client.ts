/**
 * One conversation turn with the model through Bedrock's Converse API, the only place that sends requests.
 *
 * Converse rather than InvokeModel: one request shape for every model Bedrock serves (BEDROCK_MODEL_ID may name a
 * non-Anthropic model), token usage modelled in the response (InvokeModel reports it in the model's own body or
 * in unmodelled headers), and typed output, so no Anthropic body version to pin.
 *
 * Retries: the client makes exactly one attempt (maxAttempts 1). The pipeline's retry policy
 * (src/pipeline/retry.ts) retries throttles and transient errors around the whole fix generation, honouring
 * Retry-After, and counts each retry in retries_total{stage="bedrock_inference"}. Stacking the SDK's 3 attempts
 * under our 3 would make 9 calls per failure and hide the retries from metrics.
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { translateBedrockError } from './translate-error.js';

export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
}

export interface ModelReply {
  text: string;
  /** Converse stopReason: end_turn, max_tokens, guardrail_intervened, ... */
  stopReason: string;
  usage: { inputTokens: number; outputTokens: number };
  requestId: string | undefined;
}

export interface ConverseInput {
  system: string;
  turns: readonly ChatTurn[];
  signal?: AbortSignal | undefined;
}

/** The model, seen from the fix generator. */
export interface ModelClient {
  readonly modelId: string;
  converse(input: ConverseInput): Promise<ModelReply>;
  /** Closes pooled connections (HTTP/2 sessions). */
  close(): void;
}

export interface BedrockClientSettings {
  region: string;
  modelId: string;
  maxOutputTokens: number;
  temperature: number;
  requestTimeoutMs: number;
  /** Another endpoint (a fake, a VPC endpoint). Unset: the SDK's, or AWS_ENDPOINT_URL_BEDROCK_RUNTIME. */
  endpoint?: string | undefined;
  /** Static credentials; unset means the SDK's default provider chain (task role, profile, environment). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
}

function textOf(output: ConverseCommandOutput): string {
  const content = output.output?.message?.content ?? [];
  return content
    .map((block) => block.text ?? '')
    .join('')
    .trim();
}

/** A ModelClient over the AWS SDK's BedrockRuntimeClient (HTTP/2, the SDK's default handler for this client). */
export function createBedrockModelClient(settings: BedrockClientSettings): ModelClient {
  const client = new BedrockRuntimeClient({
    region: settings.region,
    maxAttempts: 1,
    // Explicit, so AWS_RETRY_MODE=adaptive cannot add the SDK's client-side rate limiter in front of our policy.
    retryMode: 'standard',
    // Options for the default NodeHttp2Handler; requestTimeout is the longest idle wait on the stream, i.e. for
    // the answer. disableConcurrentStreams is the SDK's own default, restated because passing options replaces it.
    requestHandler: { requestTimeout: settings.requestTimeoutMs, disableConcurrentStreams: true },
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
  });
  const context = { modelId: settings.modelId, region: settings.region };
  return {
    modelId: settings.modelId,
    async converse(input) {
      const command = new ConverseCommand({
        modelId: settings.modelId,
        system: [{ text: input.system }],
        messages: input.turns.map((turn) => ({
          role: turn.role,
          content: [{ text: turn.text === '' ? '(empty)' : turn.text }],
        })),
        // Temperature only: Claude 4.5 models refuse temperature and top_p together.
        inferenceConfig: { maxTokens: settings.maxOutputTokens, temperature: settings.temperature },
      });
      try {
        const output = await client.send(
          command,
          input.signal === undefined ? {} : { abortSignal: input.signal },
        );
        return {
          text: textOf(output),
          stopReason: output.stopReason ?? 'unknown',
          usage: {
            inputTokens: output.usage?.inputTokens ?? 0,
            outputTokens: output.usage?.outputTokens ?? 0,
          },
          requestId: output.$metadata.requestId,
        };
      } catch (thrown) {
        throw translateBedrockError(thrown, context);
      }
    },
    close() {
      client.destroy();
    },
  };
}
