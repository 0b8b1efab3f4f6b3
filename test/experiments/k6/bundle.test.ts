import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUNDLE = join(ROOT, 'experiments/k6/dist/terrafix.js');
const TSC = join(ROOT, 'node_modules/.bin/tsc');
const run = promisify(execFile);

async function freshBundle(): Promise<{ text: string; inputs: string[] }> {
  const config = JSON.parse(
    await readFile(join(ROOT, 'experiments/k6/bundle.config.json'), 'utf8'),
  ) as BuildOptions;
  const out = await build({
    ...config,
    absWorkingDir: ROOT,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { text: out.outputFiles[0]!.text, inputs: Object.keys(out.metafile.inputs) };
}

describe('the committed k6 bundle', () => {
  it('is what `npm run build:k6` makes of the current sources', async () => {
    const [{ text }, committed] = await Promise.all([freshBundle(), readFile(BUNDLE, 'utf8')]);
    // On failure: run `npm run build:k6` and commit experiments/k6/dist/terrafix.js.
    expect(committed === text, 'experiments/k6/dist/terrafix.js is stale: run npm run build:k6').toBe(true);
  });

  it('bundles only the script and the pure shared modules (failure.ts and its node:crypto stay out)', async () => {
    const { inputs } = await freshBundle();
    expect(inputs).toEqual(
      expect.arrayContaining([
        'experiments/k6/terrafix.ts',
        'experiments/payloads.ts',
        'src/simulation/synth/templates.ts',
      ]),
    );
    expect(inputs.filter((i) => i.includes('node_modules') || i.startsWith('node:'))).toEqual([]);
    expect(inputs).not.toContain('src/pipeline/failure.ts');
  });

  it('is CommonJS k6 compiles directly: no import/export (k6 0.47 would run Babel), only k6 modules required', async () => {
    const text = await readFile(BUNDLE, 'utf8');
    expect(text).not.toMatch(/node:/);
    expect(text).not.toMatch(/^\s*(import|export)\b/m);
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect([...new Set(required)].sort()).toEqual([
      'k6',
      'k6/crypto',
      'k6/data',
      'k6/execution',
      'k6/http',
      'k6/metrics',
    ]);
    expect(text).toMatch(/^module\.exports = __toCommonJS\(terrafix_exports\);$/m);
    expect(text).toMatch(/default: \(\) => terrafix_default/);
    for (const name of ['handleSummary', 'options', 'setup'])
      expect(text).toMatch(new RegExp(`\\b${name}: \\(\\) => ${name}\\b`));
  });

  it('parses as ES2017 and calls no API newer than what k6 0.47 (goja) has', async () => {
    const text = await readFile(BUNDLE, 'utf8');
    // espree is ESLint's parser (already installed with eslint); k6 0.47's goja parses ES2017 scripts as they are.
    const espree = createRequire(import.meta.url)('espree') as {
      parse: (code: string, options: { ecmaVersion: number; sourceType: string }) => unknown;
    };
    expect(() => espree.parse(text, { ecmaVersion: 2017, sourceType: 'script' })).not.toThrow();
    expect(() => espree.parse('const a = b ?? c;', { ecmaVersion: 2017, sourceType: 'module' })).toThrow();
    for (const api of [
      'structuredClone',
      'Object.hasOwn',
      '.at(',
      '.findLast(',
      '.toSorted(',
      'globalThis',
    ]) {
      expect(text.includes(api), api).toBe(false);
    }
  });
});

describe('the k6 type check', () => {
  it('passes: the script and the shared modules type-check against @types/k6 0.47 without Node types', async () => {
    await expect(
      run(TSC, ['-p', join(ROOT, 'experiments/k6/tsconfig.json'), '--noEmit'], { cwd: ROOT }),
    ).resolves.toBeDefined();
  });

  it('rejects Node globals in code checked with that configuration', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'terrafix-k6-tsc-'));
    try {
      await writeFile(join(dir, 'uses-node.ts'), 'export const argv: string[] = process.argv;\n');
      await writeFile(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          extends: join(ROOT, 'experiments/k6/tsconfig.json'),
          compilerOptions: { rootDir: dir, typeRoots: [join(ROOT, 'node_modules/@types')] },
          include: ['uses-node.ts'],
        }),
      );
      const failed = await run(TSC, ['-p', join(dir, 'tsconfig.json'), '--noEmit']).then(
        () => '',
        (error: { stdout: string }) => error.stdout,
      );
      expect(failed).toMatch(/Cannot find name 'process'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
