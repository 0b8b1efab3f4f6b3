import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocatedResource } from '../../src/hcl/locate.js';
import { failureSchema, type Failure } from '../../src/pipeline/failure.js';
import { runPlaybooks } from '../../src/playbooks/run.js';
import { applyRequiredState } from '../../src/simulation/adapters/model-edit.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Every `.tf` file under a fixture folder, keyed by relative POSIX path (sorted), `.terraform/` included. */
export function loadFixtureRepo(name: string): Map<string, string> {
  const root = join(FIXTURES, name);
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.tf') ? [join(dir, e.name)] : [],
    );
  const files = walk(root).sort();
  return new Map(files.map((f) => [relative(root, f).split(sep).join('/'), readFileSync(f, 'utf8')]));
}

/** A valid failure record (through the real schema) with the given overrides. */
export function failure(overrides: Record<string, unknown>): Failure {
  return failureSchema.parse({
    test_id: 'test-1',
    test_name: 'Compliance test',
    resource_arn: 'arn:aws:s3:::acme-logs',
    resource_type: 'AWS::S3::Bucket',
    failure_reason: 'not compliant',
    severity: 'high',
    framework: 'SOC2',
    failed_at: '2025-01-15T10:30:00Z',
    ...overrides,
  });
}

/** Mock mode's fix: the playbooks when they cover the failure, else the simulated model's attribute edits. */
export function proposeFix(
  content: string,
  located: LocatedResource,
  f: Failure,
): { content: string; changedAttributes: string[]; explanation: string; source: string } {
  const run = runPlaybooks(content, located, f.required_state);
  if (run.kind === 'changed') return { ...run, source: run.playbooks.join('+') };
  if (run.kind === 'compliant')
    return { content, changedAttributes: [], explanation: run.explanation, source: 'none' };
  return { ...applyRequiredState(content, located, f), source: 'model' };
}
