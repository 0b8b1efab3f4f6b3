// TerraformGate: whether fixes get `terraform validate`, probed once, at most N runs at once.
import { delimiter } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SimulatedComposition } from '../../src/composition/simulated.js';
import { failureSchema } from '../../src/pipeline/failure.js';
import { findTerraform, type TerraformCheck, type TerraformRunner } from '../../src/hcl/terraform.js';
import { TerraformGate } from '../../src/hcl/terraform-gate.js';
import { syntheticRepository } from '../../src/simulation/synth/repository.js';
import { makeFailure } from '../../src/simulation/synth/templates.js';
import { testPipeline } from '../support/simulated-pipeline.js';
import { fakeTerraform, removeTempDirs, RESOLVER } from './fake-terraform.js';
import { rejection } from '../support/rejection.js';

afterAll(removeTempDirs);

/** Resolves once `condition` holds, checking every millisecond (fails the test after a second). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(condition()).toBe(true);
}

/** The fake terraform of `behaviour` as a runner (run with this process's environment, whose PATH has ls and grep). */
async function fakeRunner(
  behaviour: Parameters<typeof fakeTerraform>[0],
): Promise<{ runner: TerraformRunner; calls: () => Promise<string[]> }> {
  const fake = await fakeTerraform(behaviour);
  const runner = findTerraform(fake.dir);
  if (runner === undefined) throw new Error('fake terraform not found');
  return { runner, calls: () => fake.calls() };
}

describe('TerraformGate', () => {
  it('off: never validates with terraform and says why', async () => {
    const gate = new TerraformGate('off', undefined);
    await expect(gate.acquire()).resolves.toBeUndefined();
    expect(gate.status()).toEqual({ state: 'off' });
    expect(gate.skippedReason()).toContain('TERRAFIX_TERRAFORM_VALIDATE=off');
  });

  it('off: ignores a runner it is given', async () => {
    const { runner, calls } = await fakeRunner('validate-json');
    const gate = new TerraformGate('off', runner);
    await expect(gate.acquire()).resolves.toBeUndefined();
    expect(await calls()).toEqual([]);
  });

  it('auto without a binary: HCL-level only, reported as missing', async () => {
    const gate = new TerraformGate('auto', undefined);
    await expect(gate.acquire()).resolves.toBeUndefined();
    expect(gate.status()).toEqual({ state: 'missing' });
    expect(gate.skippedReason()).toBe('terraform validate skipped: no terraform binary on PATH');
  });

  it('required without a binary: fails closed with TFX_CONFIG', async () => {
    const error = await rejection(new TerraformGate('required', undefined).acquire());
    expect(error).toMatchObject({ code: 'TFX_CONFIG', field: 'TERRAFIX_TERRAFORM_VALIDATE' });
    expect(error.message).toContain('no terraform binary on PATH');
  });

  it('auto with a working terraform: probes once, then hands out the runner', async () => {
    const { runner, calls } = await fakeRunner('validate-json');
    const gate = new TerraformGate('auto', runner);
    expect(gate.status()).toEqual({ state: 'probing', binary: runner.binary });
    // Concurrent first callers share the one probe.
    const [first, second] = await Promise.all([gate.acquire(), gate.acquire()]);
    expect(gate.status()).toEqual({ state: 'ready', binary: runner.binary });
    expect(first?.binary).toBe(runner.binary);
    expect(second?.binary).toBe(runner.binary);
    const probe = await calls();
    expect(probe).toHaveLength(2); // init + validate, once
    expect(probe[0]).toMatch(/terrafix-tf-probe-\S* init -backend=false .*main\.tf/);
    await gate.acquire();
    expect(await calls()).toHaveLength(2);
    expect(gate.skippedReason()).toBe('terraform validate ran');
  });

  it('auto when init fails: unusable, HCL-level only, and the reason is kept', async () => {
    const { runner, calls } = await fakeRunner('init-fails');
    const gate = new TerraformGate('auto', runner);
    await expect(gate.acquire()).resolves.toBeUndefined();
    expect(gate.status()).toMatchObject({ state: 'unusable', binary: runner.binary });
    expect(gate.skippedReason()).toMatch(
      /^terraform validate unavailable: init failed: .*Failed to query available provider packages/,
    );
    await expect(gate.acquire()).resolves.toBeUndefined();
    expect(await calls()).toHaveLength(1); // the failed probe is not repeated
  });

  it('required when init fails: throws with the reason', async () => {
    const { runner } = await fakeRunner('init-fails');
    const error = await rejection(new TerraformGate('required', runner).acquire());
    expect(error).toMatchObject({ code: 'TFX_CONFIG', category: 'permanent' });
    expect(error.message).toContain('init failed');
  });

  it('runs at most `concurrency` validations at once, and every waiter gets its turn', async () => {
    let running = 0;
    let peak = 0;
    let done = 0;
    const counting: TerraformRunner = {
      binary: '/fake/terraform',
      async validate(): Promise<TerraformCheck> {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        done++;
        return { ok: true, warnings: 0 };
      },
    };
    const gate = new TerraformGate('auto', counting, 2);
    const limited = await gate.acquire(); // the probe ran alone
    if (limited === undefined) throw new Error('gate not ready');
    peak = 0;
    done = 0;
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => limited.validate(`/dir/${i}`)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(done).toBe(9);
    expect(peak).toBe(2);
    expect(running).toBe(0);
  });

  it('hands a freed slot to the waiter, not to a caller arriving in between', async () => {
    let running = 0;
    let peak = 0;
    const finish: (() => void)[] = [];
    const manual: TerraformRunner = {
      binary: '/fake/terraform',
      validate() {
        running++;
        peak = Math.max(peak, running);
        return new Promise((resolve) =>
          finish.push(() => {
            running--;
            resolve({ ok: true, warnings: 0 });
          }),
        );
      },
    };
    const gate = new TerraformGate('auto', manual, 1);
    const acquired = gate.acquire();
    await until(() => finish.length === 1);
    finish.shift()?.(); // the probe
    const limited = await acquired;
    if (limited === undefined) throw new Error('gate not ready');
    peak = 0;
    const first = limited.validate('/a');
    const waiter = limited.validate('/b');
    await until(() => finish.length === 1);
    // A finishes; in the same turn, before the woken waiter runs, a third caller arrives.
    let third: Promise<TerraformCheck> | undefined;
    finish.shift()?.();
    void Promise.resolve().then(() => {
      third = limited.validate('/c');
    });
    await until(() => third !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(peak).toBe(1);
    expect(finish).toHaveLength(1);
    finish.shift()?.();
    await until(() => finish.length === 1);
    finish.shift()?.();
    await Promise.all([first, waiter, third]);
    expect(peak).toBe(1);
    expect(running).toBe(0);
  });

  it('frees its slot when a validation throws', async () => {
    let calls = 0;
    const flaky: TerraformRunner = {
      binary: '/fake/terraform',
      validate() {
        calls++;
        return calls === 2
          ? Promise.reject(new Error('spawn failed'))
          : Promise.resolve({ ok: true, warnings: 0 });
      },
    };
    const limited = await new TerraformGate('auto', flaky, 1).acquire();
    await expect(limited?.validate('/a')).rejects.toThrow('spawn failed');
    await expect(limited?.validate('/b')).resolves.toEqual({ ok: true, warnings: 0 });
  });
});

describe('terraform validate in the mock pipeline', () => {
  const open: SimulatedComposition[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((m) => m.close()));
  });

  const target = syntheticRepository('small').targets.find((t) => t.cfnType === 'AWS::IAM::Role');
  if (target === undefined) throw new Error('no IAM role target in the small repository');
  const failure = failureSchema.parse(
    makeFailure({
      template: 'iam-session-duration',
      target,
      uniqueId: 'gate0001',
      size: 'small',
      failedAt: '2026-01-01T00:00:00Z',
    }),
  );

  async function pipelineWith(behaviour: Parameters<typeof fakeTerraform>[0]): Promise<SimulatedComposition> {
    const fake = await fakeTerraform(behaviour);
    const mock = testPipeline(
      {},
      { TERRAFIX_TERRAFORM_VALIDATE: 'auto', PATH: [fake.dir, '/usr/bin', '/bin'].join(delimiter) },
    );
    open.push(mock);
    return mock;
  }

  it('reports a terraform pass in the validation summary', async () => {
    const mock = await pipelineWith('validate-json');
    const result = await mock.pipeline.process(failure);
    expect(result.outcome).toMatchObject({
      kind: 'completed',
      validation: expect.stringMatching(/^HCL checks passed \(\d+\); terraform validate passed$/) as unknown,
    });
  });

  it('still completes at HCL level when terraform cannot initialise, and says so', async () => {
    const mock = await pipelineWith('init-fails');
    const result = await mock.pipeline.process(failure);
    expect(result.outcome).toMatchObject({
      kind: 'completed',
      validation: expect.stringContaining('terraform validate unavailable: init failed') as unknown,
    });
    // Summarised: terraform's error line, not the raw output that names the host's resolver.
    const text = JSON.stringify(result.outcome);
    expect(text).toContain('Failed to query available provider packages');
    expect(text).not.toContain(RESOLVER);
    expect(text).not.toContain('registry.terraform.io');
    expect(mock.terraform.status().state).toBe('unusable');
  });
});
