/** The real CLI bundled the way node would load it (esbuild keeps every import() a separate chunk), for tests. */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '../..');

/** Bundles src/cli/main.ts into a fresh folder named `prefix...`; returns the folder (main.js is in it). */
export async function bundleCli(prefix: string): Promise<string> {
  // Inside node_modules/.cache so that the bundle's bare imports resolve to the project's packages.
  await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const dir = await mkdtemp(join(ROOT, `node_modules/.cache/${prefix}`));
  await build({
    entryPoints: [join(ROOT, 'src/cli/main.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: dir,
    logLevel: 'silent',
  });
  return dir;
}
