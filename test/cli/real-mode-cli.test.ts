/**
 * `terrafix process-once` in real mode against the fakes (a PR, and a dry run that writes the would-be PR instead),
 * and `terrafix analyze` on a local checkout. The Bedrock SDK takes the fake's endpoint and dummy keys from its own
 * environment variables, as it would in a local run (docs/real-mode.md).
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { Env } from '../../src/config/load.js';
import { failureKey } from '../../src/pipeline/failure.js';
import { type Fakes, realEnv, startFakes } from '../e2e/support.js';
import { rejection } from '../support/rejection.js';

const TOKEN = 'tfxcanary-cli-github-0001';
const FAILURE = {
  test_id: 'aws-rds-storage-encrypted',
  test_name: 'RDS storage is encrypted',
  resource_arn: 'arn:vanta:rds:::d-b-instance/65e0000000000000000000c1',
  resource_type: 'AWS::RDS::DBInstance',
  failure_reason: 'The database instance does not encrypt its storage',
  severity: 'high',
  framework: 'SOC2',
  failed_at: '2026-01-05T10:00:00Z',
  current_state: { storage_encrypted: false },
  required_state: { storage_encrypted: true },
  resource_id: '65e0000000000000000000c1',
  resource_details: { name: 'orders-db' },
};
const SDK_ENV = ['AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;

let fakes: Fakes;
let dir: string;
let env: Env;
let failurePath: string;
let stdout: MockInstance<typeof process.stdout.write>;
const saved: Partial<Record<string, string>> = {};

beforeAll(async () => {
  fakes = await startFakes(TOKEN);
  dir = await mkdtemp(join(tmpdir(), 'tfx-cli-real-'));
  env = { ...realEnv(fakes, { githubToken: TOKEN, workspaceDir: join(dir, 'ws') }), LOG_LEVEL: 'silent' };
  failurePath = join(dir, 'failure.json');
  await writeFile(failurePath, JSON.stringify(FAILURE));
  const sdk: Record<(typeof SDK_ENV)[number], string> = {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fakes.bedrock.url,
    AWS_ACCESS_KEY_ID: 'AKIATFXCLIFAKE000001',
    AWS_SECRET_ACCESS_KEY: 'tfx-cli-fake-secret',
  };
  for (const name of SDK_ENV) {
    saved[name] = process.env[name];
    process.env[name] = sdk[name];
  }
}, 60_000);
afterAll(async () => {
  for (const name of SDK_ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await fakes.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  stdout.mockRestore();
  process.exitCode = undefined;
});

async function run(args: string[], extra: Env = {}): Promise<string> {
  const chunks: string[] = [];
  stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  await buildProgram({ ...env, ...extra }).parseAsync(['node', 'terrafix', ...args]);
  return chunks.join('');
}

describe('process-once in real mode', () => {
  it('--dry-run writes body.md, fix.patch and pr.json and opens nothing', async () => {
    const output = join(dir, 'dry');
    const modelCalls = fakes.bedrock.calls.length;
    const out = await run(['process-once', '--failure-json', failurePath, '--dry-run', '--output', output]);
    expect(fakes.bedrock.calls.length).toBe(modelCalls);
    expect(out).toContain('Outcome: completed\n');
    expect(out).toContain(`Dry run: would-be PR written to ${output}`);
    // RDS storage encryption has a playbook: the fix is deterministic and Bedrock is not asked.
    expect(out).toContain('Fix source: playbook rds-storage-encryption\n');
    expect(out).not.toMatch(/^Model tokens:/m);
    expect(process.exitCode).toBe(0);
    expect(fakes.github.pulls('octo', 'data')).toEqual([]);

    const body = await readFile(join(output, 'body.md'), 'utf8');
    expect(body).toContain('Fixes: test-aws-rds-storage-encrypted');
    expect(body).toContain('Playbook `rds-storage-encryption` (deterministic, no model call)');
    const pr = JSON.parse(await readFile(join(output, 'pr.json'), 'utf8')) as Record<string, unknown>;
    expect(pr).toMatchObject({
      outcome: 'completed',
      failure_hash: failureKey(FAILURE),
      repository: 'octo/data',
      base: 'main',
      files: ['terraform/rds.tf'],
    });
    expect(pr.branch).toMatch(/^terrafix\/rds-storage-is-encrypted-[0-9a-f]{12}$/);
    // The patch applies at the repository's top.
    const checkout = join(dir, 'checkout');
    await cp(new URL('../e2e/fixtures/data/', import.meta.url).pathname, checkout, { recursive: true });
    execFileSync('git', ['apply', join(output, 'fix.patch')], { cwd: checkout });
    expect(await readFile(join(checkout, 'terraform/rds.tf'), 'utf8')).toMatch(
      /storage_encrypted\s*=\s*true/,
    );
  });

  it('opens the PR through the real adapters', async () => {
    const out = await run(['process-once', '--failure-json', failurePath]);
    expect(out).toMatch(/^Successfully created PR: http:\/\/127\.0\.0\.1:\d+\/octo\/data\/pull\/1$/m);
    expect(fakes.github.pulls('octo', 'data')).toHaveLength(1);
    expect(fakes.github.pulls('octo', 'data')[0]?.body).toContain('Fixes: test-aws-rds-storage-encrypted');
  });
});

describe('analyze', () => {
  const root = new URL('../e2e/fixtures/data/terraform/', import.meta.url).pathname;

  it('locates the resource in a local checkout and prints the fix and its validation', async () => {
    const before = fakes.bedrock.calls.length;
    const out = await run(['analyze', '--repo', root, '--failure-json', failurePath]);
    expect(out).toContain('Resource: aws_db_instance.orders in rds.tf\n');
    expect(out).toMatch(/^Validation: HCL checks passed/m);
    expect(out).toContain('Terraform: terraform validate off');
    expect(out).toMatch(/^\+\s*storage_encrypted\s*=\s*true$/m);
    expect(process.exitCode).toBe(0);
    expect(fakes.bedrock.calls.length).toBe(before);
  });

  it('prints JSON with --json', async () => {
    const out = await run(['analyze', '--repo', root, '--failure-json', failurePath, '--json']);
    expect(JSON.parse(out)).toMatchObject({
      address: 'aws_db_instance.orders',
      path: 'rds.tf',
      changed_attributes: ['storage_encrypted'],
      validation: { ok: true },
    });
  });

  it('names --repo when it is not a directory, and says when the resource is not there', async () => {
    const error = await rejection(
      run(['analyze', '--repo', join(dir, 'nope'), '--failure-json', failurePath]),
    );
    expect(error).toMatchObject({ code: 'TFX_CONFIG', field: '--repo' });
    const other = join(dir, 'other.json');
    await writeFile(
      other,
      JSON.stringify({ ...FAILURE, resource_id: null, resource_details: { name: 'nope-db' } }),
    );
    const missing = await rejection(run(['analyze', '--repo', root, '--failure-json', other]));
    expect(missing).toMatchObject({ code: 'TFX_RESOURCE_NOT_FOUND' });
  });

  it('with an offline provider mirror and terraform, runs terraform validate too', async () => {
    const out = await run(['analyze', '--repo', root, '--failure-json', failurePath], {
      TERRAFIX_TERRAFORM_VALIDATE: 'auto',
      TERRAFIX_TERRAFORM_PLUGIN_DIR: '/opt/tf-plugins',
    });
    // Where terraform or the mirror is missing the gate says so; it never reaches the network either way.
    expect(out).toMatch(
      /^Validation: HCL checks passed \(\d+\); terraform validate (passed|skipped|unavailable)/m,
    );
  }, 120_000);
});
