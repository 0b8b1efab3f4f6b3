// The Bedrock adapter inside the real pipeline (simulated Vanta, git and GitHub; real parse, locate, validate):
// a throttled Bedrock is survived by the pipeline's retry policy with the retries in the metrics, tokens and cost
// are counted, and no credential reaches a log line, an error or a result.
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BedrockAdapter } from '../../../src/adapters/bedrock/create.js';
import { composePipeline, type PipelineComposition } from '../../../src/composition/pipeline.js';
import { createLogger } from '../../../src/observability/logger.js';
import { PipelineMetrics } from '../../../src/observability/pipeline-metrics.js';
import { type Failure, failureSchema } from '../../../src/pipeline/failure.js';
import type { ModelUsage } from '../../../src/pipeline/ports.js';
import { SimulatedCheckout } from '../../../src/simulation/adapters/checkout.js';
import { SimulatedFailureSource } from '../../../src/simulation/adapters/failure-source.js';
import { SimulatedPublisher } from '../../../src/simulation/adapters/publisher.js';
import { SimulatedRepoResolver } from '../../../src/simulation/adapters/repo-resolver.js';
import { syntheticRepository } from '../../../src/simulation/synth/repository.js';
import { makeFailure } from '../../../src/simulation/synth/templates.js';
import { accessDenied, fix, garbage, type ScriptedReply, throttled } from '../../fakes/bedrock/replies.js';
import { type FakeBedrock, startFakeBedrock, targetBlockOf } from '../../fakes/bedrock/server.js';
import { testConfig } from '../../support/simulated-pipeline.js';
import { adapterOn, CREDENTIALS } from './support.js';

const repo = syntheticRepository('small');
const bucket = repo.targets.find((t) => t.cfnType === 'AWS::S3::Bucket');
if (bucket === undefined) throw new Error('no S3 bucket in the small synthetic repository');
const label = bucket.address.split('.').at(-1) ?? '';

let n = 0;
/** A fresh failure (new key) for the synthetic bucket. */
function bucketFailure(): Failure {
  n++;
  return failureSchema.parse(
    makeFailure({
      template: 's3-versioning-enabled',
      target: bucket!,
      uniqueId: `bp${String(n).padStart(6, '0')}`,
      size: 'small',
      failedAt: '2026-01-01T00:00:00Z',
    }),
  );
}

/** Bedrock's good answer for whatever target the prompt shows: the block as it is plus its versioning. */
const versioning: ScriptedReply = (call) =>
  fix({
    replacement: targetBlockOf(call),
    new_blocks: [
      `resource "aws_s3_bucket_versioning" "${label}" {\n  bucket = ${bucket.address}.id\n\n  versioning_configuration {\n    status = "Enabled"\n  }\n}`,
    ],
  });

let fake: FakeBedrock;
let metrics: PipelineMetrics;
let logs: string[];
let usage: ModelUsage[];
let adapter: BedrockAdapter;
let composition: PipelineComposition;

const logger = createLogger('debug', { write: (line: string) => logs.push(line) });

beforeAll(async () => {
  fake = await startFakeBedrock();
  // One pipeline for the file (its HCL parser takes a while to start); each test brings a fresh adapter,
  // metrics registry and log capture, reached through these forwarders.
  composition = composePipeline(
    testConfig(),
    {
      source: new SimulatedFailureSource(),
      resolver: new SimulatedRepoResolver(),
      checkout: new SimulatedCheckout(),
      generator: { generate: (request, ctx) => adapter.generator.generate(request, ctx) },
      publisher: new SimulatedPublisher(),
    },
    {
      logger,
      observer: {
        stageFinished: (...args) => metrics.observer.stageFinished(...args),
        retried: (...args) => metrics.observer.retried(...args),
        finished: (result) => metrics.observer.finished(result),
      },
      sleep: () => Promise.resolve(),
    },
  );
});
afterAll(async () => {
  await composition.close();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  metrics = new PipelineMetrics();
  logs = [];
  usage = [];
  adapter = adapterOn(
    fake,
    {},
    {
      logger,
      onUsage: (u) => {
        usage.push(u);
        metrics.observer.modelUsage?.(u);
      },
    },
  );
});
afterEach(() => adapter.close());

async function sample(name: string, labels = ''): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('a throttled Bedrock', () => {
  it('is retried by the pipeline policy (one SDK attempt each), visible in retries_total', async () => {
    fake.script(throttled(), throttled(), versioning);
    const result = await composition.pipeline.process(bucketFailure(), { keepDiff: true });
    expect(result.outcome).toMatchObject({ kind: 'completed' });
    expect(result.retries.bedrock_inference).toBe(3);
    expect(fake.calls.map((c) => c.answered)).toEqual(['ThrottlingException', 'ThrottlingException', 'text']);
    expect(fake.calls.map((c) => c.headers['amz-sdk-request'])).toEqual([
      'attempt=1; max=1',
      'attempt=1; max=1',
      'attempt=1; max=1',
    ]);
    expect(await sample('retries_total', '{stage="bedrock_inference"}')).toBe(2);
    expect(result.diff).toContain(`+resource "aws_s3_bucket_versioning" "${label}" {`);
  });

  it('fails as TFX_THROTTLED once the policy runs out of attempts', async () => {
    fake.script(throttled(), throttled(), throttled(), versioning);
    const result = await composition.pipeline.process(bucketFailure());
    expect(result.outcome).toMatchObject({
      kind: 'failed',
      code: 'TFX_THROTTLED',
      stage: 'bedrock_inference',
    });
    expect(fake.calls).toHaveLength(3);
    expect(fake.pending()).toBe(1);
    expect(await sample('api_errors_total', '{service="bedrock"}')).toBe(1);
  });
});

describe('tokens and cost', () => {
  it('counts every call, the repaired one included, and prices it by the table', async () => {
    fake.script(garbage(), versioning);
    const result = await composition.pipeline.process(bucketFailure());
    expect(result.outcome).toMatchObject({ kind: 'completed' });
    expect(usage).toHaveLength(2);
    const input = usage.reduce((s, u) => s + u.inputTokens, 0);
    const output = usage.reduce((s, u) => s + u.outputTokens, 0);
    expect(result.usage).toEqual({ inputTokens: input, outputTokens: output });
    expect(await sample('terrafix_model_tokens_total', '{direction="input"}')).toBe(input);
    expect(await sample('terrafix_model_tokens_total', '{direction="output"}')).toBe(output);
    // The guide's model through the US profile: USD 5 per million input tokens, 25 per million output tokens.
    const cost = (input * 5 + output * 25) / 1e6;
    expect(await sample('terrafix_model_cost_usd_total')).toBeCloseTo(cost, 12);
  });

  it('takes prices from BEDROCK_PRICE_TABLE, and leaves an unpriced model at no cost', async () => {
    fake.script(versioning, versioning);
    const priced = adapterOn(fake, {
      BEDROCK_PRICE_TABLE: JSON.stringify({
        'us.anthropic.claude-opus-4-5-20251101-v1:0': { inputPerMillion: 1000, outputPerMillion: 0 },
      }),
    });
    const unpriced = adapterOn(fake, { BEDROCK_MODEL_ID: 'us.example.unknown-model-v1:0' });
    try {
      const ctx = { key: 'c'.repeat(64), attempt: 1 };
      const request = {
        failure: bucketFailure(),
        path: bucket.path,
        content: repo.files.get(bucket.path) ?? '',
        address: bucket.address,
        block: targetBlock(),
      };
      const a = await priced.generator.generate(request, ctx);
      expect(a.costUsd).toBeCloseTo((a.usage.inputTokens * 1000) / 1e6, 12);
      const b = await unpriced.generator.generate(request, ctx);
      expect(b.costUsd).toBeUndefined();
      expect(b.usage.inputTokens).toBeGreaterThan(0);
    } finally {
      priced.close();
      unpriced.close();
    }
  });
});

/** The synthetic bucket's block text, as the locator returns it. */
function targetBlock(): string {
  const content = repo.files.get(bucket!.path) ?? '';
  const start = content.indexOf(`resource "aws_s3_bucket" "${label}" {`);
  const end = content.indexOf('\n}', start) + 2;
  return content.slice(start, end);
}

describe('credentials', () => {
  it('appear in no log line, error, or result, whatever fails', async () => {
    fake.script(accessDenied(), garbage(), garbage(), throttled(), throttled(), throttled(), versioning);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await composition.pipeline.process(bucketFailure()));
    expect(results.map((r) => r.outcome.kind === 'failed' && r.outcome.code)).toEqual([
      'TFX_CONFIG',
      'TFX_MODEL_OUTPUT',
      'TFX_THROTTLED',
      false,
    ]);
    const bare = adapterOn(fake, { BEDROCK_MODEL_ID: 'anthropic.claude-opus-4-5-20251101-v1:0' });
    const refused = await bare.generator
      .generate(
        {
          failure: bucketFailure(),
          path: bucket.path,
          content: repo.files.get(bucket.path) ?? '',
          address: bucket.address,
          block: targetBlock(),
        },
        { key: 'x'.repeat(64), attempt: 1 },
      )
      .catch((e: unknown) => e);
    bare.close();
    const everything = [
      ...logs,
      JSON.stringify(results),
      inspect(refused, { depth: 20, showHidden: true }),
      await metrics.registry.metrics(),
    ].join('\n');
    expect(logs.length).toBeGreaterThan(3);
    for (const secret of [CREDENTIALS.secretAccessKey, CREDENTIALS.sessionToken, CREDENTIALS.accessKeyId]) {
      expect(everything).not.toContain(secret);
    }
    // The fake did receive a signed request: the key id travels in the Authorization header only.
    expect(String(fake.calls[0]?.headers.authorization)).toContain(CREDENTIALS.accessKeyId);
  });
});
