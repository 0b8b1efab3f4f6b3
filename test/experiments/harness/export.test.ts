/** `experiments export` and `experiments list`: what a user needs to run an experiment with plain k6. */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSpec } from '../../../experiments/k6/spec.js';
import { buildOptions } from '../../../experiments/k6/options.js';
import { loadProfile, loadProfileFile } from '../../../experiments/profiles/load.js';
import { exportExperiment, k8sName } from '../../../experiments/runner/export.js';
import {
  describeProfiles,
  exportExperimentCommand,
  listedProfiles,
} from '../../../src/cli/lab/experiments-export.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'terrafix-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('experiments export', () => {
  it('writes script, spec with the profile SLOs, the commands with the mock reset, and a k6-operator TestRun', async () => {
    const output = join(dir, 'throughput');
    const runs = await exportExperiment({
      profile: loadProfile('throughput'),
      output,
      host: 'http://127.0.0.1:8081',
      seed: 4,
      durationScale: 0.5,
      maxRequests: 1000,
      parallelism: 3,
    });
    expect(runs.map((r) => r.run)).toContain('throughput_knee');
    await expect(stat(join(output, 'terrafix.js'))).resolves.toBeDefined();
    const knee = join(output, 'throughput_knee');
    const spec = parseSpec(await readFile(join(knee, 'spec.json'), 'utf8'));
    expect(spec.runnerStops).toBeUndefined();
    // stopWhen becomes abort-on-fail thresholds: k6 run on its own stops the knee search itself.
    expect(JSON.stringify(buildOptions(spec).thresholds)).toMatch(/abortOnFail/);
    // The profile's SLOs reach k6, so a direct run exits 99 when one fails.
    const baseline = buildOptions(
      parseSpec(await readFile(join(output, 'throughput_baseline', 'spec.json'), 'utf8')),
    );
    expect(baseline.thresholds['http_req_duration{scenario:load}']).toContain('p(95)<2000');
    expect(baseline.thresholds['http_req_failed{scenario:load}']).toContain('rate<0.01');
    const script = await readFile(join(knee, 'run.sh'), 'utf8');
    expect(script).toMatch(/\/configure/);
    expect(script).toMatch(/\/stats\/reset"/);
    expect(script).toMatch(/"clear_state":true/);
    expect(script).toMatch(
      /k6 run --no-usage-report --out json=k6\.ndjson -e TERRAFIX_SPEC="\$PWD\/spec\.json" \.\.\/terrafix\.js/,
    );
    // The runner's Go GC settings for k6, unless the user has their own.
    expect(script).toContain('if [ -z "${GOGC:-}${GOMEMLIMIT:-}" ]');
    expect(script).toMatch(/^ {2}GOGC=400 GOMEMLIMIT="\$\(awk /m);
    const manifest = await readFile(join(knee, 'testrun.yaml'), 'utf8');
    expect(manifest).toMatch(/^kind: ConfigMap$/m);
    expect(manifest).toMatch(/^ {2}terrafix\.js: \|$/m);
    expect(manifest).toMatch(/^ {2}spec\.json: \|$/m);
    expect(manifest).toMatch(/^apiVersion: k6\.io\/v1alpha1\nkind: TestRun$/m);
    expect(manifest).toMatch(/^ {2}parallelism: 3$/m);
    expect(manifest).toMatch(/^ {4}env:\n {6}- name: GOGC\n {8}value: "400"$/m);
    expect(manifest).toContain(`name: ${k8sName('terrafix', 'throughput', 'throughput_knee')}`);
    // The exported profile is the scaled one the merge judges by.
    const exported = loadProfileFile(join(output, 'profile.json'));
    expect(exported.runs[0]!.load).toMatchObject({ duration: 30 });
  });

  it('names Kubernetes objects validly', () => {
    expect(k8sName('terrafix', 'my_exp', 'Run_1')).toBe('terrafix-my-exp-run-1');
    expect(k8sName('x'.repeat(80)).length).toBeLessThanOrEqual(63);
  });
});

describe('experiments list and --profile files', () => {
  it("lists the shipped experiments and a profile file of one's own, with their runs", async () => {
    const file = join(dir, 'mine.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'mine',
        description: 'my own',
        runs: [
          {
            name: 'only',
            description: 'one run',
            load: { executor: 'constant-vus', vus: 1, duration: 5 },
            warmupSeconds: 2,
          },
        ],
      }),
    );
    const text = describeProfiles(listedProfiles([file]));
    expect(text).toMatch(/^throughput: /m);
    expect(text).toMatch(/^ {2}throughput_knee +ramping-arrival-rate \d+ s, warm-up 5 s$/m);
    expect(text).toMatch(/^ {2}scalability_small_cold +constant-vus \d+ s$/m);
    expect(text).toMatch(/^mine: my own\n {2}only +constant-vus 5 s, warm-up 2 s$/m);
  });

  it('validates a profile file like the shipped ones, naming the field', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'bad',
        description: 'x',
        runs: [{ name: 'r', description: 'y', load: { executor: 'constant-vus', vus: 0, duration: 5 } }],
      }),
    );
    expect(() => loadProfileFile(file)).toThrow(/runs\.0\.load\.vus/);
    expect(() => loadProfileFile(join(dir, 'missing.json'))).toThrow(/cannot read profile/);
  });

  it('refuses more requests per run than payload ids cover, naming the flag', async () => {
    const options = {
      experiment: 'smoke',
      output: join(dir, 'too-many'),
      host: 'http://127.0.0.1:8081',
      seed: '1',
      durationScale: '1',
      parallelism: '1',
    };
    await expect(exportExperimentCommand({ ...options, maxRequests: '100000001' })).rejects.toThrow(
      /--max-requests: at most 100000000/,
    );
    await expect(stat(join(dir, 'too-many'))).rejects.toThrow(/ENOENT/);
  });
});
