/**
 * All three fakes in one process, for running real mode locally and for the real-path bench:
 *   npm run fake:real-mode                 # defaults below; prints the environment to export
 * Options:
 *   --vanta-data FILE   fake Vanta's data (default test/e2e/fixtures/vanta.json)
 *   --repo owner/name=DIR   a fake GitHub repository seeded from DIR (repeatable; default octo/platform and
 *                       octo/data from test/e2e/fixtures)
 *   --token T           the GitHub token that may write (default ghp_localtoken)
 *   --vanta-port N --github-port N --bedrock-port N   (default 0: any free port)
 *   --rate-limit N      fake Vanta's requests per minute (default 1000)
 *   --hold              every failing test starts passing (status OK) until a line `release` arrives on stdin,
 *                       which restores their statuses and prints `RELEASED <epoch ms>` (a benchmark starts every
 *                       replica first, then releases the failures to all of them at once)
 * Fake Bedrock answers like a model (model-like.ts). The first stdout line is `READY {json of the URLs}`.
 */
import { parseArgs } from 'node:util';
import { modelLikeFix } from '../bedrock/model-like.js';
import { startFakeBedrock } from '../bedrock/server.js';
import { filesOf } from '../github/seed-files.js';
import { startFakeGitHub } from '../github/server.js';
import { readFakeVantaData } from '../vanta/data.js';
import { startFakeVanta } from '../vanta/server.js';

const FIXTURES = 'test/e2e/fixtures';

const { values } = parseArgs({
  options: {
    'vanta-data': { type: 'string', default: `${FIXTURES}/vanta.json` },
    repo: { type: 'string', multiple: true, default: [] },
    token: { type: 'string', default: 'ghp_localtoken' },
    'vanta-port': { type: 'string', default: '0' },
    'github-port': { type: 'string', default: '0' },
    'bedrock-port': { type: 'string', default: '0' },
    'rate-limit': { type: 'string', default: '1000' },
    hold: { type: 'boolean', default: false },
  },
});
const repos =
  values.repo.length > 0 ? values.repo : [`octo/platform=${FIXTURES}/platform`, `octo/data=${FIXTURES}/data`];

const data = await readFakeVantaData(values['vanta-data']);
const vanta = await startFakeVanta({
  data,
  port: Number(values['vanta-port']),
  rateLimitPerMinute: Number(values['rate-limit']),
});
const github = await startFakeGitHub({
  port: Number(values['github-port']),
  tokens: { [values.token]: 'write' },
});
for (const spec of repos) {
  const [full = '', dir = ''] = spec.split('=');
  const [owner = '', name = ''] = full.split('/');
  await github.createRepo(owner, name, { files: await filesOf(dir) });
}
const bedrock = await startFakeBedrock({ port: Number(values['bedrock-port']), fallback: modelLikeFix });
if (values.hold) {
  const held = data.tests.filter((t) => t.status !== 'OK').map((t) => [t, t.status] as const);
  for (const [test] of held) test.status = 'OK';
  let buffered = '';
  process.stdin.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    if (!/^release$/m.test(buffered)) return;
    buffered = '';
    for (const [test, status] of held) test.status = status;
    process.stdout.write(`RELEASED ${Date.now()}\n`);
  });
}
const client = data.clients[0];
process.stdout.write(
  `READY ${JSON.stringify({ vanta: vanta.url, github: github.url, bedrock: bedrock.url })}\n` +
    [
      '# real mode against these fakes (docs/real-mode.md):',
      `export VANTA_BASE_URL=${vanta.url}`,
      `export VANTA_CLIENT_ID=${client?.clientId ?? ''}`,
      // The fakes' own dummy credentials, printed so a local run is copy and paste.
      `export VANTA_CLIENT_SECRET=${client?.clientSecret ?? ''}`,
      `export GITHUB_API_URL=${github.url}`,
      `export GITHUB_TOKEN=${values.token}`,
      `export AWS_ENDPOINT_URL_BEDROCK_RUNTIME=${bedrock.url}`,
      'export AWS_REGION=us-west-2 AWS_ACCESS_KEY_ID=AKIAFAKEFAKEFAKE0000 AWS_SECRET_ACCESS_KEY=fake',
      'export BEDROCK_MODEL_ID=us.anthropic.claude-opus-4-5-20251101-v1:0',
      `# repositories: ${repos.map((r) => r.split('=')[0]).join(', ')}`,
      '',
    ].join('\n'),
);
const stop = (): void => {
  void Promise.all([vanta.close(), github.close(), bedrock.close()]).then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
