/**
 * Judging a fix by the terraform diagnostics it adds: real repositories are often not clean before the fix
 * (deprecated syntax, modules not fetched, features of another provider version), so the diagnostics of the
 * tree before the fix are subtracted from those after it. Diagnostics are compared without line numbers (an
 * edit shifts the lines below it) and as a multiset (the same problem twice is two problems).
 */
import type { TerraformCheck, TerraformDiagnostic } from './terraform.js';

const keyOf = (d: TerraformDiagnostic): string =>
  [d.severity, d.filename ?? '', d.summary, d.detail].join('\u0000');

/** Diagnostics in `after` that `before` does not have (as many times as they are new). */
export function addedDiagnostics(
  before: readonly TerraformDiagnostic[],
  after: readonly TerraformDiagnostic[],
): TerraformDiagnostic[] {
  const seen = new Map<string, number>();
  for (const d of before) seen.set(keyOf(d), (seen.get(keyOf(d)) ?? 0) + 1);
  const added: TerraformDiagnostic[] = [];
  for (const d of after) {
    const left = seen.get(keyOf(d)) ?? 0;
    if (left > 0) seen.set(keyOf(d), left - 1);
    else added.push(d);
  }
  return added;
}

export type DiagnosticsVerdict =
  | { kind: 'passed'; summary: string }
  | { kind: 'rejected'; reason: string }
  /** terraform could not judge the fix: it fails the same way before it (e.g. `init` without the modules). */
  | { kind: 'inconclusive'; summary: string };

const describe = (d: TerraformDiagnostic): string =>
  `${d.filename === undefined ? '' : `${d.filename}${d.line === undefined ? '' : `:${d.line}`}: `}${d.summary}${d.detail === '' ? '' : ` (${d.detail})`}`;

/** Compares terraform's verdict on the tree before and after the fix. */
export function compareChecks(before: TerraformCheck, after: TerraformCheck): DiagnosticsVerdict {
  if (!after.ok && after.stage === 'init') {
    if (!before.ok && before.stage === 'init') {
      return {
        kind: 'inconclusive',
        summary: `terraform init fails before the fix too (${before.reason.slice(0, 200)})`,
      };
    }
    return { kind: 'rejected', reason: `terraform init failed: ${after.reason}` };
  }
  if (!before.ok && before.stage === 'init') {
    // The fix cannot repair init; judge it by validate alone.
    return after.ok
      ? { kind: 'passed', summary: 'terraform validate passed (init failed before the fix)' }
      : { kind: 'rejected', reason: `terraform validate failed: ${after.reason}` };
  }
  const beforeDiagnostics = before.diagnostics ?? [];
  const afterDiagnostics = after.diagnostics ?? [];
  if (!after.ok && after.diagnostics === undefined)
    return { kind: 'rejected', reason: `terraform validate failed: ${after.reason}` };
  const added = addedDiagnostics(beforeDiagnostics, afterDiagnostics);
  const errors = added.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    return {
      kind: 'rejected',
      reason: `terraform validate: the fix adds ${errors.map(describe).join('; ')}`,
    };
  }
  const old = beforeDiagnostics.length;
  const warnings = added.length;
  const parts = [after.ok ? 'terraform validate passed' : 'terraform validate: no new errors'];
  if (old > 0) parts.push(`${old} diagnostic(s) already present before the fix ignored`);
  if (warnings > 0) parts.push(`the fix adds ${warnings} warning(s): ${added.map(describe).join('; ')}`);
  return { kind: 'passed', summary: parts.join('; ') };
}
