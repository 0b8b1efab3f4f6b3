/**
 * Real mode over the three fakes: fake Vanta (the e2e data, small pages), fake GitHub (bare repos seeded with the
 * hand-written Terraform under test/e2e/fixtures) and fake Bedrock answering like a model (model-like.ts). The
 * pipeline is composed by the product's composeReal from an environment, as the CLI does.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { loadApiServerConfig } from '../../src/config/api-server.js';
import type { Env } from '../../src/config/load.js';
import { loadRealAdaptersConfig } from '../../src/config/real-mode.js';
import { composeReal, type RealComposition, type RealOverrides } from '../../src/composition/real.js';
import { AdapterMetrics } from '../../src/observability/adapter-metrics.js';
import type { Logger } from '../../src/observability/logger.js';
import { PipelineMetrics } from '../../src/observability/pipeline-metrics.js';
import type { ProcessResult } from '../../src/pipeline/outcome.js';
import { CREDENTIALS } from '../adapters/bedrock/support.js';
import { modelLikeFix } from '../fakes/bedrock/model-like.js';
import { type FakeBedrock, startFakeBedrock } from '../fakes/bedrock/server.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github/server.js';
import { readFakeVantaData } from '../fakes/vanta/data.js';
import { type FakeVanta, startFakeVanta } from '../fakes/vanta/server.js';

export const FIXTURES = new URL('./fixtures/', import.meta.url);
export const TERRAFORM_PATH = 'terraform';
export const PROFILE_ID = 'us.anthropic.claude-opus-4-5-20251101-v1:0';

/** Every file of a fixture repository, by repository path. */
export async function fixtureFiles(repo: 'platform' | 'data'): Promise<Record<string, string>> {
  const root = new URL(`${repo}/`, FIXTURES).pathname;
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out[full.slice(root.length)] = await readFile(full, 'utf8');
  }
  return out;
}

export interface Fakes {
  vanta: FakeVanta;
  github: FakeGitHub;
  bedrock: FakeBedrock;
  close(): Promise<void>;
}

/** The three fakes, GitHub seeded with octo/platform and octo/data; `githubToken` may write. */
export async function startFakes(githubToken: string, clientSecret?: string): Promise<Fakes> {
  const data = await readFakeVantaData(new URL('vanta.json', FIXTURES).pathname);
  if (clientSecret !== undefined) data.clients = [{ clientId: data.clients[0]!.clientId, clientSecret }];
  const vanta = await startFakeVanta({ data, rateLimitPerMinute: 10_000 });
  const github = await startFakeGitHub({ tokens: { [githubToken]: 'write' } });
  await github.createRepo('octo', 'platform', { files: await fixtureFiles('platform') });
  await github.createRepo('octo', 'data', { files: await fixtureFiles('data') });
  const bedrock = await startFakeBedrock({ fallback: modelLikeFix });
  return {
    vanta,
    github,
    bedrock,
    async close() {
      await Promise.all([vanta.close(), github.close(), bedrock.close()]);
    },
  };
}

/** The environment real mode reads, pointed at the fakes. */
export function realEnv(fakes: Fakes, extra: { githubToken: string; workspaceDir: string } & Env): Env {
  const { githubToken, workspaceDir, ...rest } = extra;
  const client = fakes.vanta.data.clients[0]!;
  return {
    TERRAFIX_TERRAFORM_VALIDATE: 'off',
    TERRAFIX_PARSE_WORKERS: '1',
    PATH: process.env.PATH,
    VANTA_BASE_URL: fakes.vanta.url,
    VANTA_CLIENT_ID: client.clientId,
    VANTA_CLIENT_SECRET: client.clientSecret,
    // Every confirm asks Vanta (a listing cache would hide a revoked token from the pipeline).
    VANTA_CONFIRM_CACHE_SECONDS: '0',
    VANTA_RATE_LIMIT_PER_MINUTE: '10000',
    AWS_REGION: 'us-west-2',
    BEDROCK_MODEL_ID: PROFILE_ID,
    GITHUB_TOKEN: githubToken,
    GITHUB_API_URL: fakes.github.url,
    TERRAFORM_PATH: TERRAFORM_PATH,
    TERRAFIX_WORKSPACE_DIR: workspaceDir,
    TERRAFIX_GITHUB_WRITE_INTERVAL_MS: '0',
    TERRAFIX_GITHUB_PR_INTERVAL_MS: '0',
    GITHUB_REPO_MAPPING: JSON.stringify({
      'arn:aws:s3:::': 'octo/platform',
      'arn:vanta:ec2:::': 'octo/platform',
      default: 'octo/data',
    }),
    ...rest,
  };
}

export interface RealRig {
  real: RealComposition;
  metrics: PipelineMetrics;
}

/** composeReal over the fakes: SDK at the fake Bedrock, small Vanta pages, GitHub's waits in milliseconds. */
export function composeOnFakes(
  fakes: Fakes,
  env: Env,
  logger: Logger,
  overrides: RealOverrides = {},
): RealRig {
  const metrics = new PipelineMetrics();
  const real = composeReal(
    { ...loadApiServerConfig(env), ...loadRealAdaptersConfig(env) },
    {
      logger,
      observer: metrics.observer,
      adapterMetrics: new AdapterMetrics(metrics.registry),
      // Retry backoff without real waiting.
      sleep: () => Promise.resolve(),
    },
    {
      bedrock: { endpoint: fakes.bedrock.url, credentials: CREDENTIALS },
      vanta: { pageSize: 2 },
      github: { msPerSecond: 1, retryBaseMs: 1 },
      ...overrides,
    },
  );
  return { real, metrics };
}

/** What a poller does: every failing test, every failing entity, one pipeline run each. */
export async function pollAndProcess(
  real: RealComposition,
  afterEach?: (result: ProcessResult, index: number) => void,
): Promise<ProcessResult[]> {
  const results: ProcessResult[] = [];
  for (const test of await real.vanta.reader.listFailingTests()) {
    for await (const failure of real.vanta.reader.failuresOf(test)) {
      const result = await real.pipeline.process(failure, { keepDiff: true });
      results.push(result);
      afterEach?.(result, results.length - 1);
    }
  }
  return results;
}

/** The value of one series (0 when absent). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  const hit = values.find((v) =>
    Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want),
  );
  return hit?.value ?? 0;
}
