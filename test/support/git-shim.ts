/**
 * A `git` on PATH that records each invocation's argv (and whether GIT_CONFIG_COUNT was set, never its values)
 * to a log file, then runs the real git. Tests put its directory first on the adapter's PATH to see every git
 * process the adapter spawns.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GitShim {
  /** PATH value with the shim first. */
  path: string;
  log: string;
  /** Raw log text (for grepping). */
  text(): string;
  /** argv of each invocation, in order. */
  invocations(): { args: string[]; configCount: string }[];
  /** Invocations whose subcommand (first non-option argument) is `name`. */
  count(name: string): number;
}

export function createGitShim(): GitShim {
  const dir = mkdtempSync(join(tmpdir(), 'git-shim-'));
  const log = join(dir, 'argv.log');
  writeFileSync(log, '');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const script = [
    '#!/bin/sh',
    '{',
    `  printf -- '--- GIT_CONFIG_COUNT=%s\\n' "\${GIT_CONFIG_COUNT:-unset}"`,
    `  for a in "$@"; do printf 'arg:%s\\n' "$a"; done`,
    `} >> '${log}'`,
    `exec '${realGit}' "$@"`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'git'), script);
  chmodSync(join(dir, 'git'), 0o755);
  const text = (): string => readFileSync(log, 'utf8');
  const invocations = (): { args: string[]; configCount: string }[] => {
    const out: { args: string[]; configCount: string }[] = [];
    for (const line of text().split('\n')) {
      if (line.startsWith('--- GIT_CONFIG_COUNT=')) out.push({ args: [], configCount: line.slice(21) });
      else if (line.startsWith('arg:')) out.at(-1)?.args.push(line.slice(4));
    }
    return out;
  };
  return {
    path: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    log,
    text,
    invocations,
    count: (name) => invocations().filter((i) => i.args.find((a) => !a.startsWith('-')) === name).length,
  };
}
