/**
 * `terrafix analyze`: locate a failure's resource in a local Terraform root, write its fix with a generator that
 * needs no network (the deterministic fixer today, playbooks once they land) and validate it, as the pipeline
 * would, without a clone, a model call or a pull request. terraform validate runs only against an offline provider
 * mirror (TERRAFIX_TERRAFORM_PLUGIN_DIR): `terraform init` would otherwise download providers.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { listTerraformFiles } from '../adapters/git/disk-workspace.js';
import type { TerraformSettings } from '../config/api-server.js';
import { createHclAnalyzer } from '../hcl/analyzer.js';
import { createHclParser } from '../hcl/parser.js';
import { findTerraform } from '../hcl/terraform.js';
import { TerraformGate } from '../hcl/terraform-gate.js';
import type { FixCheck } from '../pipeline/analyzer.js';
import { unifiedDiff } from '../pipeline/diff.js';
import { TerraFixError } from '../pipeline/errors.js';
import { type Failure, failureKey } from '../pipeline/failure.js';
import type { FixGenerator, FixProposal } from '../pipeline/ports.js';

export interface LocalAnalysis {
  key: string;
  path: string;
  address: string;
  /** Addresses of the related blocks a model prompt would carry. */
  related: string[];
  fix: FixProposal;
  check: FixCheck;
  diff: string;
  /** Why terraform validate did or did not run. */
  terraform: string;
}

/** Whether terraform can validate offline: a provider mirror is configured. */
function offlineTerraform(settings: TerraformSettings): TerraformSettings {
  const mirror = settings.env.TF_CLI_ARGS_init?.includes('-plugin-dir=') === true;
  return mirror ? settings : { ...settings, mode: 'off' };
}

/** The `.tf` files under `root` (the Terraform root), read into memory. */
async function readRoot(root: string): Promise<Map<string, string>> {
  const isDir = await stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) {
    throw new TerraFixError('TFX_CONFIG', `--repo ${root} is not a directory`, {
      category: 'config',
      field: '--repo',
    });
  }
  const files = new Map<string, string>();
  for (const rel of await listTerraformFiles(root)) files.set(rel, await readFile(join(root, rel), 'utf8'));
  if (files.size === 0) {
    throw new TerraFixError('TFX_CONFIG', `--repo ${root} holds no .tf files`, {
      category: 'config',
      field: '--repo',
    });
  }
  return files;
}

/** Locates, fixes and validates `failure` in the Terraform root `root`. Throws a TerraFixError when a step fails. */
export async function analyzeLocal(input: {
  root: string;
  failure: Failure;
  generator: FixGenerator;
  terraform: TerraformSettings;
}): Promise<LocalAnalysis> {
  const files = await readRoot(input.root);
  const settings = offlineTerraform(input.terraform);
  const parser = createHclParser({ workers: 1, cacheEnabled: true, cacheEntries: 10_000 });
  const gate = new TerraformGate(
    settings.mode,
    settings.mode === 'off' ? undefined : findTerraform(settings.path, { env: settings.env }),
    1,
  );
  try {
    const analyzer = createHclAnalyzer({ parser, terraform: gate });
    const tree = { revision: `local:${input.root}:${Date.now()}`, files };
    const key = failureKey(input.failure);
    const target = await analyzer.locate(tree, input.failure);
    const content = files.get(target.path) ?? '';
    const fix = await input.generator.generate(
      {
        failure: input.failure,
        path: target.path,
        content,
        address: target.address,
        block: target.block,
        related: target.related,
      },
      { key, attempt: 1 },
    );
    const check = await analyzer.validate(tree, target, fix.fixedContent);
    const terraform =
      settings.mode === 'off' && input.terraform.mode !== 'off'
        ? 'terraform validate skipped: no offline provider mirror (TERRAFIX_TERRAFORM_PLUGIN_DIR); analyze makes no network calls'
        : gate.skippedReason();
    return {
      key,
      path: target.path,
      address: target.address,
      related: (target.related ?? []).map((r) => r.address),
      fix,
      check,
      diff: unifiedDiff(target.path, content, fix.fixedContent),
      terraform,
    };
  } finally {
    await parser.close();
  }
}
