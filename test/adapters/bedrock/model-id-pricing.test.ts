// Which inference profile to suggest for a bare model id, and what a call costs by the price table.
import { describe, expect, it } from 'vitest';
import {
  baseModelId,
  isOnDemandRefusal,
  modelIdKind,
  onDemandAdvice,
  profilePrefixFor,
} from '../../../src/adapters/bedrock/model-id.js';
import { costUsd, priceLookup } from '../../../src/adapters/bedrock/pricing.js';

const OPUS = 'anthropic.claude-opus-4-5-20251101-v1:0';

describe('model ids', () => {
  it.each([
    [OPUS, 'foundation-model', OPUS],
    [`us.${OPUS}`, 'inference-profile', OPUS],
    [`global.${OPUS}`, 'inference-profile', OPUS],
    [`us-gov.${OPUS}`, 'inference-profile', OPUS],
    [`arn:aws:bedrock:us-west-2:123456789012:inference-profile/eu.${OPUS}`, 'arn', OPUS],
    [`arn:aws:bedrock:us-west-2::foundation-model/${OPUS}`, 'arn', OPUS],
  ])('%s is a %s of %s', (id, kind, base) => {
    expect(modelIdKind(id)).toBe(kind);
    expect(baseModelId(id)).toBe(base);
  });

  it.each([
    ['us-east-1', 'us'],
    ['us-gov-west-1', 'us-gov'],
    ['eu-west-3', 'eu'],
    ['ap-southeast-2', 'apac'],
    ['sa-east-1', 'global'],
  ])('suggests the %s profile prefix %s', (region, prefix) => {
    expect(profilePrefixFor(region)).toBe(prefix);
  });

  it('recognises the refusal with either apostrophe, and advises the regional and global profiles', () => {
    expect(
      isOnDemandRefusal(`Invocation of model ID ${OPUS} with on-demand throughput isn't supported.`),
    ).toBe(true);
    expect(
      isOnDemandRefusal('Invocation ... with on-demand throughput isn\u2019t supported. Retry ...'),
    ).toBe(true);
    expect(isOnDemandRefusal('Malformed input request')).toBe(false);
    expect(onDemandAdvice(OPUS, 'ap-northeast-1')).toContain(
      `Set BEDROCK_MODEL_ID=apac.${OPUS} (or global.${OPUS}`,
    );
  });
});

describe('pricing', () => {
  it('prices a profile id and an ARN by their foundation model', () => {
    const lookup = priceLookup();
    const opus = { inputPerMillion: 5, outputPerMillion: 25 };
    expect(lookup(`us.${OPUS}`)).toEqual(opus);
    expect(lookup(`arn:aws:bedrock:us-west-2:123456789012:inference-profile/global.${OPUS}`)).toEqual(opus);
    expect(costUsd({ inputTokens: 1_000_000, outputTokens: 200_000 }, opus)).toBeCloseTo(10, 12);
  });

  it('lets the table override a built-in price, and an exact id win over its base model', () => {
    const lookup = priceLookup({
      [OPUS]: { inputPerMillion: 6, outputPerMillion: 30 },
      [`eu.${OPUS}`]: { inputPerMillion: 6.6, outputPerMillion: 33 },
    });
    expect(lookup(`us.${OPUS}`)).toEqual({ inputPerMillion: 6, outputPerMillion: 30 });
    expect(lookup(`eu.${OPUS}`)).toEqual({ inputPerMillion: 6.6, outputPerMillion: 33 });
  });

  it('has no price for an unknown model or an application profile', () => {
    const lookup = priceLookup();
    expect(lookup('us.example.unknown-v1:0')).toBeUndefined();
    expect(
      lookup('arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc'),
    ).toBeUndefined();
    expect(costUsd({ inputTokens: 10, outputTokens: 10 }, undefined)).toBeUndefined();
  });
});
