// `terrafix api-server` (and later `serve`) must not load the lab's heavy libraries: chart.js, @napi-rs/canvas and
// handlebars load only with the commands that draw reports. Checked on the real CLI, bundled the way node would
// load it (esbuild keeps every import() a separate chunk), with a resolve hook recording every module loaded.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../support/cli-bundle.js';
import { connectTestRedis, deleteKeysWithPrefix, randomKeyPrefix, REDIS_URL } from '../support/redis.js';

const LAB_LIBRARIES = [
  '/node_modules/chart.js/',
  '/node_modules/@napi-rs/canvas',
  '/node_modules/handlebars/',
];
// Real mode's client libraries: loaded by `serve` and real `process-once`, not by the mock API server.
const REAL_MODE_LIBRARIES = ['/node_modules/@aws-sdk/', '/node_modules/@octokit/', '/node_modules/bullmq/'];
const HOOK = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.TFX_IMPORT_LOG, resolved.url + '\\\\n');
  return resolved;
}\`));
`;

let dir: string;
beforeAll(async () => {
  dir = await bundleCli('terrafix-lazy-');
  await writeFile(join(dir, 'hook.mjs'), HOOK);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI with `args` until `until` resolves (or it exits), then stops it; returns the modules it loaded. */
async function modulesLoadedBy(
  args: string[],
  until: (stdout: () => string, exited: Promise<unknown>) => Promise<unknown>,
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<string[]> {
  const log = join(dir, `${name}.log`);
  await writeFile(log, '');
  const child = spawn(process.execPath, ['--import', join(dir, 'hook.mjs'), join(dir, 'main.js'), ...args], {
    env: {
      ...process.env,
      TFX_IMPORT_LOG: log,
      TERRAFIX_MOCK_MODE: 'true',
      TERRAFIX_TERRAFORM_VALIDATE: 'off',
      LOG_LEVEL: 'info',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = once(child, 'exit');
  try {
    await until(() => stdout, exited);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
}

const loaded = (modules: string[], library: string) => modules.some((m) => m.includes(library));

describe('the CLI loads lab code lazily', () => {
  it('serves `api-server` without chart.js, canvas or handlebars', { timeout: 60_000 }, async () => {
    const modules = await modulesLoadedBy(
      ['api-server', '--port', '0'],
      async (stdout) => {
        await expect.poll(() => /"url":"(http[^"]+)"/.exec(stdout())?.[1], { timeout: 30_000 }).toBeDefined();
        const url = /"url":"(http[^"]+)"/.exec(stdout())?.[1] ?? '';
        expect((await fetch(`${url}/health`)).status).toBe(200);
      },
      'api-server',
    );
    expect(loaded(modules, '/node_modules/fastify/')).toBe(true); // the hook saw the server's own libraries
    for (const library of LAB_LIBRARIES) expect(loaded(modules, library), library).toBe(false);
    for (const library of REAL_MODE_LIBRARIES) expect(loaded(modules, library), library).toBe(false);
  });

  it(
    'serves `api-server` in real mode as an intake with BullMQ but without the AWS SDK or Octokit',
    { timeout: 60_000 },
    async () => {
      const prefix = randomKeyPrefix();
      try {
        const modules = await modulesLoadedBy(
          ['api-server', '--port', '0'],
          async (stdout) => {
            await expect
              .poll(() => /"url":"(http[^"]+)"/.exec(stdout())?.[1], { timeout: 30_000 })
              .toBeDefined();
            const url = /"url":"(http[^"]+)"/.exec(stdout())?.[1] ?? '';
            expect((await fetch(`${url}/ready`)).status).toBe(200);
          },
          'api-server-real',
          {
            TERRAFIX_MOCK_MODE: 'false',
            TERRAFIX_WEBHOOK_SECRET: 'lazy-lab-webhook-secret-01',
            REDIS_URL,
            TERRAFIX_REDIS_PREFIX: prefix,
          },
        );
        expect(loaded(modules, '/node_modules/bullmq/')).toBe(true);
        expect(loaded(modules, '/node_modules/@aws-sdk/'), '@aws-sdk').toBe(false);
        expect(loaded(modules, '/node_modules/@octokit/'), '@octokit').toBe(false);
      } finally {
        const redis = await connectTestRedis();
        await deleteKeysWithPrefix(redis, prefix);
        redis.disconnect();
      }
    },
  );

  it('loads them for `report` (so the check above can fail)', { timeout: 60_000 }, async () => {
    const modules = await modulesLoadedBy(
      ['report', '--input', join(dir, 'no-such-results')],
      (_stdout, exited) => exited, // it refuses the missing folder after loading the report code
      'report',
    );
    for (const library of LAB_LIBRARIES) expect(loaded(modules, library), library).toBe(true);
  });
});
