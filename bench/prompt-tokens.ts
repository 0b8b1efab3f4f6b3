/**
 * Prompt tokens by synthetic repository size: every target of each repository is located by the real analyzer and
 * its Bedrock prompt built as the adapter builds it (no network; tokens estimated at 4 characters, as the
 * budget counts them). Flat across sizes is the goal: the prompt holds the target and what it references, never
 * the file or the repository. Printed next to the tokens the whole file would have cost.
 *
 * Standalone: `npm run build && node dist/bench/prompt-tokens.js` (a table on stdout; `--json` for JSON).
 */
import { pathToFileURL } from 'node:url';
import { buildPrompt, estimateTokens } from '../src/adapters/bedrock/prompt.js';
import { createHclAnalyzer } from '../src/hcl/analyzer.js';
import { createHclParser } from '../src/hcl/parser.js';
import { TerraformGate } from '../src/hcl/terraform-gate.js';
import { failureSchema, REPO_SIZES, type RepoSize } from '../src/pipeline/failure.js';
import { syntheticRepository } from '../src/simulation/synth/repository.js';
import { makeFailure, templatesFor } from '../src/simulation/synth/templates.js';
import { median } from './parse-timing.js';

export interface PromptTokens {
  size: RepoSize;
  targets: number;
  /** Estimated tokens of every .tf file of the repository together. */
  repoTokens: number;
  /** Largest file that holds a target, in tokens. */
  maxTargetFileTokens: number;
  promptMin: number;
  promptMedian: number;
  promptMax: number;
  /** Related blocks shown per prompt (median), and prompts that had to leave some out. */
  relatedMedian: number;
  promptsOverBudget: number;
}

/** Prompt tokens of every synthetic target, per size, with the default budget (8,000). */
export async function measurePromptTokens(budget = 8_000): Promise<PromptTokens[]> {
  const parser = createHclParser({ workers: 2, cacheEntries: 10_000, cacheEnabled: true });
  try {
    const analyzer = createHclAnalyzer({ parser, terraform: new TerraformGate('off', undefined) });
    const rows: PromptTokens[] = [];
    for (const size of REPO_SIZES) {
      const repo = syntheticRepository(size);
      const tree = { revision: repo.revision, files: repo.files };
      const prompts: number[] = [];
      const related: number[] = [];
      const fileTokens: number[] = [];
      let dropped = 0;
      for (const [n, target] of repo.targets.entries()) {
        const template = templatesFor(target.cfnType)[0];
        if (template === undefined) continue;
        const failure = failureSchema.parse(
          makeFailure({
            template: template.name,
            target,
            uniqueId: `bench${n}`,
            size,
            failedAt: '2026-01-01T00:00:00Z',
          }),
        );
        const located = await analyzer.locate(tree, failure);
        const content = repo.files.get(located.path) ?? '';
        const prompt = buildPrompt(
          {
            failure,
            path: located.path,
            content,
            address: located.address,
            block: located.block,
            related: located.related,
          },
          budget,
        );
        prompts.push(prompt.estimatedTokens);
        related.push(prompt.included.length);
        fileTokens.push(estimateTokens(content));
        if (prompt.dropped.length > 0) dropped++;
      }
      rows.push({
        size,
        targets: prompts.length,
        repoTokens: estimateTokens([...repo.files.values()].join('')),
        maxTargetFileTokens: Math.max(...fileTokens),
        promptMin: Math.min(...prompts),
        promptMedian: median(prompts),
        promptMax: Math.max(...prompts),
        relatedMedian: median(related),
        promptsOverBudget: dropped,
      });
    }
    return rows;
  } finally {
    await parser.close();
  }
}

/** The rows as a fixed-width table. */
export function renderPromptTokens(rows: readonly PromptTokens[]): string {
  const header =
    'size    targets  repo tokens  largest target file  prompt min / median / max  related (median)';
  const lines = rows.map(
    (r) =>
      `${r.size.padEnd(8)}${String(r.targets).padStart(7)}${String(r.repoTokens).padStart(13)}` +
      `${String(r.maxTargetFileTokens).padStart(21)}` +
      `${`${r.promptMin} / ${r.promptMedian} / ${r.promptMax}`.padStart(27)}${String(r.relatedMedian).padStart(18)}`,
  );
  return [header, ...lines].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await measurePromptTokens();
  process.stdout.write(
    process.argv.includes('--json') ? `${JSON.stringify(rows, null, 2)}\n` : `${renderPromptTokens(rows)}\n`,
  );
}
