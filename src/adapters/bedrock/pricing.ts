/**
 * Token usage → USD. Built-in list prices (on-demand, USD per million tokens, checked 2026-01 against the
 * Anthropic-on-Bedrock price list; cross-region profiles cost the same) with BEDROCK_PRICE_TABLE entries on
 * top. A price is looked up by the configured id first, then by the foundation model it names, so one entry
 * covers `anthropic.x`, `us.anthropic.x`, `global.anthropic.x` and their ARNs.
 */
import type { PriceTable } from './settings.js';
import { baseModelId } from './model-id.js';

export const DEFAULT_PRICES: PriceTable = Object.freeze({
  'anthropic.claude-opus-4-5-20251101-v1:0': { inputPerMillion: 5, outputPerMillion: 25 },
  'anthropic.claude-sonnet-4-5-20250929-v1:0': { inputPerMillion: 3, outputPerMillion: 15 },
  'anthropic.claude-haiku-4-5-20251001-v1:0': { inputPerMillion: 1, outputPerMillion: 5 },
  'anthropic.claude-opus-4-1-20250805-v1:0': { inputPerMillion: 15, outputPerMillion: 75 },
  'anthropic.claude-sonnet-4-20250514-v1:0': { inputPerMillion: 3, outputPerMillion: 15 },
  'anthropic.claude-3-5-haiku-20241022-v1:0': { inputPerMillion: 0.8, outputPerMillion: 4 },
  'anthropic.claude-3-haiku-20240307-v1:0': { inputPerMillion: 0.25, outputPerMillion: 1.25 },
});

export type PriceLookup = (modelId: string) => PriceTable[string] | undefined;

/** The lookup over the built-in prices with `overrides` winning. */
export function priceLookup(overrides: PriceTable = {}): PriceLookup {
  const table: PriceTable = { ...DEFAULT_PRICES, ...overrides };
  return (modelId) => table[modelId] ?? table[baseModelId(modelId)];
}

/** USD for `usage` at `price`; undefined when there is no price. */
export function costUsd(
  usage: { inputTokens: number; outputTokens: number },
  price: PriceTable[string] | undefined,
): number | undefined {
  if (price === undefined) return undefined;
  return (
    (usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) / 1_000_000
  );
}
