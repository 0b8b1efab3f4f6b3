/**
 * The production service's own settings (`terrafix serve`, `stats`, `cleanup`): polling, workers, the shared queue,
 * the health server, PR caps, dry run and the CloudWatch EMF namespace. The adapters' settings (VANTA_*, GITHUB_*,
 * AWS_REGION, BEDROCK_*, GITHUB_REPO_MAPPING, TERRAFORM_PATH) have their own loaders, which `serve` runs too.
 */
import { z } from 'zod';
import { envBoolean, envInt, envLogLevel, envRedisUrl, type LogLevel } from './env-parsers.js';
import { type Env, loadEnv } from './load.js';

export const serviceEnvSchema = z.object({
  POLL_INTERVAL_SECONDS: envInt(1, 86_400).default(300),
  MAX_CONCURRENT_WORKERS: envInt(1, 256).default(3),
  REDIS_URL: envRedisUrl.default('redis://localhost:6379/0'),
  STATE_RETENTION_DAYS: envInt(1, 3650).default(7),
  LOG_LEVEL: envLogLevel.default('info'),
  TERRAFIX_HEALTH_PORT: envInt(0, 65535).default(8080),
  /** Loopback by default; the image sets 0.0.0.0. */
  TERRAFIX_HEALTH_HOST: z.string().trim().min(1).default('127.0.0.1'),
  TERRAFIX_MAX_OPEN_PRS: envInt(1, 10_000).default(10),
  TERRAFIX_MAX_PRS_PER_HOUR: envInt(1, 100_000).default(20),
  DRY_RUN: envBoolean.default(false),
  TERRAFIX_DRY_RUN_DIR: z.string().trim().min(1).default('terrafix-dry-run'),
  TERRAFIX_LEADER_LEASE_SECONDS: envInt(2, 600).default(30),
  TERRAFIX_JOB_LOCK_SECONDS: envInt(1, 3_600).default(30),
  TERRAFIX_SERVICE_QUEUE_LIMIT: envInt(1, 10_000_000).default(100_000),
  TERRAFIX_DRAIN_TIMEOUT_SECONDS: envInt(1, 3_600).default(90),
  TERRAFIX_EMF_NAMESPACE: z.string().trim().min(1).max(255).optional(),
  TERRAFIX_EMF_INTERVAL_SECONDS: envInt(1, 3_600).default(60),
  TERRAFIX_REDIS_PREFIX: z.string().trim().min(1).max(100).default('terrafix:'),
});

export interface ServiceConfig {
  pollIntervalMs: number;
  workers: number;
  redisUrl: string;
  retentionSeconds: number;
  logLevel: LogLevel;
  health: { host: string; port: number };
  caps: { maxOpenPrsPerRepo: number; maxPrsPerHour: number };
  dryRun: { enabled: boolean; dir: string };
  leaseTtlMs: number;
  jobLockMs: number;
  queueLimit: number;
  drainTimeoutMs: number;
  emf: { namespace: string; intervalMs: number } | undefined;
  /** Namespace of every key the service writes (state, lease, PR ledger; BullMQ keys derive from it). */
  redisPrefix: string;
}

/** The service's own configuration from `env`; the TFX_CONFIG error names each bad variable, never its value. */
export function loadServiceConfig(env: Env): ServiceConfig {
  const e = loadEnv(serviceEnvSchema, env);
  return {
    pollIntervalMs: e.POLL_INTERVAL_SECONDS * 1000,
    workers: e.MAX_CONCURRENT_WORKERS,
    redisUrl: e.REDIS_URL,
    retentionSeconds: e.STATE_RETENTION_DAYS * 86_400,
    logLevel: e.LOG_LEVEL,
    health: { host: e.TERRAFIX_HEALTH_HOST, port: e.TERRAFIX_HEALTH_PORT },
    caps: { maxOpenPrsPerRepo: e.TERRAFIX_MAX_OPEN_PRS, maxPrsPerHour: e.TERRAFIX_MAX_PRS_PER_HOUR },
    dryRun: { enabled: e.DRY_RUN, dir: e.TERRAFIX_DRY_RUN_DIR },
    leaseTtlMs: e.TERRAFIX_LEADER_LEASE_SECONDS * 1000,
    jobLockMs: e.TERRAFIX_JOB_LOCK_SECONDS * 1000,
    queueLimit: e.TERRAFIX_SERVICE_QUEUE_LIMIT,
    drainTimeoutMs: e.TERRAFIX_DRAIN_TIMEOUT_SECONDS * 1000,
    emf:
      e.TERRAFIX_EMF_NAMESPACE === undefined
        ? undefined
        : { namespace: e.TERRAFIX_EMF_NAMESPACE, intervalMs: e.TERRAFIX_EMF_INTERVAL_SECONDS * 1000 },
    redisPrefix: e.TERRAFIX_REDIS_PREFIX,
  };
}
