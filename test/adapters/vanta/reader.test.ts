// The poll side against the fake Vanta: failing tests, their failures, skipped items counted, re-reads by run date.
import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TestRunWatermark } from '../../../src/adapters/vanta/test-run-watermark.js';
import type { VantaTest } from '../../../src/adapters/vanta/wire.js';
import { VantaMetrics } from '../../../src/observability/vanta-metrics.js';
import { failureSchema } from '../../../src/pipeline/failure.js';
import { fakeVantaData } from '../../fakes/vanta/data.js';
import { bucketTest, CLIENT_ID, CLIENT_SECRET, collect, fake, vantaFor, VirtualTime } from './support.js';

function sampleData() {
  return fakeVantaData({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    tests: [
      {
        id: 'aws-s3-public-access-blocked',
        name: 'S3 Block Public Access feature enabled (AWS)',
        status: 'NEEDS_ATTENTION',
        remediationDescription: 'Block it.',
      },
      {
        id: 'aws-account-access-removed-on-termination',
        name: 'AWS accounts deprovisioned when personnel leave',
        status: 'NEEDS_ATTENTION',
        category: 'Account security',
      },
    ],
    entities: {
      'aws-s3-public-access-blocked': [
        { id: 'e1', displayName: 'acme-exports', responseType: 'AWS S3 bucket' },
        { id: 'e2', displayName: 'acme-uploads', responseType: 'AWS S3 bucket' },
      ],
      'aws-account-access-removed-on-termination': [
        { id: 'e3', displayName: 'account-123456789012', responseType: 'AWS account' },
        { id: 'e4', displayName: 'account-210987654321', responseType: 'AWS account' },
      ],
    },
  });
}

describe('VantaReader', () => {
  it('turns the failing entities of each failing test into valid failure records', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: sampleData(), now: time.now });
    const { reader } = vantaFor(vanta, time);
    const tests = await reader.listFailingTests();
    expect(tests.map((t) => [t.id, t.lastTestRunDate])).toEqual([
      ['aws-s3-public-access-blocked', '2026-01-05T10:00:00.000Z'],
      ['aws-account-access-removed-on-termination', '2026-01-05T10:00:00.000Z'],
    ]);
    const failures = reader.failuresOf(tests[0] as VantaTest);
    const records = await collect(failures);
    expect(records.map((f) => f.resource_arn)).toEqual([
      'arn:aws:s3:::acme-exports',
      'arn:aws:s3:::acme-uploads',
    ]);
    for (const record of records) expect(failureSchema.safeParse(record).success).toBe(true);
    expect(failures.complete).toBe(true);
    expect(Object.values(failures.skipped).every((n) => n === 0)).toBe(true);
  });

  it('counts and logs entities it cannot express, and keeps going', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: sampleData(), now: time.now });
    const registry = new client.Registry();
    const metrics = new VantaMetrics(registry);
    const vantaClient = vantaFor(vanta, time, {}, { observer: metrics.observer });
    const [, accounts] = await vantaClient.reader.listFailingTests();
    const failures = vantaClient.reader.failuresOf(accounts as VantaTest);
    expect(await collect(failures)).toEqual([]);
    expect(failures.skipped.unsupported_resource_type).toBe(2);
    expect(vantaClient.reader.skippedTotals().unsupported_resource_type).toBe(2);
    expect(await registry.metrics()).toContain(
      'terrafix_vanta_entities_skipped_total{reason="unsupported_resource_type"} 2',
    );
    const summary = vantaClient.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(summary.find((l) => l['msg'] === 'Vanta test entities skipped')).toMatchObject({
      testId: 'aws-account-access-removed-on-termination',
      skipped: { unsupported_resource_type: 2 },
    });
  });

  it('skips a malformed entity or test in a page without losing the rest of the page', async () => {
    const time = new VirtualTime();
    const vanta = await fake({ data: sampleData(), now: time.now });
    const { reader, lines } = vantaFor(vanta, time);
    const page = (data: unknown[]) => ({
      status: 200,
      body: { results: { data, pageInfo: { hasNextPage: false, endCursor: null } } },
    });
    vanta.script({ method: 'GET', path: '/v1/tests' }, [
      page([{ id: 'aws-s3-public-access-blocked', name: 'S3' }, { name: 'no id' }, 42]),
    ]);
    vanta.script({ method: 'GET', path: '/v1/tests/aws-s3-public-access-blocked/entities' }, [
      page([
        { id: 'e1', displayName: 'acme-exports', responseType: 'AWS S3 bucket' },
        { id: 'e9' }, // no displayName
        { id: 'x'.repeat(600), displayName: 'acme-too-long-id', responseType: 'AWS S3 bucket' },
        { id: 'e2', displayName: 'acme-uploads', responseType: 'AWS S3 bucket' },
      ]),
    ]);
    const tests = await reader.listFailingTests();
    expect(tests.map((t) => t.id)).toEqual(['aws-s3-public-access-blocked']);
    const failures = reader.failuresOf(tests[0] as VantaTest);
    expect((await collect(failures)).map((f) => f.resource_details.name)).toEqual([
      'acme-exports',
      'acme-uploads',
    ]);
    expect(failures.skipped).toMatchObject({ invalid_entity: 1, invalid_record: 1 });
    expect(reader.skippedTotals()).toMatchObject({ invalid_test: 2, invalid_entity: 1, invalid_record: 1 });
    expect(lines.filter((l) => l.includes('"msg":"Vanta entity skipped"'))).toHaveLength(2);
    expect(lines.filter((l) => l.includes('"msg":"Vanta test skipped"'))).toHaveLength(2);
  });

  it('reads a test’s pages lazily: a consumer that stops early fetches no further page', async () => {
    const time = new VirtualTime();
    const item = bucketTest('aws-s3-public-access-blocked', 30);
    const vanta = await fake({
      data: fakeVantaData({
        clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
        tests: [item.test],
        entities: { [item.test.id]: item.entities },
      }),
      now: time.now,
    });
    const { reader } = vantaFor(vanta, time, {}, { pageSize: 10 });
    const [test] = await reader.listFailingTests();
    const failures = reader.failuresOf(test as VantaTest);
    for await (const failure of failures) if (failure.resource_details.name?.endsWith('-5')) break;
    expect(vanta.calls.filter((c) => c.path.endsWith('/entities'))).toHaveLength(1);
    expect(failures.complete).toBe(false);
  });
});

describe('TestRunWatermark', () => {
  const t = (id: string, lastTestRunDate: string | null): VantaTest => ({ id, name: id, lastTestRunDate });

  it('re-reads only tests whose lastTestRunDate moved since they were read completely', () => {
    const watermark = new TestRunWatermark();
    const first = [t('a', '2026-01-01T00:00:00Z'), t('b', '2026-01-01T00:00:00Z'), t('c', null)];
    expect(watermark.changed(first).map((x) => x.id)).toEqual(['a', 'b', 'c']);
    watermark.remember(first[0] as VantaTest);
    watermark.remember(first[1] as VantaTest);
    watermark.remember(first[2] as VantaTest); // no run date: nothing to remember
    const second = [t('a', '2026-01-01T00:00:00Z'), t('b', '2026-01-02T00:00:00Z'), t('c', null)];
    expect(watermark.changed(second).map((x) => x.id)).toEqual(['b', 'c']);
  });

  it('forgets tests that stopped failing, so one failing again is read again', () => {
    const watermark = new TestRunWatermark();
    const a = t('a', '2026-01-01T00:00:00Z');
    watermark.remember(a);
    watermark.retain([]);
    expect(watermark.changed([a])).toEqual([a]);
  });
});
