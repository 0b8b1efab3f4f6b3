/**
 * Runs the fake GitHub standalone, e.g. to point a local `terrafix` at it:
 *
 *   npx esbuild test/fakes/github/main.ts --bundle --platform=node --format=esm --outfile=/tmp/fake-github.mjs
 *   node /tmp/fake-github.mjs --port 4020 --token ghp_localtoken --repo octo/infra=./test/hcl/fixtures
 *
 * Then GITHUB_API_URL=http://127.0.0.1:4020 GITHUB_TOKEN=ghp_localtoken. `--repo owner/name[=DIR]` seeds the
 * default branch `main` with DIR's files (repeatable); `--root DIR` keeps the bare repositories; `--read-token T`
 * adds a token that may only read. Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import type { Permission } from './auth.js';
import { filesOf } from './seed-files.js';
import { startFakeGitHub } from './server.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4020' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string', default: 'ghp_localtoken' },
      'read-token': { type: 'string', multiple: true, default: [] },
      repo: { type: 'string', multiple: true, default: [] },
      root: { type: 'string' },
    },
  });
  const tokens: Record<string, Permission> = { [values.token]: 'write' };
  for (const t of values['read-token']) tokens[t] = 'read';
  const fake = await startFakeGitHub({
    port: Number(values.port),
    host: values.host,
    tokens,
    ...(values.root === undefined ? {} : { root: values.root }),
  });
  for (const spec of values.repo) {
    const [full = '', dir] = spec.split('=');
    const [owner = '', name = ''] = full.split('/');
    await fake.createRepo(owner, name, {
      files: dir === undefined ? { 'main.tf': '# empty\n' } : await filesOf(dir),
    });
    process.stdout.write(`repo ${owner}/${name}: ${fake.url}/${owner}/${name}.git\n`);
  }
  process.stdout.write(`fake GitHub listening on ${fake.url} (GITHUB_API_URL=${fake.url})\n`);
  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
