/**
 * The prompt for one fix: instructions and the answer contract (system), then the failure, the target block and
 * the blocks related to it (user), within a token budget. Never the whole file: the prompt's size depends on
 * the target and what it names, not on the file or the repository. Tokens are estimated at 4 characters each.
 * Related blocks go in by relevance (variables and locals, then the resources that name the target, then data
 * sources, then the resources and module calls the target names) until one does not fit: the least relevant
 * are dropped first.
 */
import { TerraFixError } from '../../pipeline/errors.js';
import type { FixRequest, RelatedBlock } from '../../pipeline/ports.js';
import { ANSWER_FORMAT } from './answer-contract.js';

/** Characters per token, the usual estimate for English and code; no tokenizer needed. */
const CHARS_PER_TOKEN = 4;
/** Longest JSON shown for one failure field (current_state, required_state, resource_details). */
const FIELD_CHARS = 2_000;

export const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

export interface BuiltPrompt {
  system: string;
  user: string;
  estimatedTokens: number;
  /** Addresses of the related blocks the prompt shows, and of those left out to stay within the budget. */
  included: string[];
  dropped: string[];
}

export const SYSTEM_PROMPT = `You fix one Terraform resource so that a failing compliance test passes.

Rules:
- Change only the target block. Return its complete new text in "replacement", keeping its comments, formatting
  and every setting the test does not concern.
- When the fix needs a separate resource (AWS provider v4 and later split S3 settings into
  aws_s3_bucket_versioning, aws_s3_bucket_server_side_encryption_configuration, aws_s3_bucket_public_access_block
  and similar), put it in "new_blocks". Every new block must reference the target resource (for example
  bucket = aws_s3_bucket.logs.id). Do not declare a block that already exists among the related blocks.
- Never add provisioners, local-exec, external data sources, backends, providers or modules, and never refer to
  files outside the module.
- Use only arguments the hashicorp/aws provider v5 accepts.
- Related blocks are context: do not return them.

Answer with one JSON object in exactly this format, and nothing else:
${ANSWER_FORMAT}`;

/** Lower is more relevant: what gives the target's values meaning, then companions, then the rest. */
function rank(block: RelatedBlock): number {
  if (block.relation === 'referrer') return 1;
  if (block.address.startsWith('var.') || block.address.startsWith('local.')) return 0;
  if (block.address.startsWith('data.')) return 2;
  return 3;
}

function json(value: unknown): string {
  const text = JSON.stringify(value ?? {}, null, 1) ?? '{}';
  return text.length <= FIELD_CHARS ? text : `${text.slice(0, FIELD_CHARS)} ... (cut)`;
}

function failureSection(request: FixRequest): string {
  const f = request.failure;
  const lines = [
    '## Failing compliance test',
    `Test: ${f.test_id} (${f.test_name}), framework ${f.framework}, severity ${f.severity}`,
    `Resource: ${f.resource_arn} (${f.resource_type})`,
    `Why it fails: ${f.failure_reason}`,
    `Current state: ${json(f.current_state)}`,
    `Required state: ${json(f.required_state)}`,
  ];
  // Remediation text travels with the failure when its source has one (Vanta's remediationDescription).
  for (const [key, value] of Object.entries(f as Readonly<Record<string, unknown>>)) {
    if (/remediation/i.test(key) && typeof value === 'string' && value.trim() !== '')
      lines.push(`Remediation: ${value.trim().slice(0, FIELD_CHARS)}`);
  }
  if (Object.keys(f.resource_details).length > 0) lines.push(`Details: ${json(f.resource_details)}`);
  return lines.join('\n');
}

const SEPARATOR = '\n\n';

const fenced = (text: string): string => `\`\`\`hcl\n${text}\n\`\`\``;

function relatedSection(block: RelatedBlock): string {
  const why = block.relation === 'referrer' ? 'refers to the target' : 'named by the target';
  return `### ${block.address} (${block.path}; ${why})\n${fenced(block.text)}`;
}

/** Builds the prompt for `request` within `budgetTokens`; throws when the target alone does not fit. */
export function buildPrompt(request: FixRequest, budgetTokens: number): BuiltPrompt {
  const head = [
    failureSection(request),
    `## Target block: ${request.address} in ${request.path}\n${fenced(request.block)}`,
  ].join('\n\n');
  // Counted in characters, so the budget check and the final estimate agree exactly.
  const budgetChars = budgetTokens * CHARS_PER_TOKEN;
  let used = SYSTEM_PROMPT.length + head.length;
  if (used > budgetChars) {
    throw new TerraFixError(
      'TFX_PERMANENT',
      `the prompt for ${request.address} needs about ${Math.ceil(used / CHARS_PER_TOKEN)} tokens, over BEDROCK_PROMPT_TOKEN_BUDGET (${budgetTokens})`,
      { category: 'permanent', field: 'BEDROCK_PROMPT_TOKEN_BUDGET' },
    );
  }
  const related = [...(request.related ?? [])]
    .map((block, order) => ({ block, order }))
    .sort((a, b) => rank(a.block) - rank(b.block) || a.order - b.order)
    .map((r) => r.block);
  const parts = [head];
  const included: string[] = [];
  const dropped: string[] = [];
  const heading = `${SEPARATOR}## Related blocks (context only; do not return them)`;
  for (const block of related) {
    const section = SEPARATOR + relatedSection(block);
    const cost = section.length + (included.length === 0 ? heading.length : 0);
    // Once one does not fit, it and every less relevant block stay out: a less relevant block never takes the
    // place of a more relevant one.
    if (dropped.length > 0 || used + cost > budgetChars) {
      dropped.push(block.address);
      continue;
    }
    if (included.length === 0) parts.push(heading);
    parts.push(section);
    used += cost;
    included.push(block.address);
  }
  const user = parts.join('');
  return {
    system: SYSTEM_PROMPT,
    user,
    estimatedTokens: estimateTokens(SYSTEM_PROMPT + user),
    included,
    dropped,
  };
}

/** The follow-up after an unusable answer: what was wrong, and the contract again. */
export function repairRequest(problem: string): string {
  return (
    `Your answer could not be used: ${problem}\n\n` +
    'Answer again with only the JSON object in the format given, with the complete target block in "replacement".'
  );
}
