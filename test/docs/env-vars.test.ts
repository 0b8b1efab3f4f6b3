import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { apiServerEnvSchema } from '../../src/config/api-server.js';
import { bedrockEnvSchema } from '../../src/config/bedrock.js';
import { githubEnvSchema } from '../../src/config/github.js';
import { repoMappingEnvSchema } from '../../src/config/repo-mapping.js';
import { serviceEnvSchema } from '../../src/config/service.js';
import { vantaEnvSchema } from '../../src/config/vanta.js';

/** Every env schema the entry points read: a new config module adds one line here. */
const ENV_SCHEMAS: Record<string, z.ZodObject> = {
  'api-server': apiServerEnvSchema,
  bedrock: bedrockEnvSchema,
  github: githubEnvSchema,
  vanta: vantaEnvSchema,
  'repo-mapping': repoMappingEnvSchema,
  service: serviceEnvSchema,
};

const DOCS = new URL('../../docs/', import.meta.url);
const README = new URL('../../README.md', import.meta.url);
const README_MAX_CHARS = 10_000;

/** All of docs/*.md, concatenated. */
function docsText(): string {
  return readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .map((name) => readFileSync(new URL(name, DOCS), 'utf8'))
    .join('\n');
}

/** The variables of `schema` that docs/ never names in backticks. */
function undocumented(schema: z.ZodObject, docs: string): string[] {
  return Object.keys(schema.shape).filter((name) => !docs.includes(`\`${name}\``));
}

describe('docs/ names every environment variable the config schemas read', () => {
  const docs = docsText();

  it.each(Object.entries(ENV_SCHEMAS))('%s', (_name, schema) => {
    expect(Object.keys(schema.shape).length).toBeGreaterThan(0);
    expect(undocumented(schema, docs)).toEqual([]);
  });

  it('reports a variable that docs/ leaves out', () => {
    const withoutWorkers = docs.replaceAll('`TERRAFIX_WORKERS`', 'TERRAFIX_WORKERS');
    expect(undocumented(apiServerEnvSchema, withoutWorkers)).toEqual(['TERRAFIX_WORKERS']);
  });
});

describe('README', () => {
  const readme = readFileSync(README, 'utf8');

  it(`stays under ${README_MAX_CHARS} characters`, () => {
    expect(readme.length).toBeLessThan(README_MAX_CHARS);
  });

  it('starts its quick start with `npm run demo` and `npm test`, right after the intro', () => {
    expect(/^## .*$/m.exec(readme)?.[0]).toBe('## Quick start');
    const quickStart = readme.split(/^## Quick start$/m)[1];
    expect(quickStart, 'a "## Quick start" section').toBeDefined();
    const firstBlock = /```[a-z]*\n([\s\S]*?)```/.exec(quickStart ?? '')?.[1] ?? '';
    expect(firstBlock).toContain('npm run demo');
    expect(firstBlock).toContain('npm test');
  });
});
