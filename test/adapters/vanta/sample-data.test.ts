// The data file docs/configuration.md tells people to run the standalone fake with, read by the real adapter.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createVanta } from '../../../src/adapters/vanta/index.js';
import { readFakeVantaData } from '../../fakes/vanta/data.js';
import { capturedLogger, collect, fake, settings, VirtualTime } from './support.js';

const SAMPLE = fileURLToPath(new URL('../../fakes/vanta/sample-data.json', import.meta.url));

describe('test/fakes/vanta/sample-data.json', () => {
  it('serves failing tests whose entities become records, and skips what TerraFix cannot fix', async () => {
    const data = await readFakeVantaData(SAMPLE);
    const time = new VirtualTime();
    const vanta = await fake({ data, now: time.now });
    const [app] = data.clients;
    const { reader } = createVanta(
      settings(vanta.url, {
        auth: {
          kind: 'client_credentials',
          clientId: app?.clientId ?? '',
          clientSecret: app?.clientSecret ?? '',
        },
      }),
      { logger: capturedLogger().logger, clock: time.clock, sleep: time.sleep },
    );
    const tests = await reader.listFailingTests();
    expect(tests.map((t) => t.id)).toEqual([
      'aws-s3-public-access-blocked',
      'firewall-config-server',
      'aws-account-access-removed-on-termination',
    ]);
    const records = (await Promise.all(tests.map((t) => collect(reader.failuresOf(t))))).flat();
    expect(records.map((r) => r.resource_arn)).toEqual([
      'arn:aws:s3:::acme-prod-exports',
      'arn:aws:s3:::acme-prod-uploads',
      'arn:vanta:ec2:::security-group/65fc81a3359c8508c9af8811',
    ]);
    expect(reader.skippedTotals().unsupported_resource_type).toBe(1);
  });
});
