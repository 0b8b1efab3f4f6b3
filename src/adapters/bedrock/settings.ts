/** What the Bedrock adapter needs to know; src/config/bedrock.ts fills it from the environment. */

/** USD per million tokens, by model id (a base id such as `anthropic.claude-...`, a profile id or an ARN). */
export type PriceTable = Readonly<Record<string, { inputPerMillion: number; outputPerMillion: number }>>;

export interface BedrockSettings {
  region: string;
  modelId: string;
  maxOutputTokens: number;
  temperature: number;
  /** Estimated input tokens (system + user prompt) a request may use at most. */
  promptTokenBudget: number;
  /** Longest wait for a model answer (idle time on the HTTP/2 stream). */
  requestTimeoutMs: number;
  /** Entries that override or extend the built-in price table. */
  prices: PriceTable;
}
