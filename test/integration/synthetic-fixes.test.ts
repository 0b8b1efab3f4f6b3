// Every synthetic target × every template that applies to it goes through the real mock-mode pipeline
// (parse, locate, fix, validate, publish) and ends in a PR whose diff edits the target's file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedFixGenerator } from '../../src/simulation/adapters/fix-generator.js';
import type { SimulatedComposition } from '../../src/composition/simulated.js';
import { createHclAnalyzer } from '../../src/hcl/analyzer.js';
import { scanBlocks } from '../../src/hcl/blocks.js';
import { type Failure, failureSchema, REPO_SIZES, type RepoSize } from '../../src/pipeline/failure.js';
import { syntheticRepository } from '../../src/simulation/synth/repository.js';
import { makeFailure, type TemplateName, templatesFor } from '../../src/simulation/synth/templates.js';
import type { SyntheticTarget } from '../../src/simulation/synth/targets.js';
import { testPipeline } from '../support/simulated-pipeline.js';

const FAILED_AT = '2026-01-01T00:00:00Z';

function failureFor(size: RepoSize, target: SyntheticTarget, template: TemplateName, n: number): Failure {
  return failureSchema.parse(
    makeFailure({
      template,
      target,
      uniqueId: `it${size.slice(0, 1)}${String(n).padStart(5, '0')}`,
      size,
      failedAt: FAILED_AT,
    }),
  );
}

describe.each(REPO_SIZES)('synthetic %s repository', (size) => {
  let mock: SimulatedComposition;
  const repo = syntheticRepository(size);
  const combos = repo.targets.flatMap((target) =>
    templatesFor(target.cfnType).map((template) => ({ target, template: template.name })),
  );

  beforeAll(() => {
    mock = testPipeline({}, { TERRAFIX_PARSE_WORKERS: '2' });
  });
  afterAll(async () => {
    await mock.close();
  });

  it(`fixes every target with every applicable template (${combos.length} combinations)`, async () => {
    expect(combos.length).toBeGreaterThanOrEqual(repo.targets.length);
    const results = await Promise.all(
      combos.map(async ({ target, template }, n) => {
        const failure = failureFor(size, target, template, n);
        return { target, template, result: await mock.pipeline.process(failure, { keepDiff: true }) };
      }),
    );
    for (const { target, template, result } of results) {
      const label = `${template} on ${target.address}`;
      expect(result.outcome, label).toMatchObject({ kind: 'completed' });
      if (result.outcome.kind !== 'completed') continue;
      expect(result.outcome.validation, label).toMatch(/^HCL checks passed \(\d+\)/);
      expect(result.outcome.changedAttributes.length, label).toBeGreaterThan(0);
      expect(result.diff, label).toBeTruthy();
      expect(result.diff?.startsWith(`--- a/${target.path}\n+++ b/${target.path}\n@@ `), label).toBe(true);
      expect(result.diff, label).toMatch(/^\+/m);
    }
    // One PR per combination, each on its own branch and with the target's file as the only change.
    const calls = mock.publisher.calls();
    expect(calls).toHaveLength(combos.length);
    expect(new Set(calls.map((c) => c.branch)).size).toBe(combos.length);
    for (const call of calls) expect(call.files).toHaveLength(1);
  });

  it('rejects a fix that also deletes another resource block of the file', async () => {
    // A target sharing its file with another target: the fix is made, then the neighbour is cut out.
    const target = repo.targets.find((t) =>
      repo.targets.some((other) => other !== t && other.path === t.path),
    );
    if (target === undefined) throw new Error(`no file with two targets in the ${size} repository`);
    const neighbour = repo.targets.find((t) => t !== target && t.path === target.path);
    const template = templatesFor(target.cfnType)[0];
    if (neighbour === undefined || template === undefined) throw new Error('unreachable');

    const failure = failureFor(size, target, template.name, 99_999);
    const analyzer = createHclAnalyzer({ parser: mock.parser, terraform: mock.terraform });
    const tree = { revision: repo.revision, files: repo.files };
    const located = await analyzer.locate(tree, failure);
    expect(located.path).toBe(target.path);
    const content = repo.files.get(located.path) ?? '';
    const fix = await new SimulatedFixGenerator().generate(
      { failure, path: located.path, content, address: located.address, block: located.block },
      { key: 'negative', attempt: 1 },
    );
    // The honest fix passes...
    await expect(analyzer.validate(tree, located, fix.fixedContent)).resolves.toMatchObject({ ok: true });

    const neighbourLabel = neighbour.address.split('.').at(-1);
    const victim = scanBlocks(fix.fixedContent).find(
      (b) => b.kind === 'resource' && b.labels[0] === neighbour.tfType && b.labels[1] === neighbourLabel,
    );
    if (victim === undefined) throw new Error(`${neighbour.address} not found in ${target.path}`);
    const broken = fix.fixedContent.slice(0, victim.start) + fix.fixedContent.slice(victim.end);
    const check = await analyzer.validate(tree, located, broken);
    expect(check).toMatchObject({ ok: false, code: 'TFX_FIX_INVALID' });
    if (!check.ok) expect(check.reason).toContain(neighbourLabel);

    // ...and a fix that no longer parses is rejected as a parse error.
    const unparsable = await analyzer.validate(tree, located, `${fix.fixedContent}\nresource "x" {\n`);
    expect(unparsable).toMatchObject({ ok: false, code: 'TFX_HCL_PARSE' });
  });
});
