/**
 * A real-mode API server over the fakes with injected latency, for `terrafix experiments run --host`:
 *   npm run target:real-mode [-- --profile FILE --seed N --iterations N --faults FILE|none --workers N --port N]
 * Defaults: examples/real-mode-profile.json, seed 1 (the runner's default), 2000 iterations per run,
 * examples/real-mode-faults.json, 16 workers, any free port. REDIS_URL (default redis://127.0.0.1:6379) holds the
 * shared queue under a random prefix, removed on exit. TERRAFIX_WEBHOOK_SECRET signs the load; one is made up and
 * printed when unset (it guards fakes only). The first stdout line is `READY {json}`; SIGINT/SIGTERM stop it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadProfileFile } from '../../../experiments/profiles/load.js';
import type { FaultConfigInput } from '../../../src/faults/profile.js';
import { startRealModeTarget } from './target.js';

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'examples/real-mode-profile.json' },
    seed: { type: 'string', default: '1' },
    iterations: { type: 'string', default: '2000' },
    faults: { type: 'string', default: 'examples/real-mode-faults.json' },
    workers: { type: 'string', default: '16' },
    port: { type: 'string', default: '0' },
  },
});
const secret = process.env.TERRAFIX_WEBHOOK_SECRET ?? randomBytes(24).toString('hex');
const faults =
  values.faults === 'none'
    ? undefined
    : (JSON.parse(readFileSync(values.faults, 'utf8')) as FaultConfigInput);
const target = await startRealModeTarget({
  profile: loadProfileFile(values.profile),
  seed: Number(values.seed),
  iterations: Number(values.iterations),
  webhookSecret: secret,
  faults,
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  workers: Number(values.workers),
  port: Number(values.port),
});
process.stdout.write(
  `READY ${JSON.stringify({ url: target.url, prepared: target.prepared, github: target.github.url })}\n` +
    [
      '# signed load against it (docs/experiments.md, "Real mode"):',
      `export TERRAFIX_WEBHOOK_SECRET=${secret}`,
      `terrafix experiments run --profile ${values.profile} --seed ${values.seed} --host ${target.url}`,
      '',
    ].join('\n'),
);
const stop = (): void => {
  process.stdout.write(`# pull requests opened on the fake GitHub: ${target.pullCount()}\n`);
  void target.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
