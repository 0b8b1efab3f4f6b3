/**
 * A real-mode API server over the three fakes, as a load target for the experiment runner: the payloads a profile
 * generates (experiments/payloads.ts, for a seed) are failing on the fake Vanta, their resources live in the
 * synthetic repository on the fake GitHub, and TERRAFIX_FAULT_PROFILE puts latency in front of the real adapters.
 * The runner then signs its load with the same TERRAFIX_WEBHOOK_SECRET (docs/experiments.md, "Real mode").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { failureFor, type PayloadMixInput } from '../../../experiments/payloads.js';
import type { ExperimentProfile } from '../../../experiments/profiles/schema.js';
import { type RunningServer, startApiServer } from '../../../src/api-server/server.js';
import { loadApiServerConfig } from '../../../src/config/api-server.js';
import type { Env } from '../../../src/config/load.js';
import type { FaultConfigInput } from '../../../src/faults/profile.js';
import type { FailureInput, RepoSize } from '../../../src/pipeline/failure.js';
import { syntheticRepository } from '../../../src/simulation/synth/repository.js';
import { CREDENTIALS, PROFILE_ID } from '../../adapters/bedrock/support.js';
import { Redis } from 'ioredis';
import { deleteKeysWithPrefix, randomKeyPrefix } from '../../support/redis.js';
import { modelLikeFix } from '../bedrock/model-like.js';
import { type FakeBedrock, startFakeBedrock } from '../bedrock/server.js';
import { type FakeGitHub, startFakeGitHub } from '../github/server.js';
import type { FakeVantaDataInput } from '../vanta/data.js';
import { fakeVantaData } from '../vanta/data.js';
import { type FakeVanta, startFakeVanta } from '../vanta/server.js';

const TOKEN = 'ghp_realmodetargettoken0000000000000000';
const CLIENT = { clientId: 'vci_realmodetarget01', clientSecret: 'vcs_realmodetarget_local_01' };
const TERRAFORM_PATH = 'terraform';
/** The repository the synthetic failures are mapped to (`synthetic/<size>`). */
export const REPO_OWNER = 'synthetic';

export interface RealModeTargetOptions {
  /** The profile whose runs' payloads the fakes must know. */
  profile: ExperimentProfile;
  /** The runner's `--seed`. */
  seed: number;
  /** Iterations per run the fakes prepare (each run's load must not exceed it). */
  iterations: number;
  webhookSecret: string;
  /** Latency and faults in front of the real adapters; undefined: none. */
  faults?: FaultConfigInput | undefined;
  redisUrl: string;
  /** Pipeline workers in the API server (MAX_CONCURRENT_WORKERS). */
  workers?: number;
  port?: number;
  logger?: Logger;
}

export interface RealModeTarget {
  url: string;
  server: RunningServer;
  vanta: FakeVanta;
  github: FakeGitHub;
  bedrock: FakeBedrock;
  /** Pull requests opened on the fake GitHub so far. */
  pullCount(): number;
  /** Failures the fakes were prepared with. */
  prepared: number;
  stop(): Promise<void>;
}

/** Every failure the profile's runs can send for `seed`: the ids experiments/payloads.ts draws from. */
export function profileFailures(
  profile: ExperimentProfile,
  seed: number,
  iterations: number,
): FailureInput[] {
  const byTest = new Map<string, FailureInput>();
  for (const run of profile.runs) {
    const mix: PayloadMixInput = run.payload;
    const perIteration = run.payload.endpoint === 'webhook' ? 1 : (run.payload.batchSize?.max ?? 1);
    for (let n = 0; n < iterations; n++) {
      for (let j = 0; j < perIteration; j++) {
        const failure = failureFor(mix, seed, n * 1000 + j, '2026-01-01T00:00:00Z');
        byTest.set(failure.test_id, failure);
      }
    }
  }
  return [...byTest.values()];
}

/** The repository sizes the profile's payloads name (`mixed` names all three). */
function sizesOf(profile: ExperimentProfile): RepoSize[] {
  const sizes = new Set<RepoSize>();
  for (const run of profile.runs) {
    if (run.payload.repoSize === 'mixed')
      ['small', 'medium', 'large'].forEach((s) => sizes.add(s as RepoSize));
    else sizes.add(run.payload.repoSize);
  }
  return [...sizes];
}

/** Fake Vanta lists each failure's test as failing, with the failure's resource as its entity. */
function vantaData(failures: readonly FailureInput[]): FakeVantaDataInput {
  return {
    clients: [CLIENT],
    tests: failures.map((f) => ({ id: f.test_id, name: f.test_name, status: 'NEEDS_ATTENTION' as const })),
    entities: Object.fromEntries(
      failures.map((f) => [
        f.test_id,
        [{ id: String(f.resource_id), displayName: f.resource_details?.name ?? f.test_id }],
      ]),
    ),
  };
}

/** The fakes, prepared for `options.profile`, and a real-mode API server working them through the fault decorator. */
export async function startRealModeTarget(options: RealModeTargetOptions): Promise<RealModeTarget> {
  const sizes = sizesOf(options.profile);
  if (sizes.length !== 1) {
    // GITHUB_REPO_MAPPING maps by ARN, and the synthetic ARNs do not say which size of repository they are in.
    throw new Error(
      'a real-mode target serves one repository size: give every run the same payload.repoSize',
    );
  }
  const size = sizes[0] as RepoSize;
  const failures = profileFailures(options.profile, options.seed, options.iterations);
  const logger = options.logger ?? pino({ level: 'silent' });
  const vanta = await startFakeVanta({
    data: fakeVantaData(vantaData(failures)),
    rateLimitPerMinute: 100_000,
  });
  const github = await startFakeGitHub({ tokens: { [TOKEN]: 'write' } });
  const files: Record<string, string> = {};
  for (const [path, text] of syntheticRepository(size).files) files[`${TERRAFORM_PATH}/${path}`] = text;
  await github.createRepo(REPO_OWNER, size, { files });
  const bedrock = await startFakeBedrock({ fallback: modelLikeFix });
  const workspace = await mkdtemp(join(tmpdir(), 'terrafix-real-target-'));
  const prefix = randomKeyPrefix();
  const env: Env = {
    PATH: process.env.PATH,
    REDIS_URL: options.redisUrl,
    TERRAFIX_REDIS_PREFIX: prefix,
    TERRAFIX_API_HOST: '127.0.0.1',
    TERRAFIX_API_PORT: String(options.port ?? 0),
    TERRAFIX_WEBHOOK_SECRET: options.webhookSecret,
    TERRAFIX_API_PROCESS: 'true',
    ...(options.faults === undefined ? {} : { TERRAFIX_FAULT_PROFILE: JSON.stringify(options.faults) }),
    MAX_CONCURRENT_WORKERS: String(options.workers ?? 16),
    // The caps guard real repositories; here every failure may open its PR at once.
    TERRAFIX_MAX_OPEN_PRS: '10000',
    TERRAFIX_MAX_PRS_PER_HOUR: '100000',
    TERRAFIX_TERRAFORM_VALIDATE: 'off',
    TERRAFIX_PARSE_WORKERS: '1',
    LOG_LEVEL: 'warn',
    VANTA_BASE_URL: vanta.url,
    VANTA_CLIENT_ID: CLIENT.clientId,
    VANTA_CLIENT_SECRET: CLIENT.clientSecret,
    VANTA_RATE_LIMIT_PER_MINUTE: '10000',
    AWS_REGION: 'us-west-2',
    BEDROCK_MODEL_ID: PROFILE_ID,
    GITHUB_TOKEN: TOKEN,
    GITHUB_API_URL: github.url,
    TERRAFORM_PATH,
    TERRAFIX_WORKSPACE_DIR: workspace,
    TERRAFIX_GITHUB_WRITE_INTERVAL_MS: '0',
    TERRAFIX_GITHUB_PR_INTERVAL_MS: '0',
    GITHUB_REPO_MAPPING: JSON.stringify({ default: `${REPO_OWNER}/${size}` }),
  };
  const closeFakes = async () => {
    await Promise.allSettled([vanta.close(), github.close(), bedrock.close()]);
    await rm(workspace, { recursive: true, force: true });
  };
  let server: RunningServer;
  try {
    server = await startApiServer(loadApiServerConfig(env), {
      env,
      overrides: { logger, real: { bedrock: { endpoint: bedrock.url, credentials: CREDENTIALS } } },
    });
  } catch (error) {
    await closeFakes();
    throw error;
  }
  return {
    url: server.url,
    server,
    vanta,
    github,
    bedrock,
    prepared: failures.length,
    pullCount: () => github.pulls(REPO_OWNER, size).length,
    async stop() {
      await server.stop();
      await closeFakes();
      const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
      redis.on('error', () => undefined);
      try {
        await deleteKeysWithPrefix(redis, prefix);
      } finally {
        redis.disconnect();
      }
    },
  };
}
