/**
 * Real mode end to end over the fakes: fake Vanta (five failing tests over three pages, one test's entities over
 * two), fake GitHub over bare repositories holding hand-written Terraform (a module, count, for_each, the split S3
 * resources) and fake Bedrock answering like a model. Every failure ends in one PR whose branch holds a real commit;
 * the patch applies to the base and parses; a replay opens no second PR. A revoked Vanta token, a throttled Bedrock
 * and a GitHub secondary rate limit are survived, each visible in the metrics.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRelativePatch } from '../../src/composition/dry-run.js';
import { createHclParser } from '../../src/hcl/parser.js';
import { createLogger } from '../../src/observability/logger.js';
import type { ProcessResult } from '../../src/pipeline/outcome.js';
import { throttled } from '../fakes/bedrock/replies.js';
import {
  composeOnFakes,
  type Fakes,
  fixtureFiles,
  metricValue,
  pollAndProcess,
  PROFILE_ID,
  realEnv,
  type RealRig,
  startFakes,
  TERRAFORM_PATH,
} from './support.js';

const TOKEN = 'tfxcanary-e2e-github-0001';
const logger = createLogger('silent');

let fakes: Fakes;
let work: string;
const rigs: RealRig[] = [];

beforeAll(async () => {
  fakes = await startFakes(TOKEN);
  work = await mkdtemp(join(tmpdir(), 'tfx-e2e-'));
});
afterAll(async () => {
  for (const rig of rigs) await rig.real.close();
  await fakes.close();
  await rm(work, { recursive: true, force: true });
});

function rig(): RealRig {
  const env = realEnv(fakes, { githubToken: TOKEN, workspaceDir: join(work, 'workspaces') });
  // Model only: every fix goes through Bedrock, so its throttling, tokens and cost are exercised end to end
  // (test/composition/real-playbooks.test.ts covers the default, playbooks first).
  const created = composeOnFakes(fakes, env, logger, { fixGenerator: (model) => model });
  rigs.push(created);
  return created;
}

/** `git apply` of `patch` to the base files of `repo`, in a plain directory; returns the patched file. */
async function applyToBase(repo: 'platform' | 'data', patch: string, path: string): Promise<string> {
  const dir = await mkdtemp(join(work, `apply-${repo}-`));
  for (const [rel, content] of Object.entries(await fixtureFiles(repo))) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
  await writeFile(join(dir, 'fix.patch'), patch);
  execFileSync('git', ['apply', '--check', 'fix.patch'], { cwd: dir });
  execFileSync('git', ['apply', 'fix.patch'], { cwd: dir });
  return readFile(join(dir, path), 'utf8');
}

describe('real mode over fake Vanta, Bedrock and GitHub', () => {
  let first: RealRig;
  let results: ProcessResult[];

  beforeAll(async () => {
    first = rig();
    // Bedrock throttles the first two calls; GitHub answers the first PR creation with a secondary rate limit;
    // Vanta's token is revoked (as a mint elsewhere would) after the second failure.
    fakes.bedrock.script(throttled(), throttled());
    fakes.github.inject({
      method: 'POST',
      path: '/pulls',
      reply: { kind: 'secondary-rate-limit', retryAfterSeconds: 2 },
    });
    results = await pollAndProcess(first.real, (_result, index) => {
      if (index === 1) fakes.vanta.revokeAll();
    });
  }, 120_000);

  it('turns every failing entity, read over several pages, into one completed remediation', () => {
    expect(results.map((r) => r.outcome.kind)).toEqual(Array(7).fill('completed'));
    // Tests came three pages of two, the EBS test's three entities two pages.
    const testPages = fakes.vanta.calls.filter((c) => /^\/?v1\/tests$/.test(c.path) && c.status === 200);
    expect(testPages.map((c) => c.query.pageCursor !== undefined)).toEqual([false, true, true]);
    const ebsPages = fakes.vanta.calls.filter(
      (c) => c.path.includes('aws-ebs-volume-encrypted/entities') && c.query.pageCursor !== undefined,
    );
    expect(ebsPages.length).toBeGreaterThanOrEqual(1);
  });

  it('opens one PR per failure whose branch holds a real commit on the base', async () => {
    const pulls = [...fakes.github.pulls('octo', 'platform'), ...fakes.github.pulls('octo', 'data')];
    expect(pulls).toHaveLength(7);
    expect(new Set(pulls.map((p) => p.head)).size).toBe(7);
    for (const repo of ['platform', 'data'] as const) {
      const bare = fakes.github.repo('octo', repo).bare;
      const main = await bare.resolveRef('refs/heads/main');
      for (const pull of fakes.github.pulls('octo', repo)) {
        const head = await bare.resolveRef(`refs/heads/${pull.head}`);
        expect((await bare.commitInfo(head ?? '')).parents).toEqual([main]);
        expect(pull.body).toContain(`Fixes: test-`);
        expect(pull.body).toContain(`- Fix Source: Model \`${PROFILE_ID}\``);
        expect(pull.body).toMatch(/- Diff: `[^`]+` \+\d+ −\d+ lines/);
        expect(pull.body).toMatch(/- Validation: HCL checks passed/);
      }
    }
  });

  it('writes patches that apply to the base, parse, and equal the branch content', async () => {
    const parser = createHclParser({ workers: 1, cacheEnabled: false, cacheEntries: 0 });
    try {
      for (const result of results) {
        const { outcome } = result;
        if (outcome.kind !== 'completed') throw new Error('not completed');
        const repo = outcome.prUrl.includes('/octo/data/') ? 'data' : 'platform';
        const patch = repoRelativePatch(result.diff ?? '', TERRAFORM_PATH);
        const path = /^\+\+\+ b\/(\S+)$/m.exec(patch)?.[1] ?? '';
        expect(path.startsWith(`${TERRAFORM_PATH}/`)).toBe(true);
        const patched = await applyToBase(repo, patch, path);
        await parser.parse(path, patched);
        const pull = fakes.github.pulls('octo', repo).find((p) => p.number === outcome.prNumber);
        const bare = fakes.github.repo('octo', repo).bare;
        expect(await bare.readFile(`refs/heads/${pull?.head ?? ''}`, path)).toBe(patched);
      }
    } finally {
      await parser.close();
    }
  });

  it('fixes each shape the way provider v5 wants it (split S3 resources, count, for_each, a module)', () => {
    const diffs = results.map((r) => r.diff ?? '').join('\n');
    expect(diffs).toMatch(/\+resource "aws_s3_bucket_versioning" "archive[^"]*" \{/);
    expect(diffs).toMatch(/\+resource "aws_s3_bucket_public_access_block" "logs[^"]*" \{/);
    expect(diffs).toMatch(/--- a\/modules\/storage\/main\.tf/);
    expect(diffs.match(/^\+\s*encrypted\s*=\s*true$/gm)).toHaveLength(3);
    expect(diffs).toMatch(/^\+\s*storage_encrypted\s*=\s*true$/m);
    expect(diffs).toMatch(/^\+\s*enable_log_file_validation\s*=\s*true$/m);
  });

  it('survives a revoked Vanta token, a throttled Bedrock and a secondary rate limit, with the retries in metrics', async () => {
    const registry = first.metrics.registry;
    expect(await metricValue(registry, 'terrafix_vanta_token_rejections_total')).toBe(1);
    expect(await metricValue(registry, 'terrafix_vanta_token_mints_total')).toBe(2);
    expect(await metricValue(registry, 'retries_total', { stage: 'bedrock_inference' })).toBe(2);
    expect(
      await metricValue(registry, 'terrafix_github_rate_limits_total', {
        limit: 'secondary',
        retried: 'true',
      }),
    ).toBe(1);
    expect(await metricValue(registry, 'prs_created_total')).toBe(7);
    expect(
      await metricValue(registry, 'terrafix_model_tokens_total', { direction: 'input' }),
    ).toBeGreaterThan(0);
    expect(await metricValue(registry, 'terrafix_git_cache_events_total', { kind: 'clone' })).toBe(2);
    expect(await metricValue(registry, 'terrafix_git_cache_events_total', { kind: 'fetch' })).toBe(5);
  });

  it('opens no second PR when run again: skipped as duplicates, then reused from fresh state', async () => {
    const again = await pollAndProcess(first.real);
    expect(again.map((r) => r.outcome.kind)).toEqual(Array(7).fill('skipped_duplicate'));
    const fresh = await pollAndProcess(rig().real);
    expect(fresh.map((r) => r.outcome)).toEqual(
      Array(7).fill(expect.objectContaining({ kind: 'completed', reused: true })),
    );
    expect(fakes.github.pulls('octo', 'platform')).toHaveLength(5);
    expect(fakes.github.pulls('octo', 'data')).toHaveLength(2);
  }, 120_000);
});
