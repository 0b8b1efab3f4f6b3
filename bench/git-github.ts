/**
 * CPU of the real git and GitHub adapters against the fake GitHub (zero latency, its own process):
 * `npm run build && node dist/bench/git-github.js`. For a small (7 files) and a large (301 files, 6,000 resources)
 * Terraform root: a cold checkout (clone), warm checkouts (fetch + hard reset + workspace), new and reused
 * publishes. Reports this process's CPU and the CPU of the git processes it spawned (waited-for children).
 * Not part of `npm run bench`: the fake is bundled from test/fakes with esbuild on the fly.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { GitRepoCheckout } from '../src/adapters/git/index.js';
import { GitHubPublisher } from '../src/adapters/github/index.js';

const TOKEN = 'ghp_benchtoken0000000000000000000000';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** CPU ms of the waited-for children of this process (cutime + cstime, 100 ticks per second). */
function childCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function largeRoot(dir: string): Promise<void> {
  await writeFile(join(dir, 'main.tf'), '# root\n');
  for (let m = 0; m < 30; m++) {
    await mkdir(join(dir, `mod${m}`), { recursive: true });
    for (let f = 0; f < 10; f++) {
      let text = '';
      for (let r = 0; r < 20; r++) {
        text += `resource "aws_s3_bucket" "b${m}_${f}_${r}" {\n  bucket = "bucket-${m}-${f}-${r}"\n  tags   = { Name = "x" }\n}\n\n`;
      }
      await writeFile(join(dir, `mod${m}`, `f${f}.tf`), text);
    }
  }
}

async function startFake(bundle: string, repos: string[]): Promise<{ url: string; stop: () => void }> {
  const args = [bundle, '--port', '0', '--token', TOKEN, ...repos.flatMap((r) => ['--repo', r])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fake GitHub exited (${String(code)})`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function measure(label: string, n: number, fn: (i: number) => Promise<void>): Promise<void> {
  const self0 = selfCpuMs();
  const child0 = childCpuMs();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const per = (v: number) => (v / n).toFixed(1).padStart(7);
  console.log(
    `${label.padEnd(40)} n=${String(n).padEnd(3)} node CPU ${per(selfCpuMs() - self0)} ms   git CPU ${per(childCpuMs() - child0)} ms   wall ${per(performance.now() - t0)} ms`,
  );
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'bench-git-github-'));
  const bundle = join(work, 'fake-github.mjs');
  await build({
    entryPoints: [join(ROOT, 'test/fakes/github/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    logLevel: 'warning',
  });
  const large = join(work, 'large');
  await mkdir(large);
  await largeRoot(large);
  const fake = await startFake(bundle, [
    `octo/small=${join(ROOT, 'test/hcl/fixtures/repo')}`,
    `octo/large=${large}`,
  ]);
  try {
    for (const size of ['small', 'large']) {
      const dir = join(work, `cache-${size}`);
      const checkout = new GitRepoCheckout({
        token: TOKEN,
        gitUrl: fake.url,
        terraformPath: '.',
        dir,
        maxCachedRepos: 4,
        gitTimeoutMs: 60_000,
        path: process.env.PATH,
      });
      const publisher = new GitHubPublisher({
        token: TOKEN,
        apiUrl: fake.url,
        terraformPath: '.',
        draft: false,
        extraLabels: [],
        labelColor: '0366d6',
        throttle: {
          enabled: true,
          writeIntervalMs: 0,
          pullRequestIntervalMs: 0,
          rateLimitRetries: 2,
          maxWaitMs: 60_000,
        },
        requestRetries: 2,
        requestTimeoutMs: 30_000,
      });
      const repo = { owner: 'octo', name: size, baseBranch: 'main' };
      const ctx = { key: 'c'.repeat(64), attempt: 1 };
      const request = { repo, sizeHint: 'small' as const, failure: undefined as never };
      let files = 0;
      await measure(`${size}: cold checkout (clone)`, 1, async () => {
        const ws = await checkout.checkout(request, ctx);
        files = (await ws.terraformFiles()).size;
        await ws.dispose();
      });
      await measure(`${size}: warm checkout + read + write + dispose`, 20, async () => {
        const ws = await checkout.checkout(request, ctx);
        const content = (await ws.terraformFiles()).get('main.tf') ?? '';
        await ws.writeFile('main.tf', `${content}# fixed\n`);
        await ws.dispose();
      });
      const draft = (branch: string) => ({
        repo,
        branch,
        title: 'bench',
        body: 'bench',
        commitMessage: 'bench',
        changes: [{ path: 'main.tf', content: `# fixed ${branch}\n` }],
        labels: ['terrafix', 'compliance'],
      });
      await measure(`${size}: publish (new PR)`, 20, (i) =>
        publisher.publish(draft(`terrafix/bench-${i}`), ctx).then(() => undefined),
      );
      await measure(`${size}: publish (open PR reused)`, 20, () =>
        publisher.publish(draft('terrafix/bench-0'), ctx).then(() => undefined),
      );
      console.log(`${size}: ${files} .tf files`);
    }
  } finally {
    fake.stop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
