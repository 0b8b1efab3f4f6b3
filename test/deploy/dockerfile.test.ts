// The Dockerfile and .dockerignore, statically. The image itself is built and run by .ci/container-check.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contextCopySources, dockerIgnored, lintDockerfile, parseDockerfile } from './dockerfile-lint.js';

const ROOT = new URL('../../', import.meta.url);
const DOCKERFILE = readFileSync(new URL('Dockerfile', ROOT), 'utf8');
const DOCKERIGNORE = readFileSync(new URL('.dockerignore', ROOT), 'utf8');

/** A minimal Dockerfile that passes every rule; tests break one thing at a time. */
const GOOD = `ARG BASE=docker.io/library/node:20.20-bookworm-slim
FROM \${BASE} AS build
RUN npm ci
FROM \${BASE}
RUN apt-get update \\
 && apt-get install -y --no-install-recommends git \\
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
ENV NODE_ENV=production
USER 1000:1000
EXPOSE 8080 8081
HEALTHCHECK CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health')"]
ENTRYPOINT ["/usr/bin/tini", "--", "terrafix"]
CMD ["serve"]
`;

describe('the Dockerfile', () => {
  it('passes the lint rules', () => {
    expect(lintDockerfile(DOCKERFILE)).toEqual([]);
  });

  it('builds from a pinned Node 20 bookworm-slim base', () => {
    const base = parseDockerfile(DOCKERFILE).globalArgs.get('NODE_IMAGE');
    expect(base).toMatch(/^docker\.io\/library\/node:20\.\d+-bookworm-slim$/);
  });

  it('has a build stage and a runtime stage that copies only the packed app from it', () => {
    const { instructions, stageNames } = parseDockerfile(DOCKERFILE);
    expect(stageNames).toContain('build');
    expect(stageNames.at(-1)).toBe('runtime');
    const runtime = instructions.filter((i) => i.stage === stageNames.length - 1);
    const copies = runtime.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual(['--from=terraform /opt/terraform /opt/terraform', '--from=build /app /app']);
    const build = instructions.filter((i) => i.stage === stageNames.indexOf('build'));
    const buildRuns = build.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(buildRuns.some((r) => r.includes('npm pack'))).toBe(true);
    expect(buildRuns.some((r) => /npm ci --omit=dev/.test(r))).toBe(true);
  });

  it('offers terraform through TERRAFORM_SOURCE (none by default, download or a build context)', () => {
    const { globalArgs, stageNames } = parseDockerfile(DOCKERFILE);
    expect(globalArgs.get('TERRAFORM_SOURCE')).toBe('none');
    for (const source of ['none', 'download', 'context']) expect(stageNames).toContain(`terraform-${source}`);
  });
});

describe('the lint rules fail what they should', () => {
  const cases: [string, string, string][] = [
    ['latest base tag', GOOD.replace('node:20.20-bookworm-slim', 'node:latest'), 'uses the latest tag'],
    ['untagged base', GOOD.replace('node:20.20-bookworm-slim', 'node'), 'has no tag'],
    ['no USER', GOOD.replace('USER 1000:1000\n', ''), 'no USER'],
    ['USER root', GOOD.replace('USER 1000:1000', 'USER root'), 'is root'],
    ['USER 0', GOOD.replace('USER 1000:1000', 'USER 0:0'), 'is root'],
    ['named USER', GOOD.replace('USER 1000:1000', 'USER node'), 'not numeric'],
    ['no HEALTHCHECK', GOOD.replace(/^HEALTHCHECK.*\n/m, ''), 'no HEALTHCHECK'],
    ['HEALTHCHECK NONE', GOOD.replace(/^HEALTHCHECK.*$/m, 'HEALTHCHECK NONE'), 'no HEALTHCHECK'],
    [
      'secret ENV name',
      GOOD.replace('ENV NODE_ENV=production', 'ENV GITHUB_TOKEN=x'),
      'looks like a credential',
    ],
    [
      'secret ARG name',
      GOOD.replace('FROM ${BASE} AS build', 'ARG VANTA_CLIENT_SECRET\nFROM ${BASE} AS build'),
      'looks like a credential',
    ],
    [
      'credential value',
      GOOD.replace(
        'ENV NODE_ENV=production',
        'ENV NODE_ENV=production GIT_HEADER=ghp_abcdefghijklmnopqrstuvwxyz0123',
      ),
      'credential-like value',
    ],
    ['shell-form entrypoint', GOOD.replace(/^ENTRYPOINT.*$/m, 'ENTRYPOINT terrafix'), 'ENTRYPOINT'],
    ['other default command', GOOD.replace('CMD ["serve"]', 'CMD ["api-server"]'), 'CMD is not ["serve"]'],
    ['port not exposed', GOOD.replace('EXPOSE 8080 8081', 'EXPOSE 8081'), 'port 8080'],
    ['recommends installed', GOOD.replace(' --no-install-recommends', ''), '--no-install-recommends'],
    ['apt lists kept', GOOD.replace(' \\\n && rm -rf /var/lib/apt/lists/*', ''), '/var/lib/apt/lists'],
  ];

  it('accepts the minimal good Dockerfile', () => {
    expect(lintDockerfile(GOOD)).toEqual([]);
  });

  it.each(cases)('%s', (_name, text, finding) => {
    expect(text).not.toBe(GOOD);
    expect(lintDockerfile(text).join('\n')).toContain(finding);
  });
});

describe('.dockerignore', () => {
  it('keeps secrets, state, dependencies and build output out of the build context', () => {
    for (const path of [
      '.env',
      'config/.env.production',
      'terraform/terraform.tfvars',
      'terraform/terraform.tfstate',
      'terraform/.terraform/providers/x',
      '.git/config',
      'node_modules/fastify/package.json',
      'dist/src/cli/main.js',
      'test/deploy/dockerfile.test.ts',
      'experiment_results/demo/result.json',
      'docs/deployment.md',
    ])
      expect(dockerIgnored(DOCKERIGNORE, path), path).toBe(true);
  });

  it('lets in everything the Dockerfile copies from the context', () => {
    const sources = contextCopySources(DOCKERFILE);
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src']));
    for (const source of sources) expect(dockerIgnored(DOCKERIGNORE, source), source).toBe(false);
    for (const path of [
      'src/cli/main.ts',
      'experiments/k6/dist/terrafix.js',
      'experiments/profiles/smoke.json',
    ])
      expect(dockerIgnored(DOCKERIGNORE, path), path).toBe(false);
  });

  it('applies the last matching rule, and a directory rule to everything below it', () => {
    const rules = '*\n!src/\nsrc/secret.ts\n**/node_modules\n';
    expect(dockerIgnored(rules, 'README.md')).toBe(true);
    expect(dockerIgnored(rules, 'src/a/b.ts')).toBe(false);
    expect(dockerIgnored(rules, 'src/secret.ts')).toBe(true);
    expect(dockerIgnored(rules, 'src/node_modules/x.js')).toBe(true);
  });
});
