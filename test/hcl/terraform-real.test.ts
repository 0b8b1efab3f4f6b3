import { describe, expect, it } from 'vitest';
import { applyRequiredState } from '../../src/simulation/adapters/model-edit.js';
import { indexResources } from '../../src/hcl/locate.js';
import { createHclParser } from '../../src/hcl/parser.js';
import { findTerraform } from '../../src/hcl/terraform.js';
import { validateFix } from '../../src/hcl/validate.js';
import { failure } from './helpers.js';

// The real binary, when this machine has one. The configuration uses only Terraform's built-in provider
// (terraform_data), so `terraform init` needs no network.
const terraform = findTerraform(process.env['PATH']);

describe.skipIf(terraform === undefined)('validateFix with the real terraform binary', () => {
  const files = new Map([
    ['main.tf', 'resource "terraform_data" "marker" {\n  input = var.name\n}\n'],
    ['variables.tf', 'variable "name" {\n  type = string\n}\n'],
  ]);

  it('passes a valid fix and rejects one that references an undeclared variable', async () => {
    const parser = createHclParser({ workers: 1, cacheEntries: 10, cacheEnabled: true });
    try {
      const located = indexResources(files, await parser.parseAll(files)).resources[0];
      if (located === undefined || terraform === undefined) throw new Error('fixture has no resource');
      const good = applyRequiredState(
        files.get('main.tf') ?? '',
        located,
        failure({ required_state: { input: 'fixed' } }),
      );
      const passed = await validateFix({
        files,
        path: 'main.tf',
        fixedContent: good.content,
        located,
        parser,
        terraform,
      });
      expect(passed).toMatchObject({ ok: true, terraform: 'passed' });
      const bad = good.content.replace('input = "fixed"', 'input = var.undeclared');
      const failed = await validateFix({
        files,
        path: 'main.tf',
        fixedContent: bad,
        located,
        parser,
        terraform,
      });
      expect(failed).toMatchObject({ ok: false, code: 'TFX_FIX_INVALID', terraform: 'failed' });
      expect(!failed.ok && failed.reason).toContain('Reference to undeclared input variable');
    } finally {
      await parser.close();
    }
  });
});
