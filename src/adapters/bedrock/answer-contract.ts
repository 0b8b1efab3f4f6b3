/**
 * The JSON the model must answer with. Edits are whole blocks, so they can be checked one by one: the
 * replacement must be the target block itself (same type and name), and every new block is a complete top-level
 * block meant to reference the target (guardrails check that, and what the blocks contain).
 */
import { z } from 'zod';

const text = (max: number) => z.string().trim().max(max);

export const answerSchema = z.object({
  replacement: text(100_000).min(1, 'must be the complete new text of the target block'),
  new_blocks: z.array(text(50_000).min(1, 'must be a complete block')).max(10),
  explanation: text(4_000).min(1, 'must say what the change does'),
  changed_attributes: z.array(text(200).min(1)).max(50),
  reasoning: text(8_000).default(''),
  confidence: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['high', 'medium', 'low'], { message: 'must be "high", "medium" or "low"' })),
  breaking_changes: text(4_000),
  additional_requirements: text(4_000),
});

export type ModelAnswer = z.output<typeof answerSchema>;

/** The contract as the prompt states it (kept next to the schema so the two change together). */
export const ANSWER_FORMAT = `{
  "replacement": "<the complete new text of the target block, from \`resource\` to its closing brace>",
  "new_blocks": ["<a complete new top-level block that references the target, e.g. aws_s3_bucket_versioning>"],
  "explanation": "<one or two sentences: what the change does and why it fixes the failing test>",
  "changed_attributes": ["<each attribute or nested block you set, e.g. versioning_configuration.status>"],
  "reasoning": "<short reasoning>",
  "confidence": "high | medium | low",
  "breaking_changes": "<what may break on apply, or None>",
  "additional_requirements": "<anything a human must do besides merging, or None>"
}`;

const HEADER = /^resource\s+"?([\w-]+)"?\s+"?([\w-]+)"?\s*\{/;
const BLOCK = /^[A-Za-z_][\w-]*(?:\s+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*\s*\{[\s\S]*\}$/;

/** Contract checks zod cannot express: the replacement is the target block, each new block is one block. */
export function contractProblems(answer: ModelAnswer, targetAddress: string): string[] {
  const problems: string[] = [];
  const header = HEADER.exec(answer.replacement);
  const declared = header === null ? undefined : `${header[1] ?? ''}.${header[2] ?? ''}`;
  if (declared !== targetAddress || !answer.replacement.endsWith('}')) {
    problems.push(
      `replacement: must be the whole block of ${targetAddress}, starting with its resource header and ending with "}"`,
    );
  }
  answer.new_blocks.forEach((block, i) => {
    if (!BLOCK.test(block)) problems.push(`new_blocks.${i}: must be one complete top-level block`);
  });
  return problems;
}
