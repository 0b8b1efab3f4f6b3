/**
 * Decides whether fixes get `terraform validate`, and keeps that affordable under load.
 * Modes: `off` (HCL-level checks only), `required` (fail closed when terraform is missing or cannot initialise),
 * `auto` (use terraform when it is on PATH and can initialise the AWS provider here; otherwise say so once and
 * validate at HCL level, marking every fix "terraform unavailable"). Runs are limited to `concurrency` at once.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraFixError } from '../pipeline/errors.js';
import type { TerraformRunner } from './terraform.js';

export type TerraformMode = 'auto' | 'off' | 'required';

export type TerraformAvailability =
  | { state: 'off' }
  | { state: 'missing' }
  | { state: 'probing'; binary: string }
  | { state: 'ready'; binary: string }
  | { state: 'unusable'; binary: string; reason: string };

const PROBE_MODULE = `terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}
`;

export class TerraformGate {
  private availability: TerraformAvailability;
  private probe: Promise<void> | undefined;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly mode: TerraformMode,
    private readonly runner: TerraformRunner | undefined,
    private readonly concurrency = 2,
  ) {
    this.availability =
      mode === 'off'
        ? { state: 'off' }
        : runner === undefined
          ? { state: 'missing' }
          : { state: 'probing', binary: runner.binary };
  }

  status(): TerraformAvailability {
    return this.availability;
  }

  /**
   * The runner to validate with, or undefined for HCL-level validation. Throws (config, permanent) in `required`
   * mode when terraform cannot be used. The first call probes `terraform init` once.
   */
  async acquire(): Promise<TerraformRunner | undefined> {
    if (
      this.runner === undefined ||
      this.availability.state === 'off' ||
      this.availability.state === 'missing'
    ) {
      if (this.mode === 'required') throw this.unavailable('no terraform binary on PATH');
      return undefined;
    }
    this.probe ??= this.runProbe(this.runner);
    await this.probe;
    const state = this.availability;
    if (state.state === 'unusable') {
      if (this.mode === 'required') throw this.unavailable(state.reason);
      return undefined;
    }
    return this.limited(this.runner);
  }

  /** Describes, for PR bodies and results, why terraform did not run. */
  skippedReason(): string {
    const s = this.availability;
    switch (s.state) {
      case 'off':
        return 'terraform validate off (TERRAFIX_TERRAFORM_VALIDATE=off)';
      case 'missing':
        return 'terraform validate skipped: no terraform binary on PATH';
      case 'unusable':
        return `terraform validate unavailable: ${s.reason}`;
      case 'probing':
      case 'ready':
        return 'terraform validate ran';
    }
  }

  private unavailable(reason: string): TerraFixError {
    return new TerraFixError('TFX_CONFIG', `terraform validation is required but unavailable: ${reason}`, {
      category: 'permanent',
      field: 'TERRAFIX_TERRAFORM_VALIDATE',
    });
  }

  private async runProbe(runner: TerraformRunner): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'terrafix-tf-probe-'));
    try {
      await writeFile(join(dir, 'main.tf'), PROBE_MODULE, 'utf8');
      const check = await runner.validate(dir);
      this.availability = check.ok
        ? { state: 'ready', binary: runner.binary }
        : { state: 'unusable', binary: runner.binary, reason: `${check.stage} failed: ${check.reason}` };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The same runner, at most `concurrency` validations at once (each spawns terraform twice). */
  private limited(runner: TerraformRunner): TerraformRunner {
    return {
      binary: runner.binary,
      validate: async (dir) => {
        if (this.running >= this.concurrency)
          await new Promise<void>((resolve) => this.waiting.push(resolve));
        else this.running++;
        try {
          return await runner.validate(dir);
        } finally {
          // Hand the slot straight to the next waiter: freeing it first would let a new caller take it before
          // the woken waiter runs, and both would run.
          const next = this.waiting.shift();
          if (next === undefined) this.running--;
          else next();
        }
      },
    };
  }
}
