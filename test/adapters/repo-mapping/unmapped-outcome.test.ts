// Vanta → mapping → pipeline: mapped failures end in a PR, an unmapped one ends as `skipped_unmapped` (counted).
import { afterEach, describe, expect, it } from 'vitest';
import { parseRepoMapping } from '../../../src/adapters/repo-mapping/mapping.js';
import { MappedRepoResolver } from '../../../src/adapters/repo-mapping/resolver.js';
import { httpStatusOf, resultView } from '../../../src/api-server/result-view.js';
import { composePipeline, type PipelineComposition } from '../../../src/composition/pipeline.js';
import { createLogger } from '../../../src/observability/logger.js';
import { PipelineMetrics } from '../../../src/observability/pipeline-metrics.js';
import { failureKey } from '../../../src/pipeline/failure.js';
import { isSuccess } from '../../../src/pipeline/outcome.js';
import { SimulatedCheckout } from '../../../src/simulation/adapters/checkout.js';
import { SimulatedFixGenerator } from '../../../src/simulation/adapters/fix-generator.js';
import { SimulatedPublisher } from '../../../src/simulation/adapters/publisher.js';
import { syntheticRepository } from '../../../src/simulation/synth/repository.js';
import { fakeVantaData } from '../../fakes/vanta/data.js';
import { testConfig } from '../../support/simulated-pipeline.js';
import { CLIENT_ID, CLIENT_SECRET, collect, fake, vantaFor, VirtualTime } from '../vanta/support.js';

const open: PipelineComposition[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

// Failures carry no repo_size, so the simulated checkout serves the medium synthetic repository.
const buckets = syntheticRepository('medium')
  .targets.filter((t) => t.cfnType === 'AWS::S3::Bucket')
  .slice(0, 2);

describe('an unmapped failure', () => {
  it('ends as skipped_unmapped next to mapped ones that complete', async () => {
    const time = new VirtualTime();
    const vanta = await fake({
      data: fakeVantaData({
        clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
        tests: [
          { id: 'aws-s3-public-access-blocked', name: 'S3 Block Public Access', status: 'NEEDS_ATTENTION' },
          { id: 'firewall-config-server', name: 'Public SSH denied (AWS)', status: 'NEEDS_ATTENTION' },
        ],
        entities: {
          'aws-s3-public-access-blocked': buckets.map((b, i) => ({
            id: `bucket${i}`,
            displayName: b.name,
            responseType: 'AWS S3 bucket',
          })),
          'firewall-config-server': [
            { id: 'sg1', displayName: 'bastion', responseType: 'AWS security group' },
          ],
        },
      }),
      now: time.now,
    });
    const { reader, source } = vantaFor(vanta, time);
    // Buckets map by prefix; security groups (vanta identities) match nothing and there is no default.
    const { mapping, problems } = parseRepoMapping(
      JSON.stringify({ default: '', 'arn:aws:s3:::': 'acme/terraform-storage' }),
      'main',
    );
    expect(problems).toEqual([]);
    const metrics = new PipelineMetrics();
    const composed = composePipeline(
      testConfig(),
      {
        source,
        resolver: new MappedRepoResolver(mapping),
        checkout: new SimulatedCheckout(),
        generator: new SimulatedFixGenerator(),
        publisher: new SimulatedPublisher({ logLimit: 100, branchLimit: 100 }),
      },
      { logger: createLogger('silent'), observer: metrics.observer },
    );
    open.push(composed);

    const tests = await reader.listFailingTests();
    const failures = (await Promise.all(tests.map((t) => collect(reader.failuresOf(t))))).flat();
    expect(failures).toHaveLength(3);
    const results = await Promise.all(failures.map((f) => composed.pipeline.process(f)));
    expect(results.map((r) => r.outcome.kind)).toEqual(['completed', 'completed', 'skipped_unmapped']);

    const unmapped = results[2];
    if (unmapped?.outcome.kind !== 'skipped_unmapped') throw new Error('expected skipped_unmapped');
    expect(unmapped.outcome.resourceArn).toBe('arn:vanta:ec2:::security-group/sg1');
    expect(isSuccess(unmapped.outcome)).toBe(false);
    expect(httpStatusOf(unmapped)).toBe(422);
    expect(resultView(unmapped)).toMatchObject({
      success: false,
      outcome: 'skipped_unmapped',
      pr_url: null,
      resource_arn: 'arn:vanta:ec2:::security-group/sg1',
    });
    // Nothing claimed or recorded, and no Vanta call: the same failure again is unmapped again, not a duplicate.
    expect(await composed.state.get(failureKey(failures[2] ?? never()))).toBeUndefined();
    const confirmsBefore = vanta.calls.length;
    expect((await composed.pipeline.process(failures[2] ?? never())).outcome.kind).toBe('skipped_unmapped');
    expect(vanta.calls).toHaveLength(confirmsBefore);

    const text = await metrics.registry.metrics();
    expect(text).toContain('terrafix_failures_unmapped_total 2');
    expect(text).toContain('failures_skipped_total 2');
    expect(text).toContain('failures_successful_total 2');
    expect(text).not.toMatch(/failures_failed_total\{/);
  });
});

function never(): never {
  throw new Error('expected a value');
}
