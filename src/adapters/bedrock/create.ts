/** Builds the Bedrock FixGenerator from its configuration (composition/real.ts calls this). */
import type { Logger } from 'pino';
import type { BedrockSettings as BedrockConfig } from './settings.js';
import type { ModelUsage } from '../../pipeline/ports.js';
import { BedrockFixGenerator } from './fix-generator.js';
import { type BedrockClientSettings, createBedrockModelClient, type ModelClient } from './model-client.js';
import { priceLookup } from './pricing.js';

export interface BedrockAdapterDeps {
  logger?: Logger;
  onUsage?: (usage: ModelUsage) => void;
  /** Test and local-run seams: a fake's URL and dummy static credentials. */
  endpoint?: BedrockClientSettings['endpoint'];
  credentials?: BedrockClientSettings['credentials'];
}

export interface BedrockAdapter {
  generator: BedrockFixGenerator;
  model: ModelClient;
  /** Closes the SDK client's connections. */
  close(): void;
}

export function createBedrockAdapter(config: BedrockConfig, deps: BedrockAdapterDeps = {}): BedrockAdapter {
  const model = createBedrockModelClient({
    region: config.region,
    modelId: config.modelId,
    maxOutputTokens: config.maxOutputTokens,
    temperature: config.temperature,
    requestTimeoutMs: config.requestTimeoutMs,
    endpoint: deps.endpoint,
    credentials: deps.credentials,
  });
  const generator = new BedrockFixGenerator({
    model,
    promptTokenBudget: config.promptTokenBudget,
    prices: priceLookup(config.prices),
    ...(deps.onUsage === undefined ? {} : { onUsage: deps.onUsage }),
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
  });
  return { generator, model, close: () => model.close() };
}
