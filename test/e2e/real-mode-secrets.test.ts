/**
 * No secret leaks from real mode. Every credential is a recognisable value the text redactor does not know (so
 * redaction cannot hide a leak): the GitHub token, the Vanta client secret, the Vanta access tokens the fake
 * mints, the AWS keys. A full poll-and-remediate run, a replay and two failing runs (a GitHub token the fake
 * refuses, a Vanta secret it refuses), then a search of: every log line (trace level), every error message with
 * its inspected cause chain, every PR body and title, every file in the workspace cache (each `.git/config`
 * included), the argv of every git process (PATH shim) and a metrics scrape.
 */
import { readdir, readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import type { Failure } from '../../src/pipeline/failure.js';
import type { ProcessResult } from '../../src/pipeline/outcome.js';
import { createGitShim, type GitShim } from '../support/git-shim.js';
import { composeOnFakes, type Fakes, pollAndProcess, realEnv, type RealRig, startFakes } from './support.js';

const GITHUB_TOKEN = 'tfxcanary0github0token0e2e0a1b2c3';
const WRONG_GITHUB_TOKEN = 'tfxcanary0github0wrong0e2e0d4e5f6';
const VANTA_SECRET = 'tfxcanary-vanta-secret-e2e-77aa';
const WRONG_VANTA_SECRET = 'tfxcanary-vanta-wrong-e2e-88bb';
const AWS = {
  accessKeyId: 'TFXCANARYAWSKEY0E2E1',
  secretAccessKey: 'tfxcanary-aws-secret-e2e-99cc',
  sessionToken: 'tfxcanary-aws-session-e2e-00dd',
};

const b64 = (text: string): string => Buffer.from(text).toString('base64');

let fakes: Fakes;
let shim: GitShim;
let work: string;
const logLines: string[] = [];
const errors: unknown[] = [];
const results: ProcessResult[] = [];
const rigs: RealRig[] = [];
let metricsText = '';

function secrets(): string[] {
  const plain = [
    GITHUB_TOKEN,
    WRONG_GITHUB_TOKEN,
    VANTA_SECRET,
    WRONG_VANTA_SECRET,
    AWS.secretAccessKey,
    AWS.sessionToken,
    ...fakes.vanta.issuedTokens(),
  ];
  return [
    ...plain,
    ...[GITHUB_TOKEN, WRONG_GITHUB_TOKEN].flatMap((t) => [b64(`x-access-token:${t}`), b64(t)]),
  ];
}

function leaks(text: string): string[] {
  return secrets().filter((s) => text.includes(s));
}

function compose(githubToken: string, vantaSecret: string): RealRig {
  const env = realEnv(fakes, {
    githubToken,
    workspaceDir: join(work, 'workspaces'),
    PATH: shim.path,
    VANTA_CLIENT_SECRET: vantaSecret,
  });
  const logger = createLogger('trace', { write: (line: string) => logLines.push(line) });
  const rig = composeOnFakes(fakes, env, logger, {
    bedrock: { endpoint: fakes.bedrock.url, credentials: AWS },
    // Model only, so the AWS credentials are sent and checked too.
    fixGenerator: (model) => model,
  });
  rigs.push(rig);
  return rig;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  return out;
}

beforeAll(async () => {
  fakes = await startFakes(GITHUB_TOKEN, VANTA_SECRET);
  shim = createGitShim();
  work = await mkdtemp(join(tmpdir(), 'tfx-e2e-secrets-'));
  const good = compose(GITHUB_TOKEN, VANTA_SECRET);
  const failures: Failure[] = [];
  for (const test of await good.real.vanta.reader.listFailingTests())
    for await (const failure of good.real.vanta.reader.failuresOf(test)) failures.push(failure);
  for (const failure of failures) results.push(await good.real.pipeline.process(failure));
  results.push(...(await pollAndProcess(compose(GITHUB_TOKEN, VANTA_SECRET).real)));
  // A GitHub token the fake refuses (the clone fails), then a Vanta secret it refuses (the mint fails).
  results.push(await compose(WRONG_GITHUB_TOKEN, VANTA_SECRET).real.pipeline.process(failures[0]!));
  results.push(await compose(GITHUB_TOKEN, WRONG_VANTA_SECRET).real.pipeline.process(failures[1]!));
  metricsText = await good.metrics.registry.metrics();
  try {
    await compose(WRONG_GITHUB_TOKEN, VANTA_SECRET).real.publisher.publish(
      {
        repo: { owner: 'octo', name: 'platform', baseBranch: 'main' },
        branch: 'terrafix/secrets-probe',
        title: 't',
        body: 'b',
        commitMessage: 'c',
        changes: [{ path: 'main.tf', content: '# x\n' }],
        labels: [],
      },
      { key: 'k'.repeat(64), attempt: 1 },
    );
  } catch (error) {
    errors.push(error);
  }
}, 180_000);

afterAll(async () => {
  for (const rig of rigs) await rig.real.close();
  await fakes.close();
  await rm(work, { recursive: true, force: true });
});

describe('no secret leaves real mode', () => {
  it('ran the happy path, the replay and both refusals', () => {
    expect(results.slice(0, 7).every((r) => r.outcome.kind === 'completed')).toBe(true);
    // The replay from fresh state reused every PR.
    expect(results.slice(7, 14).map((r) => r.outcome)).toEqual(
      Array(7).fill(expect.objectContaining({ kind: 'completed', reused: true })),
    );
    const [wrongGitHub, wrongVanta] = results.slice(-2);
    expect(wrongGitHub?.outcome).toMatchObject({ kind: 'failed', stage: 'clone_repo' });
    expect(wrongVanta?.outcome).toMatchObject({ kind: 'failed', stage: 'fetch_vanta' });
    expect(errors).toHaveLength(1);
    // The tokens did arrive: the fake Vanta minted, and the fake GitHub saw authenticated git and API calls.
    expect(fakes.vanta.issuedTokens().length).toBeGreaterThan(0);
    expect(fakes.github.pulls('octo', 'platform').length).toBe(5);
    expect(shim.count('clone')).toBeGreaterThan(0);
    // And the search can see a secret where one belongs: the session token travels in Bedrock's request headers.
    expect(leaks(JSON.stringify(fakes.bedrock.calls.map((c) => c.headers)))).toEqual([AWS.sessionToken]);
  });

  it('not in any log line', () => {
    expect(logLines.length).toBeGreaterThan(50);
    expect(leaks(logLines.join('\n'))).toEqual([]);
  });

  it('not in any error message or cause chain', () => {
    const failed = results.flatMap((r) => (r.outcome.kind === 'failed' ? [r.outcome.message] : []));
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(leaks(failed.join('\n'))).toEqual([]);
    expect(leaks(errors.map((e) => inspect(e, { depth: 10 })).join('\n'))).toEqual([]);
  });

  it('not in any PR title or body', () => {
    const pulls = [...fakes.github.pulls('octo', 'platform'), ...fakes.github.pulls('octo', 'data')];
    expect(pulls.length).toBe(7);
    expect(leaks(pulls.map((p) => `${p.title}\n${p.body ?? ''}`).join('\n'))).toEqual([]);
  });

  it('not in any file of the workspace cache, each .git/config included', async () => {
    const files = await filesUnder(join(work, 'workspaces'));
    const configs = files.filter((f) => f.endsWith('/.git/config') || f.endsWith('/config'));
    expect(configs.length).toBeGreaterThanOrEqual(2);
    for (const file of files) expect(leaks((await readFile(file)).toString('latin1')), file).toEqual([]);
  });

  it('not in the argv of any git process, nor in a metrics scrape', () => {
    expect(shim.invocations().length).toBeGreaterThan(5);
    expect(leaks(shim.text())).toEqual([]);
    expect(metricsText).toContain('terrafix_vanta_token_mints_total');
    expect(leaks(metricsText)).toEqual([]);
  });
});
