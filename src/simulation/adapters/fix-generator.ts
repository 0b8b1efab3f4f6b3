import { applyRequiredState } from './model-edit.js';
import { locateByAddress } from '../../hcl/locate.js';
import { TerraFixError } from '../../pipeline/errors.js';
import type { CallContext, FixGenerator, FixProposal, FixRequest } from '../../pipeline/ports.js';

/** Prompt scaffolding around the file and block (instructions, output format, documentation), in tokens. */
const PROMPT_OVERHEAD_TOKENS = 1_450;
const CHARS_PER_TOKEN = 4;

/**
 * Simulated Bedrock: answers with attribute edits of the required state (see model-edit.ts) and
 * plausible token counts (about 4 characters per token for the prompt and the answer). Parsing, locating,
 * editing and validating stay real; only the model call is simulated.
 */
export class SimulatedFixGenerator implements FixGenerator {
  generate(request: FixRequest, _ctx: CallContext): Promise<FixProposal> {
    // Like a model, it sees the file and the block's address, not the pipeline's parse.
    const located = locateByAddress(request.path, request.content, request.address);
    const fix = applyRequiredState(request.content, located, request.failure);
    if (fix.changedAttributes.length === 0) {
      return Promise.reject(
        new TerraFixError('TFX_FIX_EMPTY', `nothing in required_state applies to ${request.address}`, {
          category: 'permanent',
        }),
      );
    }
    const promptChars =
      request.content.length + request.block.length + JSON.stringify(request.failure).length;
    return Promise.resolve({
      fixedContent: fix.content,
      explanation: fix.explanation,
      changedAttributes: fix.changedAttributes,
      reasoning: `The failing control requires ${fix.changedAttributes.join(', ')}; the edit sets exactly those on ${request.address} and leaves every other block unchanged.`,
      confidence: 'high',
      breakingChanges: 'None identified',
      additionalRequirements: 'None',
      usage: {
        inputTokens: PROMPT_OVERHEAD_TOKENS + Math.ceil(promptChars / CHARS_PER_TOKEN),
        outputTokens: 120 + Math.ceil(fix.content.length / CHARS_PER_TOKEN),
      },
    });
  }
}
