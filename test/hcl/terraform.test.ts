import { chmod, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTerraformRunner, findTerraform, summariseToolOutput } from '../../src/hcl/terraform.js';
import { fakeTerraform, removeTempDirs, RESOLVER, tempDir } from './fake-terraform.js';

afterAll(removeTempDirs);

describe('findTerraform', () => {
  it('finds an executable terraform on the given PATH, in order, skipping empty entries', async () => {
    const first = await fakeTerraform('validate-json');
    const second = await fakeTerraform('init-fails');
    const found = findTerraform(['', '/nonexistent', first.dir, second.dir].join(delimiter));
    expect(found?.binary).toBe(join(first.dir, 'terraform'));
  });

  it('ignores a non-executable file and returns undefined when none is found', async () => {
    const dir = await tempDir('no-terraform-');
    await writeFile(join(dir, 'terraform'), '#!/bin/sh\nexit 0\n');
    await chmod(join(dir, 'terraform'), 0o644);
    expect(findTerraform(dir)).toBeUndefined();
    expect(findTerraform(undefined)).toBeUndefined();
    expect(findTerraform('')).toBeUndefined();
  });
});

describe('TerraformRunner.validate', () => {
  async function workdir(content: string): Promise<string> {
    const dir = await tempDir('tf-work-');
    await writeFile(join(dir, 'main.tf'), content);
    return dir;
  }

  it('runs init -backend=false then validate -json in the directory and passes a valid answer', async () => {
    const fake = await fakeTerraform('validate-json');
    const runner = findTerraform(fake.dir);
    const dir = await workdir('locals {}\n');
    await expect(runner?.validate(dir)).resolves.toEqual({ ok: true, warnings: 0, diagnostics: [] });
    const calls = await fake.calls();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatch(new RegExp(`^${dir} init -backend=false -input=false -no-color main.tf`));
    expect(calls[1]).toMatch(/ validate -json -no-color main\.tf/);
  });

  it('reports the diagnostics of an invalid configuration', async () => {
    const runner = findTerraform((await fakeTerraform('validate-json')).dir);
    const result = await runner?.validate(await workdir('# fake-terraform-reject\n'));
    expect(result).toEqual({
      ok: false,
      stage: 'validate',
      reason: 'main.tf:3: Unsupported argument (An argument named "fake" is not expected here.)',
      diagnostics: [
        {
          severity: 'error',
          summary: 'Unsupported argument',
          detail: 'An argument named "fake" is not expected here.',
          filename: 'main.tf',
          line: 3,
        },
      ],
    });
  });

  it('summarises a failed init: the raw output (naming the resolver) goes to the debug log only', async () => {
    const dir = await workdir('locals {}\n');
    const debug: { fields: Record<string, unknown>; message: string }[] = [];
    const logger = {
      debug: (fields: Record<string, unknown>, message: string) => debug.push({ fields, message }),
    };
    const runner = findTerraform((await fakeTerraform('init-fails')).dir, { logger: logger as never });
    const check = await runner?.validate(dir);
    expect(JSON.stringify(check)).not.toContain(RESOLVER);
    expect(JSON.stringify(check)).not.toContain('registry.terraform.io');
    expect(debug).toHaveLength(1);
    expect(debug[0]?.message).toBe('terraform command failed');
    expect(String(debug[0]?.fields.stderr)).toContain(RESOLVER);
  });

  it('summaries mask addresses, URLs and paths that an error line itself carries', () => {
    expect(
      summariseToolOutput('Error: dial tcp 10.1.2.3:53 via https://x.example/y at /home/ci/.terraform.d'),
    ).toBe('dial tcp <address> via <url> at <path>');
    expect(summariseToolOutput('│ Error: Unsupported Terraform Core version\n│ detail /opt/x')).toBe(
      'Unsupported Terraform Core version',
    );
    expect(summariseToolOutput('panic: something')).toBe('no error summary in the output');
  });

  it('fails closed when init fails, output is unreadable, the binary is missing or hangs', async () => {
    const dir = await workdir('locals {}\n');
    const initFails = findTerraform((await fakeTerraform('init-fails')).dir);
    expect(await initFails?.validate(dir)).toEqual({
      ok: false,
      stage: 'init',
      reason: 'exit 1: Failed to query available provider packages',
    });
    const garbage = findTerraform((await fakeTerraform('garbage')).dir);
    expect(await garbage?.validate(dir)).toMatchObject({
      ok: false,
      stage: 'validate',
      reason: expect.stringContaining('unreadable') as unknown,
    });
    const missing = createTerraformRunner('/nonexistent/terraform');
    expect(await missing.validate(dir)).toMatchObject({ ok: false, stage: 'init' });
    const hangs = findTerraform((await fakeTerraform('hangs')).dir, { timeoutMs: 200 });
    expect(await hangs?.validate(dir)).toEqual({
      ok: false,
      stage: 'init',
      reason: 'timed out after 200 ms',
    });
  });
});
