/** Puts the fake k6 (fake-k6.ts, bundled with esbuild) on disk as an executable named `k6`. */
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface FakeK6 {
  /** Folder holding `k6` (prepend it to PATH, or pass `path` to K6Engine). */
  dir: string;
  /** The executable. */
  path: string;
  /** One JSON line per invocation: `{ args, usageReport, secretInEnv }` (the fake appends when FAKE_K6_LOG is set). */
  logPath: string;
}

const SOURCE = fileURLToPath(new URL('./fake-k6.ts', import.meta.url));

/** Bundles the fake into a fresh temp folder and writes the `k6` shim that runs it with this Node. */
export async function installFakeK6(): Promise<FakeK6> {
  const dir = await mkdtemp(join(tmpdir(), 'terrafix-fake-k6-'));
  const bundle = join(dir, 'fake-k6.mjs');
  await build({
    entryPoints: [SOURCE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'silent',
  });
  const path = join(dir, 'k6');
  await writeFile(path, `#!/bin/sh\nexec "${process.execPath}" "${bundle}" "$@"\n`);
  await chmod(path, 0o755);
  return { dir, path, logPath: join(dir, 'calls.ndjson') };
}
