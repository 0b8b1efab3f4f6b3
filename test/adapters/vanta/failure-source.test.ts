// confirm(): is the entity still failing? Through the same client, one listing shared per test, one attempt per call.
import { describe, expect, it } from 'vitest';
import { type Failure, failureSchema } from '../../../src/pipeline/failure.js';
import { fakeVantaData } from '../../fakes/vanta/data.js';
import { CLIENT_ID, CLIENT_SECRET, collect, fake, vantaFor, VirtualTime } from './support.js';

function data() {
  return fakeVantaData({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    tests: [
      { id: 'aws-s3-public-access-blocked', name: 'S3 Block Public Access', status: 'NEEDS_ATTENTION' },
      { id: 'firewall-config-server', name: 'Public SSH denied (AWS)', status: 'NEEDS_ATTENTION' },
    ],
    entities: {
      'aws-s3-public-access-blocked': [
        { id: 'e1', displayName: 'acme-exports', responseType: 'AWS S3 bucket' },
        { id: 'e2', displayName: 'acme-uploads', responseType: 'AWS S3 bucket' },
      ],
      'firewall-config-server': [
        { id: 'e7', displayName: 'sg-0abc1234', responseType: 'AWS security group' },
      ],
    },
  });
}

/** A failure as the webhook would push it. */
function pushed(patch: Record<string, unknown>): Failure {
  return failureSchema.parse({
    test_id: 'aws-s3-public-access-blocked',
    test_name: 'S3 Block Public Access',
    resource_arn: 'arn:aws:s3:::acme-exports',
    resource_type: 'AWS::S3::Bucket',
    failure_reason: 'public',
    severity: 'high',
    framework: 'SOC2',
    failed_at: '2026-01-05T10:00:00Z',
    ...patch,
  });
}

const ctx = { key: 'k'.repeat(64), attempt: 1 };
const entityCalls = (calls: { path: string }[]) => calls.filter((c) => c.path.endsWith('/entities'));

describe('VantaFailureSource.confirm', () => {
  it('is true while the test lists the entity and false once it does not', async () => {
    const time = new VirtualTime();
    const fakeData = data();
    const vanta = await fake({ data: fakeData, now: time.now });
    const { source } = vantaFor(vanta, time, { confirmCacheMs: 0 });
    expect(await source.confirm(pushed({}), ctx)).toEqual({ stillFailing: true });
    expect(await source.confirm(pushed({ resource_arn: 'arn:aws:s3:::acme-other' }), ctx)).toEqual({
      stillFailing: false,
    });
    fakeData.entities['aws-s3-public-access-blocked'] = []; // fixed in AWS, Vanta re-ran the test
    expect(await source.confirm(pushed({}), ctx)).toEqual({ stillFailing: false });
  });

  it('recognises a pushed failure with a real ARN by the name Vanta displays', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const { source } = vantaFor(vanta, time);
    const sg = pushed({
      test_id: 'firewall-config-server',
      resource_arn: 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0abc1234',
      resource_type: 'AWS::EC2::SecurityGroup',
    });
    expect(await source.confirm(sg, ctx)).toEqual({ stillFailing: true });
  });

  it('confirms what the reader produced (same identity both ways)', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const { reader, source } = vantaFor(vanta, time, { confirmCacheMs: 0 });
    const tests = await reader.listFailingTests();
    const failures = (await Promise.all(tests.map((t) => collect(reader.failuresOf(t))))).flat();
    expect(failures.map((f) => f.resource_arn)).toEqual([
      'arn:aws:s3:::acme-exports',
      'arn:aws:s3:::acme-uploads',
      'arn:vanta:ec2:::security-group/e7',
    ]);
    for (const failure of failures)
      expect(await source.confirm(failure, ctx)).toEqual({ stillFailing: true });
  });

  it('lists a test once for many concurrent confirms, and reuses a fresh listing (the poller’s too)', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const { reader, source } = vantaFor(vanta, time, { confirmCacheMs: 60_000 });
    const many = Array.from({ length: 20 }, (_, i) =>
      source.confirm(pushed({ resource_arn: `arn:aws:s3:::acme-${i % 2 === 0 ? 'exports' : 'nope'}` }), ctx),
    );
    const answers = await Promise.all(many);
    expect(answers.filter((a) => a.stillFailing)).toHaveLength(10);
    expect(entityCalls(vanta.calls)).toHaveLength(1);
    time.advance(59_999);
    await source.confirm(pushed({}), ctx);
    expect(entityCalls(vanta.calls)).toHaveLength(1);
    time.advance(1);
    await source.confirm(pushed({}), ctx);
    expect(entityCalls(vanta.calls)).toHaveLength(2);

    // A complete poll of a test answers the confirms that follow it.
    const [, ssh] = await reader.listFailingTests();
    await collect(reader.failuresOf(ssh ?? never()));
    const before = entityCalls(vanta.calls).length;
    const sg = pushed({
      test_id: 'firewall-config-server',
      resource_arn: 'arn:vanta:ec2:::security-group/e7',
    });
    expect(await source.confirm(sg, ctx)).toEqual({ stillFailing: true });
    expect(entityCalls(vanta.calls)).toHaveLength(before);
  });

  it('makes one attempt per call, leaving retries to the pipeline’s policy', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const { source } = vantaFor(vanta, time);
    vanta.script({ path: '/v1/tests/aws-s3-public-access-blocked/entities' }, [{ status: 503 }]);
    await expect(source.confirm(pushed({}), ctx)).rejects.toMatchObject({ code: 'TFX_TRANSIENT' });
    expect(entityCalls(vanta.calls)).toHaveLength(1);
    expect(await source.confirm(pushed({}), { ...ctx, attempt: 2 })).toEqual({ stillFailing: true });
  });

  it('an unknown test is a permanent not-found error, not a silent "resolved"', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const { source } = vantaFor(vanta, time);
    await expect(source.confirm(pushed({ test_id: 'rds-encryption-9ouruqb1' }), ctx)).rejects.toMatchObject({
      code: 'TFX_NOT_FOUND',
      category: 'permanent',
    });
  });

  it('stops waiting when the pipeline aborts, without failing the shared listing for others', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: data(), now: time.now });
    const { source } = vantaFor(vanta, time);
    const release = vanta.hold({ path: '/v1/tests/aws-s3-public-access-blocked/entities' });
    const controller = new AbortController();
    const aborted = source.confirm(pushed({}), { ...ctx, signal: controller.signal });
    const other = source.confirm(pushed({}), ctx);
    controller.abort(new Error('shutting down'));
    await expect(aborted).rejects.toThrow('shutting down');
    release();
    expect(await other).toEqual({ stillFailing: true });
  });
});

function never(): never {
  throw new Error('expected a value');
}
