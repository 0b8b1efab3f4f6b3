import { describe, expect, it } from 'vitest';
import { DEFAULT_BEDROCK_MODEL_ID, loadBedrockConfig } from '../../src/config/bedrock.js';
import type { Env } from '../../src/config/load.js';
import { TerraFixError } from '../../src/pipeline/errors.js';

/** The config error `env` produces (fails the test when loading succeeds). */
function configError(env: Env): TerraFixError {
  try {
    loadBedrockConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(TerraFixError);
    expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config' });
    return error as TerraFixError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('loadBedrockConfig', () => {
  it('needs only AWS_REGION; the rest has defaults (the guide’s model id among them)', () => {
    expect(loadBedrockConfig({ AWS_REGION: 'us-west-2' })).toEqual({
      region: 'us-west-2',
      modelId: DEFAULT_BEDROCK_MODEL_ID,
      maxOutputTokens: 4096,
      temperature: 0,
      promptTokenBudget: 8000,
      requestTimeoutMs: 120_000,
      prices: {},
    });
    expect(DEFAULT_BEDROCK_MODEL_ID).toBe('anthropic.claude-opus-4-5-20251101-v1:0');
  });

  it('reads every variable it knows, and ignores static keys (the SDK provider chain reads those)', () => {
    const config = loadBedrockConfig({
      AWS_REGION: 'eu-central-1',
      BEDROCK_MODEL_ID: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
      BEDROCK_MAX_OUTPUT_TOKENS: '2048',
      BEDROCK_TEMPERATURE: '0.2',
      BEDROCK_PROMPT_TOKEN_BUDGET: '12000',
      BEDROCK_REQUEST_TIMEOUT_MS: '60000',
      BEDROCK_PRICE_TABLE:
        '{"eu.anthropic.claude-sonnet-4-5-20250929-v1:0":{"inputPerMillion":3.3,"outputPerMillion":16.5}}',
      AWS_SECRET_ACCESS_KEY: 'not-read-here',
    });
    expect(config).toEqual({
      region: 'eu-central-1',
      modelId: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
      maxOutputTokens: 2048,
      temperature: 0.2,
      promptTokenBudget: 12_000,
      requestTimeoutMs: 60_000,
      prices: {
        'eu.anthropic.claude-sonnet-4-5-20250929-v1:0': { inputPerMillion: 3.3, outputPerMillion: 16.5 },
      },
    });
    expect(JSON.stringify(config)).not.toContain('not-read-here');
  });

  it.each([
    'us.anthropic.claude-opus-4-5-20251101-v1:0',
    'global.anthropic.claude-opus-4-5-20251101-v1:0',
    'anthropic.claude-3-haiku-20240307-v1:0',
    'arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-opus-4-5-20251101-v1:0',
    'arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/a1b2c3d4e5f6',
    'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
  ])('accepts the model id %s', (id) => {
    expect(loadBedrockConfig({ AWS_REGION: 'us-west-2', BEDROCK_MODEL_ID: id }).modelId).toBe(id);
  });

  it('names AWS_REGION when it is missing or malformed', () => {
    expect(configError({}).field).toBe('AWS_REGION');
    expect(configError({ AWS_REGION: 'Oregon' }).message).toContain('AWS_REGION: must be an AWS region');
  });

  it.each([
    ['BEDROCK_MODEL_ID', 'claude opus'],
    ['BEDROCK_MAX_OUTPUT_TOKENS', '10'],
    ['BEDROCK_TEMPERATURE', '1.5'],
    ['BEDROCK_PROMPT_TOKEN_BUDGET', 'lots'],
    ['BEDROCK_REQUEST_TIMEOUT_MS', '-1'],
    ['BEDROCK_PRICE_TABLE', '{"m":{"inputPerMillion":-1,"outputPerMillion":1}}'],
  ])('names %s when it is invalid', (name, value) => {
    const error = configError({ AWS_REGION: 'us-west-2', [name]: value });
    expect(error.field).toBe(name);
    expect(error.message).toContain(`${name}`);
  });

  it('never repeats the value of a bad BEDROCK_PRICE_TABLE', () => {
    const error = configError({ AWS_REGION: 'us-west-2', BEDROCK_PRICE_TABLE: '{not json SECRET-LOOKING' });
    expect(error.message).toBe(
      'invalid configuration: BEDROCK_PRICE_TABLE: must be a JSON object of model id → prices',
    );
    expect(error.message).not.toContain('SECRET-LOOKING');
  });
});
