// A fix is judged by the terraform diagnostics it adds, not by the repository's old problems.
import { describe, expect, it } from 'vitest';
import { addedDiagnostics, compareChecks } from '../../src/hcl/diagnostics.js';
import type { TerraformDiagnostic } from '../../src/hcl/terraform.js';

const deprecated: TerraformDiagnostic = {
  severity: 'warning',
  summary: 'Argument is deprecated',
  detail: 'use x',
  filename: 'main.tf',
  line: 3,
};
const undeclared: TerraformDiagnostic = {
  severity: 'error',
  summary: 'Reference to undeclared input variable',
  detail: 'var.a',
  filename: 'main.tf',
  line: 9,
};
const unsupported: TerraformDiagnostic = {
  severity: 'error',
  summary: 'Unsupported argument',
  detail: 'block_public_access',
  filename: 's3.tf',
  line: 4,
};

describe('terraform diagnostics before and after a fix', () => {
  it('subtracts what was there before, ignoring line shifts, as a multiset', () => {
    expect(addedDiagnostics([undeclared], [{ ...undeclared, line: 14 }])).toEqual([]);
    expect(addedDiagnostics([undeclared], [undeclared, undeclared])).toEqual([undeclared]);
  });

  it('passes a fix on a repository that already had errors, and says they were ignored', () => {
    const verdict = compareChecks(
      { ok: false, stage: 'validate', reason: 'x', diagnostics: [undeclared, deprecated] },
      { ok: false, stage: 'validate', reason: 'x', diagnostics: [{ ...undeclared, line: 12 }, deprecated] },
    );
    expect(verdict).toEqual({
      kind: 'passed',
      summary: 'terraform validate: no new errors; 2 diagnostic(s) already present before the fix ignored',
    });
  });

  it('rejects a fix that adds an error even when the repository already had some', () => {
    const verdict = compareChecks(
      { ok: false, stage: 'validate', reason: 'x', diagnostics: [undeclared] },
      { ok: false, stage: 'validate', reason: 'x', diagnostics: [undeclared, unsupported] },
    );
    expect(verdict).toEqual({
      kind: 'rejected',
      reason: 'terraform validate: the fix adds s3.tf:4: Unsupported argument (block_public_access)',
    });
  });

  it('reports added warnings without rejecting, and init trouble as inconclusive or fatal', () => {
    expect(
      compareChecks(
        { ok: true, warnings: 0, diagnostics: [] },
        { ok: true, warnings: 1, diagnostics: [deprecated] },
      ),
    ).toMatchObject({
      kind: 'passed',
      summary: expect.stringMatching(/adds 1 warning\(s\): main.tf:3: Argument is deprecated/) as unknown,
    });
    const initFails = { ok: false as const, stage: 'init' as const, reason: 'module not installed' };
    expect(compareChecks(initFails, initFails)).toMatchObject({ kind: 'inconclusive' });
    expect(compareChecks({ ok: true, warnings: 0, diagnostics: [] }, initFails)).toMatchObject({
      kind: 'rejected',
    });
  });
});
