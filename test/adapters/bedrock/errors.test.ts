// Bedrock's error answers, through the real SDK client and the fake, become TerraFix categories: throttles and
// server trouble retryable (by the pipeline's policy, one SDK attempt each), permissions and bare model ids
// configuration errors that say what to set.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBedrockModelClient } from '../../../src/adapters/bedrock/model-client.js';
import { createHclParser, type HclParser } from '../../../src/hcl/parser.js';
import type { FixRequest } from '../../../src/pipeline/ports.js';
import {
  accessDenied,
  bedrockError,
  fix,
  modelNotReady,
  serviceUnavailable,
  throttled,
  text,
} from '../../fakes/bedrock/replies.js';
import { type FakeBedrock, startFakeBedrock } from '../../fakes/bedrock/server.js';
import { rejection } from '../../support/rejection.js';
import { adapterOn, bucketRequest, CREDENTIALS, versioningFix } from './support.js';

let parser: HclParser;
let fake: FakeBedrock;
let request: FixRequest;
const ctx = { key: 'e'.repeat(64), attempt: 1 };

beforeAll(async () => {
  parser = createHclParser({ workers: 1, cacheEntries: 100, cacheEnabled: true });
  fake = await startFakeBedrock();
  request = await bucketRequest(parser);
});
afterAll(async () => {
  await fake.close();
  await parser.close();
});

/** The model client alone (no generator), for transport-level cases. */
function clientOn(endpoint: string, requestTimeoutMs: number) {
  return createBedrockModelClient({
    region: 'us-west-2',
    modelId: 'us.anthropic.claude-opus-4-5-20251101-v1:0',
    maxOutputTokens: 256,
    temperature: 0,
    requestTimeoutMs,
    endpoint,
    credentials: CREDENTIALS,
  });
}

/** Runs one generate() against a fresh script; returns the error and how many requests reached the fake. */
async function failWith(...replies: Parameters<FakeBedrock['script']>) {
  fake.reset();
  fake.script(...replies);
  const adapter = adapterOn(fake);
  try {
    const error = await rejection(adapter.generator.generate(request, ctx));
    return { error, hits: fake.calls.length };
  } finally {
    adapter.close();
  }
}

describe('retryable answers: one SDK attempt, a retryable TerraFix error', () => {
  it('ThrottlingException → TFX_THROTTLED with the Retry-After wait', async () => {
    const { error, hits } = await failWith(throttled(3));
    expect(error).toMatchObject({ code: 'TFX_THROTTLED', category: 'throttled', retryAfterMs: 3000 });
    expect(error.retryable).toBe(true);
    expect(hits).toBe(1);
  });

  it('ThrottlingException without Retry-After → throttled, the policy picks the wait', async () => {
    const { error } = await failWith(throttled());
    expect(error).toMatchObject({ code: 'TFX_THROTTLED', retryAfterMs: undefined });
  });

  it.each([
    ['ServiceUnavailableException', serviceUnavailable(), 'TFX_TRANSIENT'],
    ['ModelNotReadyException', modelNotReady(), 'TFX_TRANSIENT'],
    [
      'InternalServerException',
      bedrockError('InternalServerException', 500, 'Internal error'),
      'TFX_TRANSIENT',
    ],
    ['ModelTimeoutException', bedrockError('ModelTimeoutException', 408, 'Model timed out'), 'TFX_TIMEOUT'],
  ])('%s → transient', async (_name, reply, code) => {
    const { error, hits } = await failWith(reply);
    expect(error).toMatchObject({ code, category: 'transient' });
    expect(hits).toBe(1);
  });

  it('reads the error type from the body (`__type`) when the header is absent', async () => {
    const { error } = await failWith(
      bedrockError('ThrottlingException', 400, 'Too many tokens', { typeIn: 'body' }),
    );
    expect(error).toMatchObject({ code: 'TFX_THROTTLED' });
    expect(error.message).toContain('Bedrock ThrottlingException (HTTP 400)');
  });

  it('a 429 the SDK cannot type is still a throttle', async () => {
    // An empty type leaves the SDK with name "Unknown"; the status decides.
    const { error } = await failWith(bedrockError('', 429, 'slow down', { typeIn: 'body' }));
    expect(error).toMatchObject({ code: 'TFX_THROTTLED', category: 'throttled' });
  });

  it('no answer within the request timeout (BEDROCK_REQUEST_TIMEOUT_MS) → TFX_TIMEOUT', async () => {
    fake.reset();
    fake.script({ kind: 'hang' });
    const client = clientOn(fake.url, 150);
    try {
      const error = await rejection(client.converse({ system: 's', turns: [{ role: 'user', text: 'u' }] }));
      expect(error).toMatchObject({ code: 'TFX_TIMEOUT', category: 'transient' });
      expect(fake.calls[0]?.answered).toBe('hang');
    } finally {
      client.close();
    }
  });

  it('nothing listening → TFX_UNREACHABLE, transient', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const client = clientOn(`http://127.0.0.1:${closed}`, 5_000);
    try {
      const error = await rejection(client.converse({ system: 's', turns: [{ role: 'user', text: 'u' }] }));
      expect(error).toMatchObject({ code: 'TFX_UNREACHABLE', category: 'transient' });
    } finally {
      client.close();
    }
  });
});

describe('configuration and permanent answers: not retried', () => {
  it('AccessDeniedException → TFX_CONFIG saying what to check', async () => {
    const { error } = await failWith(accessDenied());
    expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config', retryable: false });
    expect(error.message).toContain('bedrock:InvokeModel on BEDROCK_MODEL_ID');
  });

  it('ResourceNotFoundException → TFX_CONFIG naming BEDROCK_MODEL_ID and AWS_REGION', async () => {
    const { error } = await failWith(bedrockError('ResourceNotFoundException', 404, 'Model not found'));
    expect(error).toMatchObject({ code: 'TFX_CONFIG' });
    expect(error.message).toContain('check BEDROCK_MODEL_ID and AWS_REGION');
  });

  it('any other ValidationException → TFX_PERMANENT', async () => {
    const { error } = await failWith(
      bedrockError('ValidationException', 400, 'Input is too long for requested model.'),
    );
    expect(error).toMatchObject({ code: 'TFX_PERMANENT', category: 'permanent' });
  });
});

describe('model ids: inference profiles and ARNs are accepted, a bare id is a configuration error', () => {
  const BARE = 'anthropic.claude-opus-4-5-20251101-v1:0';

  it('a bare id of a profile-only model → TFX_CONFIG telling which profile id to set', async () => {
    fake.reset();
    fake.script(fix(versioningFix(request)));
    const adapter = adapterOn(fake, { BEDROCK_MODEL_ID: BARE, AWS_REGION: 'eu-central-1' });
    try {
      const error = await rejection(adapter.generator.generate(request, ctx));
      expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'config', field: 'BEDROCK_MODEL_ID' });
      expect(error.message).toContain(
        `Set BEDROCK_MODEL_ID=eu.${BARE} (or global.${BARE}, or the profile's ARN)`,
      );
      expect(fake.calls[0]?.answered).toBe('ValidationException');
      expect(fake.pending()).toBe(1); // refused before any scripted answer
    } finally {
      adapter.close();
    }
  });

  it.each([
    ['a US profile id', `us.${BARE}`],
    ['a global profile id', `global.${BARE}`],
    ['an APAC profile id', `apac.${BARE}`],
    ['an inference profile ARN', `arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.${BARE}`],
    [
      'an application inference profile ARN',
      'arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/a1b2c3d4e5f6',
    ],
    ['a bare id of a model still served on demand', 'anthropic.claude-3-haiku-20240307-v1:0'],
  ])('%s is sent as configured and answered', async (_name, modelId) => {
    fake.reset();
    fake.script(fix(versioningFix(request)));
    const adapter = adapterOn(fake, { BEDROCK_MODEL_ID: modelId });
    try {
      const proposal = await adapter.generator.generate(request, ctx);
      expect(proposal.model).toBe(modelId);
      expect(fake.calls[0]?.modelId).toBe(modelId);
      // ':' and an ARN's '/' are percent-encoded in the path segment.
      expect(fake.calls[0]?.path).toBe(`/model/${encodeURIComponent(modelId)}/converse`);
    } finally {
      adapter.close();
    }
  });

  it('a foundation-model ARN of a profile-only model is refused the same way', async () => {
    fake.reset();
    const arn = `arn:aws:bedrock:us-west-2::foundation-model/${BARE}`;
    const adapter = adapterOn(fake, { BEDROCK_MODEL_ID: arn });
    try {
      const error = await rejection(adapter.generator.generate(request, ctx));
      expect(error.code).toBe('TFX_CONFIG');
      expect(error.message).toContain(`Set BEDROCK_MODEL_ID=us.${BARE}`);
    } finally {
      adapter.close();
    }
  });
});

describe('the fake insists on what Bedrock insists on', () => {
  it('refuses an unsigned request with MissingAuthenticationTokenException (and speaks HTTP/1.1 too)', async () => {
    fake.reset();
    const response = await fetch(`${fake.url}/model/${encodeURIComponent('us.x.y')}/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException:/);
    expect(fake.calls[0]?.httpVersion).toBe('1.1');
  });

  it('refuses temperature together with top_p for Claude 4.5, as Bedrock does', async () => {
    fake.reset();
    fake.script(text('unused'));
    const { BedrockRuntimeClient, ConverseCommand } = await import('@aws-sdk/client-bedrock-runtime');
    const client = new BedrockRuntimeClient({
      region: 'us-west-2',
      endpoint: fake.url,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const error = await client
        .send(
          new ConverseCommand({
            modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
            messages: [{ role: 'user', content: [{ text: 'hi' }] }],
            inferenceConfig: { temperature: 0, topP: 0.9 },
          }),
        )
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      expect(error?.name).toBe('ValidationException');
      expect(error?.message).toContain('temperature and top_p cannot both be specified');
    } finally {
      client.destroy();
    }
  });
});
