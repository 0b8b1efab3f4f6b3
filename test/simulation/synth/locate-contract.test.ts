// Contract with src/hcl/locate.ts: every load payload over a synthetic target is located at exactly that target,
// and a declaration added for an unknown resource is located too.
import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { indexResources, locateIn, locateResource } from '../../../src/hcl/locate.js';
import type { HclDocument } from '../../../src/hcl/document.js';
import { failureSchema, REPO_SIZES } from '../../../src/pipeline/failure.js';
import { declarationFor } from '../../../src/simulation/synth/declare.js';
import { syntheticRepository } from '../../../src/simulation/synth/repository.js';
import { makeFailure, templatesFor } from '../../../src/simulation/synth/templates.js';
import { parsedRepository } from './hcl-blocks.js';

describe.each(REPO_SIZES)('locating payloads in the %s repository', (size) => {
  it('finds every target for every template that applies to it', async () => {
    const repo = syntheticRepository(size);
    const index = indexResources(repo.files, (await parsedRepository(size)) as Map<string, HclDocument>);
    for (const target of repo.targets) {
      for (const template of templatesFor(target.cfnType)) {
        const failure = failureSchema.parse(
          makeFailure({
            template: template.name,
            target,
            uniqueId: 'loc00001',
            size,
            failedAt: '2026-01-01T00:00:00Z',
          }),
        );
        const found = locateIn(index, failure);
        expect(found.path).toBe(target.path);
        expect(target.address.endsWith(found.address)).toBe(true);
      }
    }
  });
});

it('locates a declared resource once its file is added to a repository', async () => {
  const failure = failureSchema.parse({
    test_id: 'rds-encryption-manual',
    test_name: 'RDS Encryption at Rest',
    resource_arn: 'arn:aws:rds:us-east-1:925031867809:db:db-gd1wn4hu',
    resource_type: 'AWS::RDS::DBInstance',
    failure_reason: 'RDS instance does not have encryption enabled',
    severity: 'high',
    framework: 'SOC2',
    failed_at: '2026-11-26T23:34:25.815973+00:00',
    current_state: { storage_encrypted: false },
    resource_id: 'res-ua7wkzvs',
    resource_details: { name: 'db-gd1wn4hu', repo_size: 'small' },
  });
  const declaration = declarationFor(failure);
  if (declaration === undefined) throw new Error('no declaration');
  const files = new Map(syntheticRepository('small').files);
  files.set(declaration.path, declaration.content);
  const docs = new Map(await parsedRepository('small')) as Map<string, HclDocument>;
  docs.set(declaration.path, (await parse(declaration.path, declaration.content)) as HclDocument);
  expect(locateResource(files, docs, failure)).toMatchObject({
    path: 'imported/aws_db_instance_db_gd1wn4hu.tf',
    address: 'aws_db_instance.db_gd1wn4hu',
  });
});
