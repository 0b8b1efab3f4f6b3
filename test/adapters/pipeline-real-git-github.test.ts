/**
 * The pipeline core over the real git and GitHub adapters (Vanta and Bedrock still simulated): a failure ends in a
 * PR whose branch holds a real commit in the fake's bare repository, with paths under TERRAFORM_PATH; running
 * it again from a fresh state store reuses that PR; a secondary rate limit is survived with the retry visible.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitRepoCheckout } from '../../src/adapters/git/index.js';
import { GitHubPublisher, type RateLimitEvent } from '../../src/adapters/github/index.js';
import { composePipeline, type PipelineComposition } from '../../src/composition/pipeline.js';
import { createLogger } from '../../src/observability/logger.js';
import type { Failure } from '../../src/pipeline/failure.js';
import { nullObserver } from '../../src/pipeline/observer.js';
import { SimulatedFailureSource } from '../../src/simulation/adapters/failure-source.js';
import { SimulatedFixGenerator } from '../../src/simulation/adapters/fix-generator.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github/server.js';
import { testConfig } from '../support/simulated-pipeline.js';
import { publisherOptions } from './github/helpers.js';

const TOKEN = 'tfxcanary-pipeline-1234abcd';
const FIXTURE = new URL('../hcl/fixtures/repo/', import.meta.url);

async function fixtureFiles(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(FIXTURE, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const rel = full.slice(FIXTURE.pathname.length);
    out[`infra/${rel}`] = await readFile(full, 'utf8');
  }
  return out;
}

const FAILURE: Failure = {
  test_id: 'rds-encryption-42',
  test_name: 'RDS Encryption at Rest',
  resource_arn: 'arn:aws:rds:us-east-1:123456789012:db:orders-db',
  resource_type: 'AWS::RDS::DBInstance',
  failure_reason: 'RDS instance does not have encryption enabled',
  severity: 'high',
  framework: 'SOC2',
  failed_at: '2026-01-01T00:00:00Z',
  current_state: { storage_encrypted: false },
  required_state: { storage_encrypted: true },
  resource_id: null,
  resource_details: {},
};

describe('pipeline over the real git and GitHub adapters', () => {
  let fake: FakeGitHub;
  let dir: string;
  const compositions: PipelineComposition[] = [];
  const rateLimits: RateLimitEvent[] = [];
  const gitEvents: string[] = [];

  beforeEach(async () => {
    fake = await startFakeGitHub({ tokens: { [TOKEN]: 'write' } });
    await fake.createRepo('octo', 'infra', { files: await fixtureFiles() });
    dir = join(fake.root, '..', `tfx-pipeline-${Date.now()}`);
  });
  afterEach(async () => {
    for (const c of compositions.splice(0)) await c.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  function compose(): PipelineComposition {
    const composition = composePipeline(
      testConfig(),
      {
        source: new SimulatedFailureSource(),
        resolver: { resolve: () => ({ owner: 'octo', name: 'infra', baseBranch: 'main' }) },
        checkout: new GitRepoCheckout({
          token: TOKEN,
          gitUrl: fake.url,
          terraformPath: 'infra',
          dir,
          maxCachedRepos: 2,
          gitTimeoutMs: 20_000,
          path: process.env.PATH,
          onEvent: (e) => gitEvents.push(e.kind),
        }),
        generator: new SimulatedFixGenerator(),
        publisher: new GitHubPublisher({
          ...publisherOptions(TOKEN, fake.url),
          events: { rateLimit: (e) => rateLimits.push(e) },
        }),
      },
      { logger: createLogger('silent'), observer: nullObserver, sleep: () => Promise.resolve() },
    );
    compositions.push(composition);
    return composition;
  }

  it('opens one PR with a real commit; a replay from fresh state reuses it', async () => {
    fake.inject({
      method: 'POST',
      path: '/pulls',
      reply: { kind: 'secondary-rate-limit', retryAfterSeconds: 3 },
    });
    const first = await compose().pipeline.process(FAILURE);
    expect(first.outcome).toMatchObject({
      kind: 'completed',
      reused: false,
      changedAttributes: ['storage_encrypted'],
    });
    expect(rateLimits).toEqual([
      expect.objectContaining({ limit: 'secondary', willRetry: true, waitMs: 3000 }),
    ]);

    const [pull] = fake.pulls('octo', 'infra');
    expect(pull?.head).toMatch(/^terrafix\/rds-encryption-at-rest-[0-9a-f]{12}$/);
    expect(pull?.body).toContain('RDS Encryption at Rest');
    const bare = fake.repo('octo', 'infra').bare;
    const head = await bare.resolveRef(`refs/heads/${pull?.head ?? ''}`);
    expect((await bare.commitInfo(head ?? '')).parents).toEqual([await bare.resolveRef('refs/heads/main')]);
    expect(await bare.readFile(head ?? '', 'infra/rds.tf')).toMatch(/storage_encrypted\s*=\s*true/);
    expect(await bare.readFile(head ?? '', 'infra/main.tf')).toBe(
      await bare.readFile('main', 'infra/main.tf'),
    );

    const replay = await compose().pipeline.process(FAILURE);
    expect(replay.outcome).toMatchObject({ kind: 'completed', reused: true, prNumber: pull?.number });
    expect(fake.pulls('octo', 'infra')).toHaveLength(1);
    // The replay (a new adapter over the same cache directory, as after a restart) fetched the cached clone
    // instead of cloning again, and no workspace was left behind.
    expect(gitEvents).toEqual(['clone', 'fetch']);
    expect(await readdir(join(dir, 'work'))).toEqual([]);
  });
});
