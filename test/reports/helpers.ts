/** Temp folders and fixture copies for the report tests. */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIXTURE = join(import.meta.dirname, 'fixtures', 'smoke');

/** A fresh temp folder; remove it with `rm(dir, { recursive: true })`. */
export function tempDir(prefix = 'terrafix-reports-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A copy of the committed smoke fixture (a real `experiments run --experiment smoke` result folder). */
export async function fixtureCopy(dir: string, name = 'input'): Promise<string> {
  const target = join(dir, name);
  await cp(FIXTURE, target, { recursive: true });
  return target;
}

/** Reads, changes and writes back a JSON file. */
export async function editJson(path: string, edit: (data: Record<string, unknown>) => void): Promise<void> {
  const data = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  edit(data);
  await writeFile(path, JSON.stringify(data, null, 2));
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

export { rm };
