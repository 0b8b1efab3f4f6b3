import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failureSchema, type Failure } from '../../src/pipeline/failure.js';

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
