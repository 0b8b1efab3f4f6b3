/**
 * Playbooks behind the FixGenerator port, and the composition every mode uses: playbooks first, the model
 * only when no playbook covers the failure. The proposal says which produced it (`source`, `playbook`).
 */
import { locateByAddress } from '../hcl/locate.js';
import { TerraFixError } from '../pipeline/errors.js';
import type { CallContext, FixGenerator, FixProposal, FixRequest } from '../pipeline/ports.js';
import type { Playbook } from './playbook.js';
import { PLAYBOOKS, runPlaybooks } from './run.js';

export interface PlaybookGenerator extends FixGenerator {
  /**
   * The playbook fix for `request`, or undefined when no playbook covers it (the model's turn). Throws
   * TFX_FIX_EMPTY when the Terraform already meets the required state.
   */
  propose(request: FixRequest): FixProposal | undefined;
}

/** Deterministic fixes without a model call; `generate` fails with TFX_FIX_EMPTY when no playbook applies. */
export function createPlaybookGenerator(playbooks: readonly Playbook[] = PLAYBOOKS): PlaybookGenerator {
  function propose(request: FixRequest): FixProposal | undefined {
    // Like the model, a playbook works from the file and the block's address, not the pipeline's parse.
    const located = locateByAddress(request.path, request.content, request.address);
    const run = runPlaybooks(request.content, located, request.failure.required_state, playbooks);
    if (run.kind === 'model') return undefined;
    const name = run.playbooks.join('+');
    if (run.kind === 'compliant') {
      throw new TerraFixError('TFX_FIX_EMPTY', `${run.explanation} (playbook ${name})`, {
        category: 'permanent',
      });
    }
    return {
      fixedContent: run.content,
      explanation: run.explanation,
      changedAttributes: run.changedAttributes,
      reasoning: `Deterministic playbook ${name}: the control's required state is applied with the resources and arguments AWS provider v4+ expects; nothing else in the file changes.`,
      confidence: 'high',
      breakingChanges: run.breakingChanges.length > 0 ? run.breakingChanges.join(' ') : 'None identified',
      additionalRequirements: 'None',
      usage: { inputTokens: 0, outputTokens: 0 },
      source: 'playbook',
      playbook: name,
    };
  }
  return {
    propose,
    generate(request: FixRequest, _ctx: CallContext): Promise<FixProposal> {
      try {
        const proposal = propose(request);
        if (proposal !== undefined) return Promise.resolve(proposal);
        const message = `no playbook covers ${Object.keys(request.failure.required_state).join(', ') || 'an empty required_state'} on ${request.address}`;
        return Promise.reject(new TerraFixError('TFX_FIX_EMPTY', message, { category: 'permanent' }));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

/** Playbooks first; the model when none covers the failure. Model proposals are marked `source: 'model'`. */
export function playbooksThenModel(playbooks: PlaybookGenerator, model: FixGenerator): FixGenerator {
  return {
    async generate(request: FixRequest, ctx: CallContext): Promise<FixProposal> {
      const fromPlaybook = playbooks.propose(request);
      if (fromPlaybook !== undefined) return fromPlaybook;
      const fix = await model.generate(request, ctx);
      return { ...fix, source: 'model' };
    },
  };
}
