/**
 * What kind of model identifier BEDROCK_MODEL_ID holds, and which inference profile to suggest when Bedrock
 * refuses a bare foundation-model id on demand ("with on-demand throughput isn't supported").
 */

/** Prefixes of Bedrock's system-defined (cross-region) inference profiles. */
const PROFILE_PREFIX = /^(?:us|us-gov|eu|apac|jp|au|ca|global)\./;

export type ModelIdKind = 'foundation-model' | 'inference-profile' | 'arn';

export function modelIdKind(modelId: string): ModelIdKind {
  if (modelId.startsWith('arn:')) return 'arn';
  return PROFILE_PREFIX.test(modelId) ? 'inference-profile' : 'foundation-model';
}

/**
 * The foundation model an id or ARN names, without a profile prefix: `us.anthropic.x` and
 * `arn:...:inference-profile/global.anthropic.x` give `anthropic.x`. Application profiles (opaque ids) stay as given.
 */
export function baseModelId(modelId: string): string {
  const resource = modelId.startsWith('arn:') ? modelId.slice(modelId.indexOf('/') + 1) : modelId;
  return resource.replace(PROFILE_PREFIX, '');
}

/** The geography prefix of the system inference profiles that serve `region`. */
export function profilePrefixFor(region: string): string {
  if (region.startsWith('us-gov-')) return 'us-gov';
  if (region.startsWith('us-')) return 'us';
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  return 'global';
}

/** Bedrock's refusal of a bare model id, as it words it (straight or typographic apostrophe). */
export function isOnDemandRefusal(message: string): boolean {
  return /on-demand throughput isn.t supported|inference profile that contains this model/i.test(message);
}

/** The TFX_CONFIG message for an on-demand refusal: what to set BEDROCK_MODEL_ID to instead. */
export function onDemandAdvice(modelId: string, region: string): string {
  const base = baseModelId(modelId);
  const regional = `${profilePrefixFor(region)}.${base}`;
  return (
    `Bedrock does not serve ${modelId} on demand in ${region}; it needs an inference profile. ` +
    `Set BEDROCK_MODEL_ID=${regional} (or global.${base}, or the profile's ARN) ` +
    `and allow bedrock:InvokeModel on that profile and the foundation models it routes to.`
  );
}
