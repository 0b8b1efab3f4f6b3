/**
 * Bedrock as the pipeline's FixGenerator: prompt (failure, target, related blocks, within the token budget) →
 * Converse → the JSON contract. An unusable answer gets one repair turn that shows the model its answer and what
 * was wrong; a second unusable answer fails with TFX_MODEL_OUTPUT (permanent: asking again re-bills the same
 * mistake). Every call's tokens and cost are reported (onUsage), rejected answers included, and the proposal
 * carries the remediation's total.
 */
import type { Logger } from 'pino';
import { TerraFixError } from '../../pipeline/errors.js';
import type { CallContext, FixGenerator, FixProposal, FixRequest, ModelUsage } from '../../pipeline/ports.js';
import { applyAnswer } from './apply-answer.js';
import type { ChatTurn, ModelClient, ModelReply } from './model-client.js';
import { parseAnswer } from './parse-answer.js';
import { buildPrompt, repairRequest } from './prompt.js';
import { costUsd, type PriceLookup } from './pricing.js';

export interface BedrockFixGeneratorOptions {
  model: ModelClient;
  /** Estimated input tokens a prompt may use (BEDROCK_PROMPT_TOKEN_BUDGET). */
  promptTokenBudget: number;
  prices: PriceLookup;
  /** Each model call's usage (wire it to PipelineObserver.modelUsage for the token and cost counters). */
  onUsage?: (usage: ModelUsage) => void;
  logger?: Logger;
}

/** Longest part of a rejected answer shown back to the model in the repair turn. */
const ECHO_CHARS = 20_000;

export class BedrockFixGenerator implements FixGenerator {
  constructor(private readonly options: BedrockFixGeneratorOptions) {}

  async generate(request: FixRequest, ctx: CallContext): Promise<FixProposal> {
    const { model, logger } = this.options;
    const prompt = buildPrompt(request, this.options.promptTokenBudget);
    if (prompt.dropped.length > 0) {
      logger?.info(
        { key: ctx.key, dropped: prompt.dropped },
        'Related blocks left out of the prompt (budget)',
      );
    }
    const turns: ChatTurn[] = [{ role: 'user', text: prompt.user }];
    const total = { inputTokens: 0, outputTokens: 0 };
    const call = async (): Promise<ModelReply> => {
      const reply = await model.converse({ system: prompt.system, turns, signal: ctx.signal });
      total.inputTokens += reply.usage.inputTokens;
      total.outputTokens += reply.usage.outputTokens;
      const cost = costUsd(reply.usage, this.options.prices(model.modelId));
      this.options.onUsage?.({ model: model.modelId, ...reply.usage, costUsd: cost });
      logger?.debug(
        { key: ctx.key, requestId: reply.requestId, stopReason: reply.stopReason, ...reply.usage },
        'Model answered',
      );
      return reply;
    };

    // A throttle or transient error on either call ends this attempt; the pipeline's retry policy then runs
    // generate() again from the first call (the rejected answer is not worth resuming from).
    let reply = await call();
    let parsed = parseAnswer(reply.text, request.address);
    if (!parsed.ok) {
      logger?.warn(
        { key: ctx.key, stopReason: reply.stopReason, problem: parsed.problem },
        'Model answer unusable; asking once more',
      );
      turns.push(
        { role: 'assistant', text: reply.text.slice(0, ECHO_CHARS) },
        { role: 'user', text: repairRequest(parsed.problem) },
      );
      reply = await call();
      parsed = parseAnswer(reply.text, request.address);
    }
    if (!parsed.ok) {
      const cut = reply.stopReason === 'max_tokens' ? ' (cut off at BEDROCK_MAX_OUTPUT_TOKENS)' : '';
      throw new TerraFixError(
        'TFX_MODEL_OUTPUT',
        `model answer for ${request.address} unusable after one repair${cut}: ${parsed.problem}`,
        { category: 'permanent' },
      );
    }
    const { answer } = parsed;
    const { fixedContent, edits } = applyAnswer(request, answer);
    const cost = costUsd(total, this.options.prices(model.modelId));
    return {
      fixedContent,
      explanation: answer.explanation,
      changedAttributes: answer.changed_attributes,
      reasoning: answer.reasoning === '' ? answer.explanation : answer.reasoning,
      confidence: answer.confidence,
      breakingChanges: answer.breaking_changes,
      additionalRequirements: answer.additional_requirements,
      usage: total,
      model: model.modelId,
      ...(cost === undefined ? {} : { costUsd: cost }),
      edits,
    };
  }
}
