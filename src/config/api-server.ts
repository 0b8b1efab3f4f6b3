import { z } from 'zod';
import { type FaultConfig, faultConfigSchema } from '../faults/profile.js';
import { TerraFixError } from '../pipeline/errors.js';
import { envBoolean, envInt, envLogLevel, envNumber, envRedisUrl } from './env-parsers.js';
import { type Env, loadEnv } from './load.js';

/** The environment variables the API server reads (keys are variable names; docs/configuration.md lists them). */
/** The API server's queue when nothing says otherwise (experiment runs start from it too). */
export const DEFAULT_QUEUE_SIZING = { workers: 256, limit: 5_000 } as const;

export const apiServerEnvSchema = z.object({
  TERRAFIX_MOCK_MODE: envBoolean.default(false),
  TERRAFIX_API_PORT: envInt(0, 65535).default(8081),
  /** Loopback by default; containers set 0.0.0.0. */
  TERRAFIX_API_HOST: z.string().trim().min(1).default('127.0.0.1'),
  TERRAFIX_MOCK_LATENCY_MS: envNumber(0, 600_000).default(100),
  TERRAFIX_MOCK_FAILURE_RATE: envNumber(0, 1).default(0),
  TERRAFIX_MOCK_SEED: envInt(0, 2 ** 31 - 1).default(1),
  TERRAFIX_WORKERS: envInt(1, 10_000).default(DEFAULT_QUEUE_SIZING.workers),
  TERRAFIX_QUEUE_LIMIT: envInt(0, 1_000_000).default(DEFAULT_QUEUE_SIZING.limit),
  TERRAFIX_DISPATCH_SLICE: envInt(1, 1_000).default(8),
  TERRAFIX_BATCH_MAX: envInt(1, 10_000).default(100),
  TERRAFIX_BODY_LIMIT_BYTES: envInt(1_024, 64 * 1024 * 1024).default(1024 * 1024),
  TERRAFIX_PARSE_WORKERS: envInt(1, 64).default(2),
  TERRAFIX_PARSE_CACHE: envBoolean.default(true),
  TERRAFIX_PARSE_CACHE_ENTRIES: envInt(0, 1_000_000).default(20_000),
  TERRAFIX_SHUTDOWN_TIMEOUT_MS: envInt(0, 600_000).default(30_000),
  TERRAFIX_BODY_TIMEOUT_MS: envInt(100, 600_000).default(30_000),
  TERRAFIX_STATE_STORE_DEADLINE_MS: envInt(0, 3_600_000).default(180_000),
  REDIS_URL: envRedisUrl.optional(),
  STATE_RETENTION_DAYS: envInt(1, 3650).default(7),
  TERRAFIX_MEMORY_STATE_MAX: envInt(1, 100_000_000).default(25_000),
  LOG_LEVEL: envLogLevel.default('info'),
  TERRAFIX_TERRAFORM_VALIDATE: z.enum(['auto', 'off', 'required']).default('auto'),
  TERRAFIX_TERRAFORM_PLUGIN_DIR: z.string().trim().min(1).optional(),
  TERRAFIX_TERRAFORM_CONCURRENCY: envInt(1, 64).default(2),
  PATH: z.string().optional(),
  /** HMAC-SHA256 key of signed webhooks: required outside mock mode, enforced in mock mode too when set. */
  TERRAFIX_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').max(4096).optional(),
  /** Real mode: this process also runs the pipeline on the shared queue (otherwise it only enqueues). */
  TERRAFIX_API_PROCESS: envBoolean.default(false),
  /** Real mode: a fault profile (JSON, as `stages` of POST /configure) injected in front of the real adapters. */
  TERRAFIX_FAULT_PROFILE: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON such as {"stages":{"create_pr":{...}}}' });
        return z.NEVER;
      }
    })
    .pipe(faultConfigSchema)
    .optional(),
});

export interface ApiServerConfig {
  mockMode: boolean;
  port: number;
  host: string;
  mock: { latencyMs: number; failureRate: number; seed: number };
  /** dispatchSlice: jobs started per event-loop turn (lower favours intake over processing). */
  queue: { workers: number; limit: number; dispatchSlice: number };
  batchMax: number;
  bodyLimitBytes: number;
  parse: { workers: number; cacheEnabled: boolean; cacheEntries: number };
  shutdownTimeoutMs: number;
  /** A request's headers and body must arrive within this (else 408). */
  bodyTimeoutMs: number;
  /** How long state-store calls are retried through an outage before work fails (or a PR's record is held). */
  stateStoreDeadlineMs: number;
  redisUrl: string | undefined;
  retentionSeconds: number;
  /** Records the in-memory state store keeps at most (no REDIS_URL). */
  memoryStateMax: number;
  logLevel: z.infer<typeof envLogLevel>;
  terraform: TerraformSettings;
  /** Key of the webhook signature (`X-TerraFix-Signature: sha256=<hex>`); undefined: requests are not checked. */
  webhookSecret: string | undefined;
  /** Real mode: whether the API server also works the shared queue (needs the adapters' variables). */
  processJobs: boolean;
  /** Faults injected in front of the real adapters (latency for the harness, chaos in staging). */
  faults: FaultConfig | undefined;
}

export interface TerraformSettings {
  mode: 'auto' | 'off' | 'required';
  concurrency: number;
  /** Searched for a terraform binary. */
  path: string | undefined;
  /**
   * The environment terraform runs with: PATH, HOME, TMPDIR and TF_* only (no tokens reach it), plus
   * TF_CLI_ARGS_init=-plugin-dir=... when TERRAFIX_TERRAFORM_PLUGIN_DIR is set (air-gapped providers).
   */
  env: Record<string, string>;
}

function terraformSettings(
  env: Env,
  e: {
    TERRAFIX_TERRAFORM_VALIDATE: TerraformSettings['mode'];
    TERRAFIX_TERRAFORM_PLUGIN_DIR?: string | undefined;
    TERRAFIX_TERRAFORM_CONCURRENCY: number;
    PATH?: string | undefined;
  },
): TerraformSettings {
  const passed: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (
      value !== undefined &&
      (key === 'PATH' || key === 'HOME' || key === 'TMPDIR' || key.startsWith('TF_'))
    )
      passed[key] = value;
  }
  if (e.TERRAFIX_TERRAFORM_PLUGIN_DIR !== undefined) {
    passed.TF_CLI_ARGS_init =
      `${passed.TF_CLI_ARGS_init ?? ''} -plugin-dir=${e.TERRAFIX_TERRAFORM_PLUGIN_DIR}`.trim();
  }
  return {
    mode: e.TERRAFIX_TERRAFORM_VALIDATE,
    concurrency: e.TERRAFIX_TERRAFORM_CONCURRENCY,
    path: e.PATH,
    env: passed,
  };
}

/** The API server's configuration from `env`; throws a TFX_CONFIG error naming each bad variable. */
export function loadApiServerConfig(env: Env): ApiServerConfig {
  const e = loadEnv(apiServerEnvSchema, env);
  return {
    mockMode: e.TERRAFIX_MOCK_MODE,
    port: e.TERRAFIX_API_PORT,
    host: e.TERRAFIX_API_HOST,
    mock: {
      latencyMs: e.TERRAFIX_MOCK_LATENCY_MS,
      failureRate: e.TERRAFIX_MOCK_FAILURE_RATE,
      seed: e.TERRAFIX_MOCK_SEED,
    },
    queue: {
      workers: e.TERRAFIX_WORKERS,
      limit: e.TERRAFIX_QUEUE_LIMIT,
      dispatchSlice: e.TERRAFIX_DISPATCH_SLICE,
    },
    batchMax: e.TERRAFIX_BATCH_MAX,
    bodyLimitBytes: e.TERRAFIX_BODY_LIMIT_BYTES,
    parse: {
      workers: e.TERRAFIX_PARSE_WORKERS,
      cacheEnabled: e.TERRAFIX_PARSE_CACHE,
      cacheEntries: e.TERRAFIX_PARSE_CACHE_ENTRIES,
    },
    shutdownTimeoutMs: e.TERRAFIX_SHUTDOWN_TIMEOUT_MS,
    bodyTimeoutMs: e.TERRAFIX_BODY_TIMEOUT_MS,
    stateStoreDeadlineMs: e.TERRAFIX_STATE_STORE_DEADLINE_MS,
    redisUrl: e.REDIS_URL,
    retentionSeconds: e.STATE_RETENTION_DAYS * 86_400,
    memoryStateMax: e.TERRAFIX_MEMORY_STATE_MAX,
    logLevel: e.LOG_LEVEL,
    terraform: terraformSettings(env, e),
    webhookSecret: e.TERRAFIX_WEBHOOK_SECRET,
    processJobs: e.TERRAFIX_API_PROCESS,
    faults: e.TERRAFIX_FAULT_PROFILE,
  };
}

/** The webhook secret real mode cannot start without; the error names the variable (never a value). */
export function requireWebhookSecret(config: ApiServerConfig): string {
  if (config.webhookSecret !== undefined) return config.webhookSecret;
  throw new TerraFixError(
    'TFX_CONFIG',
    // "VAR is", not "VAR: ...": the CLI's redaction takes `..._SECRET: word` for a secret and hides the word.
    'invalid configuration: TERRAFIX_WEBHOOK_SECRET is required outside mock mode ' +
      '(webhooks are authenticated by an HMAC-SHA256 signature with it; at least 16 characters)',
    { category: 'config', field: 'TERRAFIX_WEBHOOK_SECRET' },
  );
}
