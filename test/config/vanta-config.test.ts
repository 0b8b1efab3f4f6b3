// VANTA_* and GITHUB_REPO_MAPPING at start-up: defaults, credentials, maps, and errors that name the variable only.
import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/config/load.js';
import { loadRepoMappingConfig } from '../../src/config/repo-mapping.js';
import { loadVantaConfig } from '../../src/config/vanta.js';
import { TerraFixError } from '../../src/pipeline/errors.js';

const SECRET = 'vcs_CONFIG_secret_never_in_errors_42';
const CREDENTIALS = { VANTA_CLIENT_ID: 'vci_config_test', VANTA_CLIENT_SECRET: SECRET };

function configError(env: Env, load: (env: Env) => unknown = loadVantaConfig): TerraFixError {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(TerraFixError);
    expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config' });
    return error as TerraFixError;
  }
  throw new Error('expected a configuration error');
}

describe('loadVantaConfig', () => {
  it('defaults: api.vanta.com, 50 requests/minute, medium severity, one-minute confirm cache', () => {
    const config = loadVantaConfig(CREDENTIALS);
    expect(config).toMatchObject({
      baseUrl: 'https://api.vanta.com',
      auth: { kind: 'client_credentials', clientId: 'vci_config_test', clientSecret: SECRET },
      filters: { framework: undefined, integration: undefined, category: undefined },
      rateLimitPerMinute: 50,
      timeoutMs: 30_000,
      confirmCacheMs: 60_000,
      framework: 'Vanta',
    });
    expect(config.retry.maxAttempts).toBe(4);
    expect(config.severities.fallback).toBe('medium');
    expect(config.controls.size).toBe(0);
  });

  it('takes the guide’s VANTA_API_TOKEN as a pre-minted token; client credentials win when both are set', () => {
    expect(loadVantaConfig({ VANTA_API_TOKEN: 'vat_x' }).auth).toEqual({ kind: 'static', token: 'vat_x' });
    expect(loadVantaConfig({ ...CREDENTIALS, VANTA_API_TOKEN: 'vat_x' }).auth.kind).toBe(
      'client_credentials',
    );
  });

  it('reads filters, limits, severities and test controls', () => {
    const config = loadVantaConfig({
      ...CREDENTIALS,
      VANTA_BASE_URL: 'http://127.0.0.1:8090/',
      VANTA_FRAMEWORK_FILTER: 'soc2',
      VANTA_INTEGRATION_FILTER: 'aws',
      VANTA_CATEGORY_FILTER: 'INFRASTRUCTURE',
      VANTA_RATE_LIMIT_PER_MINUTE: '20',
      VANTA_SEVERITY_MAP: '{"aws-s3-public-access-blocked":"high","category:Logging":"low"}',
      VANTA_DEFAULT_SEVERITY: 'LOW',
      VANTA_TEST_CONTROLS: 'tenant-s3-versioning=s3-versioning, tenant-ebs=ebs-encryption',
      VANTA_CONFIRM_CACHE_SECONDS: '0',
    });
    expect(config.filters).toEqual({ framework: 'soc2', integration: 'aws', category: 'INFRASTRUCTURE' });
    expect(config.framework).toBe('soc2');
    expect(config.rateLimitPerMinute).toBe(20);
    expect(config.severities.byTest.get('aws-s3-public-access-blocked')).toBe('high');
    expect(config.severities.byCategory.get('logging')).toBe('low');
    expect(config.severities.fallback).toBe('low');
    expect([...config.controls]).toEqual([
      ['tenant-s3-versioning', 's3-versioning'],
      ['tenant-ebs', 'ebs-encryption'],
    ]);
    expect(config.confirmCacheMs).toBe(0);
  });

  it('names missing credentials', () => {
    expect(configError({}).message).toBe(
      'invalid configuration: VANTA_CLIENT_ID: set VANTA_CLIENT_ID and VANTA_CLIENT_SECRET (or VANTA_API_TOKEN)',
    );
    expect(configError({ VANTA_CLIENT_ID: 'vci_x' }).message).toContain(
      'VANTA_CLIENT_SECRET: must be set with VANTA_CLIENT_ID',
    );
    expect(configError({ VANTA_CLIENT_SECRET: SECRET }).message).toContain(
      'VANTA_CLIENT_ID: must be set with VANTA_CLIENT_SECRET',
    );
  });

  it('names each bad variable, never its value', () => {
    const cases: [Env, string][] = [
      [{ VANTA_BASE_URL: 'http://api.vanta.com' }, 'VANTA_BASE_URL'],
      [{ VANTA_BASE_URL: `https://user:${SECRET}@api.vanta.com` }, 'VANTA_BASE_URL'],
      [{ VANTA_BASE_URL: 'not a url' }, 'VANTA_BASE_URL'],
      [{ VANTA_RATE_LIMIT_PER_MINUTE: '0' }, 'VANTA_RATE_LIMIT_PER_MINUTE'],
      [{ VANTA_RATE_LIMIT_PER_MINUTE: 'fast' }, 'VANTA_RATE_LIMIT_PER_MINUTE'],
      [{ VANTA_RETRY_ATTEMPTS: '11' }, 'VANTA_RETRY_ATTEMPTS'],
      [{ VANTA_DEFAULT_SEVERITY: 'urgent' }, 'VANTA_DEFAULT_SEVERITY'],
      [{ VANTA_SEVERITY_MAP: `${SECRET}=urgent` }, 'VANTA_SEVERITY_MAP'],
      [{ VANTA_SEVERITY_MAP: '{"a": 3}' }, 'VANTA_SEVERITY_MAP'],
      [{ VANTA_TEST_CONTROLS: 'x=s3-anything' }, 'VANTA_TEST_CONTROLS'],
      [{ VANTA_CONFIRM_CACHE_SECONDS: '-1' }, 'VANTA_CONFIRM_CACHE_SECONDS'],
    ];
    for (const [env, variable] of cases) {
      const error = configError({ ...CREDENTIALS, ...env });
      expect(error.message, variable).toContain(`${variable}:`);
      expect(error.field, variable).toBe(variable);
      if (variable !== 'VANTA_SEVERITY_MAP') expect(error.message).not.toContain(SECRET);
    }
  });

  it('never repeats a credential in an error', () => {
    const error = configError({ VANTA_CLIENT_SECRET: SECRET, VANTA_RATE_LIMIT_PER_MINUTE: 'x' });
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });
});

describe('loadRepoMappingConfig', () => {
  it('is empty by default (everything unmapped) and reads the guide’s format', () => {
    expect(loadRepoMappingConfig({})).toEqual({ rules: [], fallback: undefined });
    const mapping = loadRepoMappingConfig({
      GITHUB_REPO_MAPPING:
        '{"default": "myorg/terraform-main", "arn:aws:s3:::special-bucket": "myorg/terraform-s3"}',
      GITHUB_BASE_BRANCH: 'develop',
    });
    expect(mapping.fallback).toEqual({ owner: 'myorg', name: 'terraform-main', baseBranch: 'develop' });
    expect(mapping.rules).toHaveLength(1);
  });

  it('names the variable and the bad entry', () => {
    const error = configError(
      { GITHUB_REPO_MAPPING: '{"default": "myorg", "arn:aws:s3:::a": "o/r"}' },
      loadRepoMappingConfig,
    );
    expect(error.message).toBe(
      'invalid configuration: GITHUB_REPO_MAPPING: entry "default": must be owner/name or owner/name@branch',
    );
    expect(error.field).toBe('GITHUB_REPO_MAPPING');
    expect(configError({ GITHUB_BASE_BRANCH: 'a..b' }, loadRepoMappingConfig).message).toContain(
      'GITHUB_BASE_BRANCH:',
    );
  });
});
