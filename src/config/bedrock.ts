/**
 * Real mode's Bedrock settings (docs/configuration.md, "Real mode: Bedrock"). Credentials are not read here: the
 * AWS SDK's default provider chain finds them (ECS task role, AWS_PROFILE, or AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY), so static keys are optional and never required.
 */
import { z } from 'zod';
import type { BedrockSettings, PriceTable } from '../adapters/bedrock/settings.js';
import { envInt, envNumber } from './env-parsers.js';
import { type Env, loadEnv } from './load.js';

export type { PriceTable };

/** The product guide's default. Bedrock serves it on demand only through an inference profile (us., eu., global.). */
export const DEFAULT_BEDROCK_MODEL_ID = 'anthropic.claude-opus-4-5-20251101-v1:0';

const price = z.strictObject({
  inputPerMillion: z.number().min(0).max(10_000),
  outputPerMillion: z.number().min(0).max(10_000),
});

/** BEDROCK_PRICE_TABLE: a JSON object `{ "<model id>": { "inputPerMillion": 5, "outputPerMillion": 25 } }`. */
const envPriceTable = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // JSON.parse's message quotes the input; the variable's value never goes into an error.
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of model id → prices' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().trim().min(1), price));

/**
 * A foundation-model id (`anthropic.claude-...-v1:0`), an inference profile id (`us.`, `eu.`, `apac.`, `global.`,
 * ... prefix) or a Bedrock ARN (foundation model, inference profile, application inference profile, provisioned
 * model). Which one Bedrock accepts on demand is Bedrock's call; a refusal becomes a TFX_CONFIG error then.
 */
const envModelId = z
  .string()
  .trim()
  .regex(
    /^(?:arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d{0,12}:[a-z-]+\/[\w.:/-]+|[a-z0-9-]+\.[\w.:-]+)$/,
    'must be a Bedrock model id, inference profile id or ARN',
  );

export const bedrockEnvSchema = z.object({
  AWS_REGION: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(?:-[a-z]+)+-\d+$/, 'must be an AWS region such as us-west-2'),
  BEDROCK_MODEL_ID: envModelId.default(DEFAULT_BEDROCK_MODEL_ID),
  BEDROCK_MAX_OUTPUT_TOKENS: envInt(256, 64_000).default(4_096),
  BEDROCK_TEMPERATURE: envNumber(0, 1).default(0),
  BEDROCK_PROMPT_TOKEN_BUDGET: envInt(1_000, 200_000).default(8_000),
  BEDROCK_REQUEST_TIMEOUT_MS: envInt(1_000, 900_000).default(120_000),
  BEDROCK_PRICE_TABLE: envPriceTable.optional(),
});

/** The Bedrock adapter's settings, as loaded from the environment. */
export type BedrockConfig = BedrockSettings;

/** Bedrock settings from `env`; throws a TFX_CONFIG error naming each bad variable. */
export function loadBedrockConfig(env: Env): BedrockConfig {
  const e = loadEnv(bedrockEnvSchema, env);
  return {
    region: e.AWS_REGION,
    modelId: e.BEDROCK_MODEL_ID,
    maxOutputTokens: e.BEDROCK_MAX_OUTPUT_TOKENS,
    temperature: e.BEDROCK_TEMPERATURE,
    promptTokenBudget: e.BEDROCK_PROMPT_TOKEN_BUDGET,
    requestTimeoutMs: e.BEDROCK_REQUEST_TIMEOUT_MS,
    prices: e.BEDROCK_PRICE_TABLE ?? {},
  };
}
