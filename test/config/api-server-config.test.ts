import { describe, expect, it } from 'vitest';
import { loadApiServerConfig, requireWebhookSecret } from '../../src/config/api-server.js';
import type { Env } from '../../src/config/load.js';
import { TerraFixError } from '../../src/pipeline/errors.js';

/** The config error `env` produces (fails the test when loading succeeds). */
function configError(env: Env): TerraFixError {
  try {
    loadApiServerConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(TerraFixError);
    expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config' });
    return error as TerraFixError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('loadApiServerConfig', () => {
  it('has documented defaults for an empty environment', () => {
    expect(loadApiServerConfig({})).toEqual({
      mockMode: false,
      port: 8081,
      host: '127.0.0.1',
      mock: { latencyMs: 100, failureRate: 0, seed: 1 },
      queue: { workers: 256, limit: 5000, dispatchSlice: 8 },
      batchMax: 100,
      bodyLimitBytes: 1024 * 1024,
      parse: { workers: 2, cacheEnabled: true, cacheEntries: 20_000 },
      shutdownTimeoutMs: 30_000,
      bodyTimeoutMs: 30_000,
      stateStoreDeadlineMs: 180_000,
      redisUrl: undefined,
      retentionSeconds: 7 * 86_400,
      memoryStateMax: 25_000,
      logLevel: 'info',
      terraform: { mode: 'auto', concurrency: 2, path: undefined, env: {} },
      webhookSecret: undefined,
      processJobs: false,
      faults: undefined,
    });
  });

  it('reads the webhook secret, the worker switch and a fault profile for real mode', () => {
    const config = loadApiServerConfig({
      TERRAFIX_WEBHOOK_SECRET: 'a-webhook-secret-of-some-length',
      TERRAFIX_API_PROCESS: 'true',
      TERRAFIX_FAULT_PROFILE: '{"seed":7,"stages":{"create_pr":{"latency":{"kind":"fixed","ms":25}}}}',
    });
    expect(config.webhookSecret).toBe('a-webhook-secret-of-some-length');
    expect(config.processJobs).toBe(true);
    expect(config.faults?.seed).toBe(7);
    expect(config.faults?.stages.create_pr?.latency).toEqual({ kind: 'fixed', ms: 25 });
    expect(requireWebhookSecret(config)).toBe('a-webhook-secret-of-some-length');
  });

  it('requires TERRAFIX_WEBHOOK_SECRET by name where real mode starts, and never echoes a short one', () => {
    const missing = (() => {
      try {
        requireWebhookSecret(loadApiServerConfig({}));
      } catch (error) {
        return error as TerraFixError;
      }
      throw new Error('expected a missing secret to be refused');
    })();
    expect(missing.code).toBe('TFX_CONFIG');
    expect(missing.field).toBe('TERRAFIX_WEBHOOK_SECRET');
    expect(missing.message).toContain('TERRAFIX_WEBHOOK_SECRET');
    const short = configError({ TERRAFIX_WEBHOOK_SECRET: 'tiny-s3cret' });
    expect(short.field).toBe('TERRAFIX_WEBHOOK_SECRET');
    expect(short.message).not.toContain('tiny-s3cret');
  });

  it('names TERRAFIX_FAULT_PROFILE when it is not JSON or not a fault profile', () => {
    expect(configError({ TERRAFIX_FAULT_PROFILE: '{nope' }).field).toBe('TERRAFIX_FAULT_PROFILE');
    const unknown = configError({ TERRAFIX_FAULT_PROFILE: '{"stages":{"create_pull":{}}}' });
    expect(unknown.field).toBe('TERRAFIX_FAULT_PROFILE');
    expect(unknown.message).toContain('create_pull');
  });

  it('reads every variable it knows', () => {
    const config = loadApiServerConfig({
      TERRAFIX_MOCK_MODE: 'yes',
      TERRAFIX_API_PORT: '9000',
      TERRAFIX_API_HOST: '0.0.0.0',
      TERRAFIX_MOCK_LATENCY_MS: '12.5',
      TERRAFIX_MOCK_FAILURE_RATE: '0.25',
      TERRAFIX_MOCK_SEED: '42',
      TERRAFIX_WORKERS: '8',
      TERRAFIX_QUEUE_LIMIT: '10',
      TERRAFIX_BATCH_MAX: '5',
      TERRAFIX_BODY_LIMIT_BYTES: '2048',
      TERRAFIX_PARSE_WORKERS: '3',
      TERRAFIX_PARSE_CACHE: 'off',
      TERRAFIX_PARSE_CACHE_ENTRIES: '7',
      TERRAFIX_SHUTDOWN_TIMEOUT_MS: '0',
      TERRAFIX_BODY_TIMEOUT_MS: '1500',
      TERRAFIX_STATE_STORE_DEADLINE_MS: '2500',
      REDIS_URL: 'rediss://cache.example:6380/2',
      STATE_RETENTION_DAYS: '2',
      LOG_LEVEL: 'DEBUG',
      TERRAFIX_TERRAFORM_VALIDATE: 'required',
      TERRAFIX_TERRAFORM_CONCURRENCY: '4',
    });
    expect(config).toMatchObject({
      mockMode: true,
      port: 9000,
      host: '0.0.0.0',
      mock: { latencyMs: 12.5, failureRate: 0.25, seed: 42 },
      queue: { workers: 8, limit: 10 },
      batchMax: 5,
      bodyLimitBytes: 2048,
      parse: { workers: 3, cacheEnabled: false, cacheEntries: 7 },
      shutdownTimeoutMs: 0,
      bodyTimeoutMs: 1_500,
      stateStoreDeadlineMs: 2_500,
      redisUrl: 'rediss://cache.example:6380/2',
      retentionSeconds: 2 * 86_400,
      logLevel: 'debug',
      terraform: { mode: 'required', concurrency: 4 },
    });
  });

  it.each([
    ['TERRAFIX_API_PORT', 'abc'],
    ['TERRAFIX_API_PORT', '70000'],
    ['TERRAFIX_MOCK_FAILURE_RATE', '2'],
    ['TERRAFIX_MOCK_LATENCY_MS', '-1'],
    ['TERRAFIX_MOCK_MODE', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['REDIS_URL', 'http://x'],
    ['TERRAFIX_TERRAFORM_VALIDATE', 'sometimes'],
    ['TERRAFIX_WORKERS', '0'],
  ])('names %s=%s in the error', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).toContain(`${name}: `);
    expect(error.field).toBe(name);
  });

  it('names every bad variable at once', () => {
    const error = configError({ TERRAFIX_API_PORT: 'abc', LOG_LEVEL: 'loud' });
    expect(error.message).toContain('TERRAFIX_API_PORT');
    expect(error.message).toContain('LOG_LEVEL');
  });

  it.each([
    ['WARNING', 'warn'],
    ['warning', 'warn'],
    ['CRITICAL', 'fatal'],
    ['Error', 'error'],
    [' silent ', 'silent'],
  ])('maps LOG_LEVEL=%s to %s', (value, level) => {
    expect(loadApiServerConfig({ LOG_LEVEL: value }).logLevel).toBe(level);
  });

  it('treats blank values as unset', () => {
    const config = loadApiServerConfig({
      TERRAFIX_API_PORT: '',
      TERRAFIX_MOCK_MODE: '   ',
      LOG_LEVEL: '',
      REDIS_URL: ' ',
      TERRAFIX_TERRAFORM_PLUGIN_DIR: '',
    });
    expect(config).toMatchObject({ port: 8081, mockMode: false, logLevel: 'info', redisUrl: undefined });
    expect(config.terraform.env).toEqual({});
  });

  it('never puts a Redis password into the error', () => {
    const secret = 'hunter2-s3cr3t';
    const error = configError({ REDIS_URL: `http://user:${secret}@cache:6379` });
    expect(error.message).toContain('REDIS_URL');
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(JSON.stringify(error.cause ?? null)).not.toContain(secret);
    const spaced = configError({ REDIS_URL: `redis://:${secret}@cache 6379` });
    expect(spaced.message).not.toContain(secret);
  });

  it('passes only PATH, HOME, TMPDIR and TF_* to terraform', () => {
    const config = loadApiServerConfig({
      PATH: '/usr/bin:/bin',
      HOME: '/home/terrafix',
      TMPDIR: '/tmp',
      TF_PLUGIN_CACHE_DIR: '/cache',
      TF_LOG: 'WARN',
      GITHUB_TOKEN: `ghp_${'x'.repeat(36)}`,
      AWS_SECRET_ACCESS_KEY: 'secret',
      REDIS_URL: 'redis://:pw@cache:6379',
      VANTA_API_TOKEN: 'vanta',
    });
    expect(config.terraform.env).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/terrafix',
      TMPDIR: '/tmp',
      TF_PLUGIN_CACHE_DIR: '/cache',
      TF_LOG: 'WARN',
    });
    expect(config.terraform.path).toBe('/usr/bin:/bin');
  });

  it('turns TERRAFIX_TERRAFORM_PLUGIN_DIR into TF_CLI_ARGS_init=-plugin-dir=...', () => {
    expect(loadApiServerConfig({ TERRAFIX_TERRAFORM_PLUGIN_DIR: '/opt/providers' }).terraform.env).toEqual({
      TF_CLI_ARGS_init: '-plugin-dir=/opt/providers',
    });
    // Appended to init arguments the operator already set, not replacing them.
    expect(
      loadApiServerConfig({
        TERRAFIX_TERRAFORM_PLUGIN_DIR: '/opt/providers',
        TF_CLI_ARGS_init: '-upgrade',
      }).terraform.env,
    ).toEqual({ TF_CLI_ARGS_init: '-upgrade -plugin-dir=/opt/providers' });
  });
});
