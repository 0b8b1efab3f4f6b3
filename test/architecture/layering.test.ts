// The layering of docs/architecture.md, checked: no two folders import each other, and the lint rules that
// keep wings apart really fire on a wrong import (so a broken rule cannot pass silently).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = normalize(join(import.meta.dirname, '../..'));

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'dist' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The folder a file belongs to: `src/<wing>`, `experiments/<part>`, or the top folder (reports, bench). */
function folderOf(path: string): string {
  const parts = path.split('/');
  if ((parts[0] === 'src' || parts[0] === 'experiments') && parts.length > 2)
    return `${parts[0]}/${parts[1]}`;
  return parts[0] ?? path;
}

/** Folder → folders it imports from (relative imports only). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of ['src', 'experiments', 'reports', 'bench'].flatMap(sources)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/g)) {
      const target = relative(ROOT, join(ROOT, dirname(file), m[1] ?? ''));
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from === to) continue;
      graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

describe('layering', () => {
  it('has no pair of folders importing each other', () => {
    const graph = folderGraph();
    expect(graph.get('src/api-server')?.has('src/pipeline')).toBe(true); // the graph sees real imports
    const pairs = [...graph].flatMap(([a, tos]) =>
      [...tos].filter((b) => a < b && graph.get(b)?.has(a)).map((b) => `${a} <-> ${b}`),
    );
    expect(pairs).toEqual([]);
  });

  it('keeps the core free of every adapter, store, server and the simulation', () => {
    const core = [...(folderGraph().get('src/pipeline') ?? [])];
    expect(core).toEqual([]);
  });

  // A deliberately wrong import per rule, linted as if it were part of the file it names.
  const wrong: [file: string, code: string, rule: string][] = [
    ['src/pipeline/outcome.ts', "import '../state/memory-store.js';", 'import-x/no-restricted-paths'],
    ['src/api-server/app.ts', "import '../simulation/controls.js';", 'import-x/no-restricted-paths'],
    ['src/hcl/locate.ts', "import '../../experiments/payloads.js';", 'import-x/no-restricted-paths'],
    ['reports/compare.ts', "import '../experiments/runner/run-one.js';", 'import-x/no-restricted-paths'],
    ['src/pipeline/retry.ts', "import 'ioredis';", 'no-restricted-imports'],
    ['src/api-server/app.ts', "import '@aws-sdk/client-bedrock-runtime';", 'no-restricted-imports'],
    ['src/cli/program.ts', "import '../../reports/build-reports.js';", 'no-restricted-imports'],
    ['src/pipeline/errors.ts', "import './process-failure.js';", 'import-x/no-cycle'],
  ];

  it('fails the lint on a wrong import, rule by rule', { timeout: 120_000 }, async () => {
    const eslint = new ESLint({ cwd: ROOT });
    for (const [file, code, rule] of wrong) {
      const original = readFileSync(join(ROOT, file), 'utf8');
      const [result] = await eslint.lintText(`${code}\n${original}`, { filePath: join(ROOT, file) });
      const fired = (result?.messages ?? []).filter((m) => m.line === 1).map((m) => m.ruleId);
      expect(fired, `${file}: ${code}`).toContain(rule);
    }
  });
});
