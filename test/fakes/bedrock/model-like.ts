/**
 * A reply that behaves like a good model: it reads the target block and the required state from the prompt the
 * adapter sent and answers the edit the playbooks (src/playbooks) make to that block alone (companion resources as
 * `new_blocks`). End-to-end tests, the real-path bench and the standalone fake (`--model-like`) use it, so every
 * failure gets a fix for its own target without a script per call.
 */
import { scanBlocks } from '../../../src/hcl/blocks.js';
import { locateByAddress } from '../../../src/hcl/locate.js';
import { runPlaybooks } from '../../../src/playbooks/run.js';
import { type FakeCall, targetBlockOf, userPromptOf } from './calls.js';
import { answerJson, bedrockError, type Reply } from './replies.js';

/** The target's address and the required state, as the adapter's prompt states them. */
function promptFacts(prompt: string): { address: string; required: Record<string, unknown> } | undefined {
  const address = /## Target block: (\S+) in /.exec(prompt)?.[1];
  const state = /\nRequired state: ([\s\S]*?)\n(?:Remediation: |Details: |\n## )/.exec(prompt)?.[1];
  if (address === undefined || state === undefined) return undefined;
  try {
    return { address, required: JSON.parse(state) as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

/** Answers the playbooks' edit of the prompt's target block, in the adapter's JSON contract. */
export function modelLikeFix(call: FakeCall): Reply {
  const prompt = userPromptOf(call);
  const facts = promptFacts(prompt);
  if (facts === undefined)
    return bedrockError('ValidationException', 400, 'model-like fake: no target block or required state');
  const block = targetBlockOf(call);
  const located = locateByAddress('target.tf', block, facts.address);
  const applied = runPlaybooks(block, located, facts.required);
  if (applied.kind === 'model')
    return bedrockError('ValidationException', 400, `model-like fake: ${applied.reason}`);
  const content = applied.kind === 'changed' ? applied.content : block;
  const [replacement, ...added] = scanBlocks(content);
  return {
    kind: 'text',
    text: answerJson({
      replacement: replacement?.text ?? block,
      new_blocks: added.map((b) => b.text),
      explanation: applied.explanation,
      changed_attributes: applied.kind === 'changed' ? applied.changedAttributes : [],
    }),
  };
}
