/** Shared pieces of the Bedrock adapter tests: config, the adapter on the fake, a located fix request. */
import {
  createBedrockAdapter,
  type BedrockAdapter,
  type BedrockAdapterDeps,
} from '../../../src/adapters/bedrock/create.js';
import { loadBedrockConfig } from '../../../src/config/bedrock.js';
import type { Env } from '../../../src/config/load.js';
import { createHclAnalyzer } from '../../../src/hcl/analyzer.js';
import type { HclParser } from '../../../src/hcl/parser.js';
import { TerraformGate } from '../../../src/hcl/terraform-gate.js';
import type { FixRequest } from '../../../src/pipeline/ports.js';
import type { FakeBedrock } from '../../fakes/bedrock/server.js';
import { failure, loadFixtureRepo } from '../../hcl/helpers.js';

/** Recognisable dummy credentials: tests grep logs and errors for them. */
export const CREDENTIALS = {
  accessKeyId: 'AKIATFXFAKE00000001',
  secretAccessKey: 'tfx-secret-key-MUST-NOT-LEAK-7f3a9c',
  sessionToken: 'tfx-session-token-MUST-NOT-LEAK-b81e',
};

export const PROFILE_ID = 'us.anthropic.claude-opus-4-5-20251101-v1:0';

/** The adapter's config for a test: us-west-2, the guide's model through the US inference profile. */
export function testBedrockConfig(env: Env = {}) {
  return loadBedrockConfig({ AWS_REGION: 'us-west-2', BEDROCK_MODEL_ID: PROFILE_ID, ...env });
}

/** The real adapter (real SDK client) pointed at `fake` with the dummy static credentials. */
export function adapterOn(fake: FakeBedrock, env: Env = {}, deps: BedrockAdapterDeps = {}): BedrockAdapter {
  return createBedrockAdapter(testBedrockConfig(env), {
    endpoint: fake.url,
    credentials: CREDENTIALS,
    ...deps,
  });
}

export const BUCKET_ADDRESS = 'aws_s3_bucket.logs';

/** The fix request the pipeline would build for the bucket of test/hcl/fixtures/related. */
export async function bucketRequest(parser: HclParser): Promise<FixRequest> {
  const files = loadFixtureRepo('related');
  const analyzer = createHclAnalyzer({ parser, terraform: new TerraformGate('off', undefined) });
  const f = failure({
    test_id: 's3-bucket-versioning-enabled',
    test_name: 'S3 buckets have versioning enabled',
    resource_arn: 'arn:aws:s3:::acme-access-logs',
    failure_reason: 'Versioning is not enabled on the bucket',
    current_state: { versioning: 'Disabled' },
    required_state: { versioning: 'Enabled' },
  });
  const target = await analyzer.locate({ revision: 'related-fixture', files }, f);
  return {
    failure: f,
    path: target.path,
    content: files.get(target.path) ?? '',
    address: target.address,
    block: target.block,
    related: target.related,
  };
}

/** The bucket block with versioning turned on the provider-v4 way: unchanged block, a new versioning resource. */
export function versioningFix(request: FixRequest) {
  return {
    replacement: request.block,
    new_blocks: [
      'resource "aws_s3_bucket_versioning" "logs" {\n  bucket = aws_s3_bucket.logs.id\n\n  versioning_configuration {\n    status = "Enabled"\n  }\n}',
    ],
  };
}
