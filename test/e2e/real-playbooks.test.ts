/**
 * Real mode as composed by default: playbooks answer first and Bedrock is only the fallback. Over the same fakes as
 * real-mode.test.ts, every failing entity whose control a playbook covers ends in a PR without a model call, and the
 * PR body says which playbook wrote the fix.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import type { ProcessResult } from '../../src/pipeline/outcome.js';
import { composeOnFakes, type Fakes, pollAndProcess, realEnv, type RealRig, startFakes } from './support.js';

const TOKEN = 'tfxcanary-e2e-github-0002';

let fakes: Fakes;
let work: string;
let rig: RealRig;
let results: ProcessResult[];

beforeAll(async () => {
  fakes = await startFakes(TOKEN);
  work = await mkdtemp(join(tmpdir(), 'tfx-e2e-playbooks-'));
  const env = realEnv(fakes, { githubToken: TOKEN, workspaceDir: join(work, 'workspaces') });
  rig = composeOnFakes(fakes, env, createLogger('silent'));
  results = await pollAndProcess(rig.real);
}, 120_000);
afterAll(async () => {
  await rig.real.close();
  await fakes.close();
  await rm(work, { recursive: true, force: true });
});

describe('real mode, playbooks first', () => {
  it('fixes every covered failure without calling the model', () => {
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) {
      expect(result.outcome.kind).toBe('completed');
      if (result.outcome.kind === 'completed') expect(result.outcome.fix.source).toBe('playbook');
    }
    expect(fakes.bedrock.calls).toHaveLength(0);
  });

  it('names the playbook in every PR body', () => {
    const pulls = [...fakes.github.pulls('octo', 'platform'), ...fakes.github.pulls('octo', 'data')];
    expect(pulls).toHaveLength(results.length);
    for (const pull of pulls)
      expect(pull.body).toMatch(/- Fix Source: Playbook `[a-z0-9-]+` \(deterministic/);
  });
});
