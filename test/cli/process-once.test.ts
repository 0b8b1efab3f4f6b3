// `terrafix process-once` through commander, over the real mock pipeline; stdout is captured, not printed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { CommanderError } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { failureKey } from '../../src/pipeline/failure.js';
import { syntheticRepository } from '../../src/simulation/synth/repository.js';
import { makeFailure } from '../../src/simulation/synth/templates.js';
import { rejection } from '../support/rejection.js';

const ENV = {
  TERRAFIX_MOCK_LATENCY_MS: '0',
  TERRAFIX_TERRAFORM_VALIDATE: 'off',
  // The pipeline logs failures at warn to stdout; silence it so only the command's own output is there.
  LOG_LEVEL: 'silent',
  PATH: process.env.PATH,
};

const target = syntheticRepository('small').targets.find((t) => t.cfnType === 'AWS::RDS::DBInstance');
if (target === undefined) throw new Error('no RDS target in the small repository');
const failure = makeFailure({
  template: 'rds-encryption',
  target,
  uniqueId: 'cli00001',
  size: 'small',
  failedAt: '2026-01-01T00:00:00Z',
});

let dir: string;
let stdout: MockInstance<typeof process.stdout.write>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'terrafix-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  stdout.mockRestore();
  process.exitCode = undefined;
});

/** Writes `content` to a file in the temp dir and returns its path. */
async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content, 'utf8');
  return path;
}

/** Runs `terrafix ...args` and returns what it wrote to stdout. */
async function run(args: string[]): Promise<string> {
  const chunks: string[] = [];
  stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  await buildProgram(ENV).parseAsync(['node', 'terrafix', ...args]);
  return chunks.join('');
}

describe('process-once', () => {
  it('prints the outcome, the PR, the stage timings and the diff', async () => {
    const path = await file('failure.json', JSON.stringify(failure));
    const out = await run(['process-once', '--failure-json', path, '--mock']);
    expect(out).toContain('Outcome: completed\n');
    expect(out).toContain(`Failure hash: ${failureKey(failure)}\n`);
    expect(out).toMatch(
      /^Successfully created PR: https:\/\/github\.com\/mock-org\/terraform-small\/pull\/\d+$/m,
    );
    expect(out).toMatch(/^Validation: HCL checks passed \(\d+\); terraform validate off/m);
    expect(out).toContain('Stage timings (ms):\n');
    for (const stage of [
      'fetch_vanta',
      'clone_repo',
      'parse_terraform',
      'bedrock_inference',
      'validate_fix',
      'create_pr',
      'total_processing',
    ]) {
      expect(out).toMatch(new RegExp(`^  ${stage} +\\d+\\.\\d{2}$`, 'm'));
    }
    expect(out).toContain('Fix source: playbook rds-storage-encryption\n');
    expect(out).not.toContain('Model tokens:');
    expect(out).toContain(`Diff:\n--- a/${target.path}\n+++ b/${target.path}\n@@ `);
    expect(out).toMatch(/^\+\s*storage_encrypted\s*=\s*true$/m);
    expect(process.exitCode).toBe(0);
  });

  it('prints parseable JSON with --json', async () => {
    const path = await file('failure-json.json', JSON.stringify(failure));
    const out = await run(['process-once', '--failure-json', path, '--mock', '--json']);
    const view = JSON.parse(out) as Record<string, unknown>;
    expect(view).toMatchObject({
      success: true,
      outcome: 'completed',
      failure_hash: failureKey(failure),
      pr_url: expect.stringMatching(
        /^https:\/\/github\.com\/mock-org\/terraform-small\/pull\/\d+$/,
      ) as unknown,
      changed_attributes: ['storage_encrypted'],
      // The rds-storage-encryption playbook wrote the fix: no model call, no token usage.
      usage: null,
    });
    expect(Object.keys(view.timings_ms as object)).toContain('total_processing');
    expect(view.diff).toEqual(expect.stringContaining(`--- a/${target.path}`));
    expect(process.exitCode).toBe(0);
  });

  it('prints a failed outcome with its code and stage and sets exit code 1', async () => {
    const path = await file('unknown.json', JSON.stringify({ ...failure, resource_type: 'AWS::Foo::Bar' }));
    const out = await run(['process-once', '--failure-json', path, '--mock']);
    expect(out).toContain('Outcome: failed\n');
    expect(out).toMatch(/^Failed to process failure: \[TFX_RESOURCE_NOT_FOUND\] at parse_terraform: /m);
    expect(out).not.toContain('Diff:');
    expect(process.exitCode).toBe(1);
  });

  it('rejects a file that is not JSON as a configuration error naming the option', async () => {
    const path = await file('broken.json', '{"test_id": ');
    const error = await rejection(run(['process-once', '--failure-json', path, '--mock']));
    expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config', field: '--failure-json' });
    expect(error.message).toContain('is not valid JSON');
  });

  it('rejects a missing file as a configuration error', async () => {
    const error = await rejection(run(['process-once', '--failure-json', join(dir, 'nope.json'), '--mock']));
    expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config' });
    expect(error.message).toContain('cannot read --failure-json');
  });

  it('rejects a record with a bad field, naming the field', async () => {
    const path = await file('bad-field.json', JSON.stringify({ ...failure, severity: 'apocalyptic' }));
    const error = await rejection(run(['process-once', '--failure-json', path, '--mock']));
    expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config' });
    expect(error.message).toMatch(/^invalid failure record: severity: /);
    const arn = await file('bad-arn.json', JSON.stringify({ ...failure, resource_arn: 'not-an-arn' }));
    expect((await rejection(run(['process-once', '--failure-json', arn, '--mock']))).message).toContain(
      'resource_arn: must be an ARN',
    );
  });

  it('without --mock runs real mode, and a missing or invalid variable stops it naming the variable, never the value', async () => {
    const path = await file('no-mock.json', JSON.stringify(failure));
    const error = await rejection(run(['process-once', '--failure-json', path]));
    expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config', field: 'VANTA_CLIENT_ID' });
    // Every loader runs: one error names all that is missing.
    for (const name of ['VANTA_CLIENT_ID', 'AWS_REGION', 'GITHUB_TOKEN'])
      expect(error.message).toContain(name);
    expect(stdout.mock.calls).toEqual([]);

    const secret = 'tfxcanary-not-a-valid token';
    const bad = await rejection(
      buildProgram({
        ...ENV,
        VANTA_API_TOKEN: 'tfxcanary-vanta',
        AWS_REGION: 'us-west-2',
        GITHUB_TOKEN: secret,
      }).parseAsync(['node', 'terrafix', 'process-once', '--failure-json', path]),
    );
    expect(bad).toMatchObject({ code: 'TFX_CONFIG', field: 'GITHUB_TOKEN' });
    expect(bad.message).toContain('GITHUB_TOKEN');
    expect(bad.message).not.toContain('tfxcanary');
  });

  it('refuses --dry-run in mock mode, naming the flag', async () => {
    const path = await file('dry-mock.json', JSON.stringify(failure));
    const error = await rejection(run(['process-once', '--failure-json', path, '--mock', '--dry-run']));
    expect(error).toMatchObject({ code: 'TFX_CONFIG', field: '--dry-run' });
  });

  it('is a usage error (commander) when --failure-json is missing', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const error = await run(['process-once', '--mock']).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CommanderError);
      expect(error).toMatchObject({ code: 'commander.missingMandatoryOptionValue' });
      expect(stderr.mock.calls.join('')).toContain('--failure-json');
    } finally {
      stderr.mockRestore();
    }
  });
});
