/**
 * A valid answer → the file with the target block replaced and the new blocks appended, plus the structured
 * edit (FixEdits) so guardrails can judge each block without diffing the file. Nothing else in the file moves.
 */
import { TerraFixError } from '../../pipeline/errors.js';
import type { FixEdits, FixRequest } from '../../pipeline/ports.js';
import type { ModelAnswer } from './answer-contract.js';

export function applyAnswer(
  request: FixRequest,
  answer: ModelAnswer,
): { fixedContent: string; edits: FixEdits } {
  const start = request.content.indexOf(request.block);
  if (start === -1) {
    throw new TerraFixError('TFX_INTERNAL', `the block of ${request.address} is not in ${request.path}`, {
      category: 'permanent',
    });
  }
  const replacement = answer.replacement;
  const added = answer.new_blocks;
  if (replacement === request.block.trim() && added.length === 0) {
    throw new TerraFixError('TFX_FIX_EMPTY', `the model changed nothing in ${request.address}`, {
      category: 'permanent',
    });
  }
  let fixedContent =
    request.content.slice(0, start) + replacement + request.content.slice(start + request.block.length);
  if (added.length > 0) {
    if (!fixedContent.endsWith('\n')) fixedContent += '\n';
    fixedContent += added.map((block) => `\n${block}\n`).join('');
  }
  return { fixedContent, edits: { target: request.address, replacement, added: [...added] } };
}
