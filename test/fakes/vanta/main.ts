/**
 * The fake Vanta on its own, for trying real mode by hand (docs/configuration.md, "Fake Vanta"):
 *   npm run fake:vanta -- --data test/fakes/vanta/sample-data.json --port 8090
 * Options: --data FILE (required), --port N (default 8090), --host (default 127.0.0.1),
 * --rate-limit N (requests per minute per application, default 50).
 */
import { parseArgs } from 'node:util';
import { readFakeVantaData } from './data.js';
import { startFakeVanta } from './server.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    port: { type: 'string', default: '8090' },
    host: { type: 'string', default: '127.0.0.1' },
    'rate-limit': { type: 'string', default: '50' },
  },
});
if (values.data === undefined) {
  process.stderr.write('usage: fake-vanta --data FILE [--port 8090] [--host 127.0.0.1] [--rate-limit 50]\n');
  process.exit(2);
}
const data = await readFakeVantaData(values.data);
const fake = await startFakeVanta({
  data,
  host: values.host,
  port: Number(values.port),
  rateLimitPerMinute: Number(values['rate-limit']),
});
const base = `http://${values.host}:${new URL(fake.url).port}`;
process.stdout.write(
  `Fake Vanta listening on ${base}\n` +
    `  VANTA_BASE_URL=${base}\n` +
    `  applications: ${data.clients.map((c) => c.clientId).join(', ')} (secrets are in the data file)\n` +
    `  tests: ${data.tests.length}, entities: ${Object.values(data.entities).flat().length}\n`,
);
const stop = (): void => {
  void fake.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
