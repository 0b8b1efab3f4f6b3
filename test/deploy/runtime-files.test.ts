// The runtime file set: what `npm pack` ships (package.json "files"), installed with production dependencies only
// into an empty folder, must run: --help, the mock API server (health, readiness, a webhook, exit 0 on SIGTERM),
// process-once, and the lazily loaded lab. The image installs the same file set (Dockerfile: npm pack, then npm ci
// --omit=dev), so this proves the image's layout has what it needs at run time. It packs dist/ when dist/ is newer
// than every source (CI builds first); otherwise it builds the package into a temporary folder, never a stale one.
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  files: string[];
  devDependencies: Record<string, string>;
};
const FAILURE = join(ROOT, 'examples/failure.json');
/** The commands of today's CLI; `serve`, `stats` and `cleanup` join them with the service (issue 11). */
const COMMANDS = ['api-server', 'process-once', 'experiments', 'report'];
const SERVICE_COMMANDS = ['serve', 'stats', 'cleanup'];
const SETUP_TIMEOUT_MS = 600_000;

let work: string;
let bin: string;
let installed: string;

/** An environment with nothing of this process's (no REDIS_URL, no tokens): only what a container would get. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: work,
    LOG_LEVEL: 'info',
    TERRAFIX_TERRAFORM_VALIDATE: 'off',
    TERRAFIX_MOCK_LATENCY_MS: '0',
    ...extra,
  };
}

/** Builds the package into `dir` the way `npm run build` does, but without bench/ and outside the worktree. */
async function buildPackage(dir: string): Promise<void> {
  const tsconfig = join(work, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: {
        outDir: join(dir, 'dist'),
        rootDir: ROOT,
        typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      include: ['src', 'experiments', 'reports'].map((d) => join(ROOT, d)),
      exclude: [join(ROOT, 'experiments/k6')],
    }),
  );
  await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', tsconfig]);
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  // The non-built entries of "files" (e.g. experiments/profiles/*.json): their folders, for npm pack to filter.
  for (const entry of PACKAGE.files.filter((f) => !f.startsWith('dist') && !f.startsWith('!'))) {
    const parts = entry.split('/');
    const glob = parts.findIndex((part) => /[*?[]/.test(part));
    const folder = (glob === -1 ? parts : parts.slice(0, glob)).join('/');
    cpSync(join(ROOT, folder), join(dir, folder), { recursive: true });
  }
}

/** True when dist/ was built after the last change to the sources it is built from (CI builds before testing). */
function distIsFresh(): boolean {
  const main = join(ROOT, 'dist/src/cli/main.js');
  if (!existsSync(main)) return false;
  const built = statSync(main).mtimeMs;
  return ['src', 'experiments', 'reports'].every((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith('k6/'))
      .every((f) => statSync(join(ROOT, dir, f)).mtimeMs <= built),
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'terrafix-runtime-files-'));
  let pkg = ROOT;
  if (!distIsFresh()) {
    pkg = join(work, 'pkg');
    mkdirSync(pkg);
    await buildPackage(pkg);
  }
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--json'], {
    cwd: pkg,
  });
  const tarball = join(work, (JSON.parse(stdout) as { filename: string }[])[0]?.filename ?? '');
  installed = join(work, 'install');
  mkdirSync(installed);
  writeFileSync(join(installed, 'package.json'), '{"name":"terrafix-runtime-check","private":true}\n');
  await run(
    'npm',
    [
      'install',
      '--omit=dev',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--no-package-lock',
      tarball,
    ],
    { cwd: installed, timeout: SETUP_TIMEOUT_MS },
  );
  bin = join(installed, 'node_modules/.bin/terrafix');
}, SETUP_TIMEOUT_MS);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** Runs the installed `terrafix` with `args`; resolves with its exit code and output. */
function terrafix(
  args: string[],
  env = cleanEnv(),
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { env, cwd: work, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({
        code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
        stdout,
        stderr,
      });
    });
  });
}

describe('the packed file set', () => {
  it('holds the built product and no source maps, tests, sources or bench', () => {
    const root = join(installed, 'node_modules/terrafix');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' });
    expect(files.some((f) => f.startsWith('dist/src/cli/main.js'))).toBe(true);
    expect(files.filter((f) => f.endsWith('.map') || f.endsWith('.ts'))).toEqual([]);
    expect(files.filter((f) => /^(src|test|bench|docs|dist\/bench)(\/|$)/.test(f))).toEqual([]);
  });

  it('installs no dev dependency', () => {
    const modules = join(installed, 'node_modules');
    expect(Object.keys(PACKAGE.devDependencies).filter((d) => existsSync(join(modules, d)))).toEqual([]);
  });

  it('prints its help with every command (and the service commands --help, once they exist)', async () => {
    const help = await terrafix(['--help']);
    expect(help.code).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]);
    expect(commands).toEqual(expect.arrayContaining(COMMANDS));
    for (const command of [...COMMANDS, ...SERVICE_COMMANDS.filter((c) => commands.includes(c))]) {
      const sub = await terrafix([command, '--help']);
      expect(sub.code, `${command} --help`).toBe(0);
      expect(sub.stdout).toContain(`terrafix ${command}`);
    }
  });

  it('runs process-once on a failure file', async () => {
    const result = await terrafix(['process-once', '--failure-json', FAILURE, '--mock', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ success: true, outcome: 'completed' });
  });

  it('loads the lab (experiments runner, reports, charts) with its dependencies', async () => {
    const lab = join(installed, 'node_modules/terrafix/dist/src/cli/lab');
    const modules = readdirSync(lab).filter((f) => f.endsWith('.js'));
    expect(modules.length).toBeGreaterThan(0);
    const script = modules.map((m) => `await import(${JSON.stringify(join(lab, m))});`).join('');
    const { stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: cleanEnv(),
    });
    expect(stderr).not.toMatch(/Cannot find (module|package)/);
  });
});

describe('the mock API server from the packed file set', () => {
  let server: ChildProcessWithoutNullStreams;
  let url: string;
  let exited: Promise<number | null>;

  beforeAll(async () => {
    server = spawn(bin, ['api-server', '--mock', '--host', '127.0.0.1', '--port', '0'], {
      env: cleanEnv({ TERRAFIX_SHUTDOWN_TIMEOUT_MS: '10000' }),
      cwd: work,
    });
    exited = new Promise((resolve) => server.once('exit', (code) => resolve(code)));
    url = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(
        () => reject(new Error(`no "API server listening" line: ${buffered}`)),
        60_000,
      );
      server.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const line = buffered.split('\n').find((l) => l.includes('API server listening'));
        if (line !== undefined) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { url: string }).url);
        }
      });
      server.once('exit', (code) => reject(new Error(`api-server exited with ${code}: ${buffered}`)));
    });
  }, 90_000);

  afterAll(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
  });

  it('answers /health and /ready and processes a webhook', async () => {
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'healthy' });
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    const webhook = await fetch(`${url}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: readFileSync(FAILURE),
    });
    expect(webhook.status).toBe(200);
    expect(await webhook.json()).toMatchObject({ success: true });
  });

  it('exits 0 on SIGTERM', async () => {
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
