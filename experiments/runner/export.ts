/**
 * `terrafix experiments export`: everything needed to run an experiment's load with plain k6, without the
 * runner — the bundled script, one spec per run (with the profile's thresholds, so `k6 run` exits 99 when an SLO
 * fails, and stopWhen as abort-on-fail thresholds), the commands (including the mock-server reset the runner
 * does before each run) and a k6-operator `TestRun` manifest with a ConfigMap for distributed runs.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { defaultK6Script } from '../engine/k6-engine.js';
import { GOMEMLIMIT_SHELL, K6_GOGC } from '../engine/k6-gc.js';
import { toK6Spec } from '../engine/k6-spec-file.js';
import { type ExperimentProfile, loadDuration, type RunProfile, scaleRun } from '../profiles/schema.js';
import { baselineConfig, engineSpecOf } from './run-one.js';

export interface ExportOptions {
  profile: ExperimentProfile;
  output: string;
  /** Target base URL written into the specs. */
  host: string;
  seed: number;
  durationScale: number;
  maxRequests: number;
  /** k6-operator runners the TestRun splits the load over. */
  parallelism: number;
  /** Path of the bundled script (default: this checkout's). */
  scriptPath?: string;
}

export interface ExportedRun {
  run: string;
  dir: string;
  files: string[];
}

/** A shell word, single-quoted. */
const sh = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** Kubernetes object names: lower-case alphanumerics and '-', at most 63 characters. */
export function k8sName(...parts: string[]): string {
  return parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** The mock-server reset the runner does before a run, as curl commands (plain k6 does not do it). */
export function resetCommands(run: RunProfile, seed: number): string[] {
  const configure = JSON.stringify(baselineConfig(run, seed));
  return [
    '# 1. Reset the mock server the way the runner does before this run: configuration, then counters and state.',
    `curl -fsS -X POST -H 'content-type: application/json' --data ${sh(configure)} "$TERRAFIX_HOST/configure"`,
    `curl -fsS -X POST -H 'content-type: application/json' --data '{"clear_state":true}' "$TERRAFIX_HOST/stats/reset"`,
  ];
}

/** The fault phases as timed commands (the runner applies them at `at` seconds after the load starts). */
function phaseCommands(run: RunProfile): string[] {
  if (run.phases.length === 0) return [];
  return [
    '# Fault phases: the runner applies these at the given second of the load; with plain k6 run them yourself.',
    ...run.phases.map(
      (p) =>
        `# at ${p.at} s: curl -fsS -X POST -H 'content-type: application/json' --data ${sh(JSON.stringify(p.mock))} "$TERRAFIX_HOST/configure"`,
    ),
  ];
}

/** The k6-operator manifest: a ConfigMap holding script and spec, and a TestRun with `parallelism` runners. */
export function testRunManifest(name: string, script: string, specJson: string, parallelism: number): string {
  const indent = (text: string): string =>
    text
      .split('\n')
      .map((l) => (l === '' ? '' : `    ${l}`))
      .join('\n');
  return [
    '# k6-operator (https://github.com/grafana/k6-operator): kubectl apply -f testrun.yaml',
    '# Each of the `parallelism` runners runs its execution segment (1/N of the rate or VUs) and writes its own',
    '# NDJSON; collect them and merge with `terrafix report --merge <files> --profile profile.json --run <run>`.',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${name}`,
    'data:',
    '  terrafix.js: |',
    indent(script),
    '  spec.json: |',
    indent(specJson),
    '---',
    'apiVersion: k6.io/v1alpha1',
    'kind: TestRun',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  parallelism: ${parallelism}`,
    '  script:',
    '    configMap:',
    `      name: ${name}`,
    '      file: terrafix.js',
    '  arguments: --no-usage-report --out json=/tmp/k6.ndjson -e TERRAFIX_SPEC=/test/spec.json',
    '  runner:',
    `    # The runner's Go GC setting for k6 (fewer collections, more memory: docs/benchmarks.md). Give the pods a`,
    '    # memory limit and set GOMEMLIMIT a little below it, as the runner does with a quarter of the machine.',
    '    env:',
    '      - name: GOGC',
    `        value: "${K6_GOGC}"`,
    '',
  ].join('\n');
}

/** Writes the export folder; returns what it wrote per run. */
export async function exportExperiment(options: ExportOptions): Promise<ExportedRun[]> {
  const script = options.scriptPath ?? defaultK6Script();
  if (script === undefined) {
    throw new TerraFixError('TFX_CONFIG', 'k6 script bundle not found: run `npm run build:k6`', {
      category: 'config',
      field: 'scriptPath',
    });
  }
  const { readFile } = await import('node:fs/promises');
  const scriptText = await readFile(script, 'utf8');
  await mkdir(options.output, { recursive: true });
  await copyFile(script, join(options.output, 'terrafix.js'));
  // The profile as exported (durations scaled): `terrafix report --merge --profile` judges the runners' outputs by it.
  const scaled = {
    ...options.profile,
    runs: options.profile.runs.map((r) => scaleRun(r, options.durationScale)),
  };
  await writeFile(join(options.output, 'profile.json'), `${JSON.stringify(scaled, null, 2)}\n`);
  const exported: ExportedRun[] = [];
  for (const run of scaled.runs) {
    const dir = join(options.output, run.name);
    await mkdir(dir, { recursive: true });
    const spec = engineSpecOf(run, { seed: options.seed, maxRequests: options.maxRequests }, options.host);
    // failed_at is fixed at export time; runnerStops stays off, so k6 applies stopWhen on its own.
    const specJson = `${JSON.stringify(toK6Spec(spec, new Date()), null, 2)}\n`;
    await writeFile(join(dir, 'spec.json'), specJson);
    const commands = [
      '#!/bin/sh',
      `# ${options.profile.name}/${run.name}: ${run.description}`,
      `# Planned load: ${loadDuration(run.load)} s; thresholds and stopWhen are judged by k6 (exit 99 when one fails).`,
      'set -eu',
      `TERRAFIX_HOST=\${TERRAFIX_HOST:-${options.host}}`,
      'cd "$(dirname "$0")"',
      ...resetCommands(run, options.seed),
      ...(run.warmupSeconds > 0
        ? [
            `# The runner also sends ${run.warmupSeconds} s of unrecorded warm-up load first; plain k6 does not.`,
          ]
        : []),
      ...phaseCommands(run),
      '# 2. The load (k6 v0.47 or later; set TERRAFIX_WEBHOOK_SECRET in the environment to sign requests), with the',
      "#    runner's Go GC settings for k6 unless you set GOGC or GOMEMLIMIT yourself (docs/benchmarks.md).",
      'if [ -z "${GOGC:-}${GOMEMLIMIT:-}" ] && [ -r /proc/meminfo ]; then',
      `  GOGC=${K6_GOGC} GOMEMLIMIT="$(${GOMEMLIMIT_SHELL})"`,
      '  export GOGC GOMEMLIMIT',
      'fi',
      'k6 run --no-usage-report --out json=k6.ndjson -e TERRAFIX_SPEC="$PWD/spec.json" ../terrafix.js',
      '',
    ];
    await writeFile(join(dir, 'run.sh'), commands.join('\n'), { mode: 0o755 });
    const name = k8sName('terrafix', options.profile.name, run.name);
    await writeFile(
      join(dir, 'testrun.yaml'),
      testRunManifest(name, scriptText, specJson, options.parallelism),
    );
    exported.push({ run: run.name, dir, files: ['spec.json', 'run.sh', 'testrun.yaml'] });
  }
  return exported;
}
