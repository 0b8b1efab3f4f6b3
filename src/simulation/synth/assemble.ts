/**
 * Lays out a synthetic repository: fixed skeleton files, target blocks, then filler bundles drawn from a seeded
 * generator until the size's block goal is reached. Same size in, same files out, in every process.
 */
import type { RepoSize } from '../../pipeline/failure.js';
import type { BundleContext, Piece } from './bundle.js';
import { FILLER_WEIGHTS, WORDS } from './fillers.js';
import { moduleScope, rootScope, type Scope } from './hcl-text.js';
import { LAYOUTS } from './layout.js';
import { fnv1a, mulberry32, type Rng } from './prng.js';
import { renderTarget } from './render-targets.js';
import { moduleMainHeader, moduleOutputsTf, moduleVariablesTf } from './skeleton-module.js';
import {
  mainTf,
  networkTf,
  operatorAttachment,
  outputsTf,
  providersTf,
  rootDbSubnetGroup,
  variablesTf,
} from './skeleton-root.js';
import { planTargets, TARGET_KINDS, type TargetKind, type TargetPlan } from './targets.js';
import { VPC_MODULE_MAIN, VPC_MODULE_OUTPUTS, VPC_MODULE_VARIABLES } from './vpc-module.js';

const ROOT_HEADERS: Readonly<Record<string, string>> = {
  's3.tf': '# S3 buckets. Bucket names are global: new buckets take the project prefix.',
  'iam.tf': '# IAM roles and policies for workloads. Human access is managed in the identity account.',
  'security_groups.tf': '# Security groups. Prefer referencing other groups over CIDR ranges.',
  'rds.tf': '# Relational databases.',
  'lambda.tf': '# Lambda functions. Artifacts are built by CI into build/ before plan.',
  'cloudwatch.tf': '# Log groups and alarms.',
  'sqs.tf': '# SQS queues; every work queue has a dead-letter queue.',
  'sns.tf': '# Alerting topics.',
  'kms.tf': '/* Customer-managed keys. Rotation is mandatory (security baseline v3). */',
  'dynamodb.tf': '# DynamoDB tables (single-table design, on-demand capacity).',
  'ecr.tf': '# Container registries.',
  'secrets.tf': '// Secrets Manager entries; values are never stored in Terraform.',
};

interface Draft {
  header: string;
  blocks: string[];
}

const RESOURCE_LINE = /^\s*resource\s+"/gm;

/** Number of `resource` blocks in HCL text (every generated block starts on its own line). */
export function countResourceBlocks(text: string): number {
  return text.match(RESOURCE_LINE)?.length ?? 0;
}

class RepoDraft {
  private readonly drafts = new Map<string, Draft>();
  private readonly labels = new Map<string, Set<string>>();

  file(path: string, header = ROOT_HEADERS[path] ?? ''): Draft {
    let draft = this.drafts.get(path);
    if (draft === undefined) {
      draft = { header, blocks: [] };
      this.drafts.set(path, draft);
    }
    return draft;
  }

  /** Claims `base` (or `base_2`, `base_3`, ...) for every listed type in a module. */
  label(unit: string, types: readonly string[], base: string): string {
    let taken = this.labels.get(unit);
    if (taken === undefined) {
      taken = new Set();
      this.labels.set(unit, taken);
    }
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : `${base}_${n}`;
      if (types.every((type) => !taken.has(`${type}.${candidate}`))) {
        for (const type of types) taken.add(`${type}.${candidate}`);
        return candidate;
      }
    }
  }

  blockCount(): number {
    let count = 0;
    for (const draft of this.drafts.values())
      count += draft.blocks.reduce((n, b) => n + countResourceBlocks(b), 0);
    return count;
  }

  files(): Map<string, string> {
    const entries = [...this.drafts.entries()].map(([path, d]): [string, string] => {
      const parts = [d.header, ...d.blocks].map((part) => part.trim()).filter((part) => part.length > 0);
      return [path, `${parts.join('\n\n')}\n`];
    });
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return new Map(entries);
  }
}

function moduleFile(team: string, name: string): string {
  return `modules/${team}/${name}`;
}

function pickBundle(rng: Rng): (typeof FILLER_WEIGHTS)[number][0] {
  const total = FILLER_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = rng.next() * total;
  for (const [bundle, weight] of FILLER_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return bundle;
  }
  const last = FILLER_WEIGHTS.at(-1);
  if (last === undefined) throw new RangeError('empty filler catalogue');
  return last[0];
}

/** Generates every file of a size, sorted by path. */
export function generateFiles(size: RepoSize): Map<string, string> {
  const layout = LAYOUTS[size];
  const rng = mulberry32(fnv1a(`synthetic-repo:${size}`));
  const repo = new RepoDraft();
  const targets = planTargets(size);

  // Target labels first, so fillers can never take them.
  for (const target of targets) repo.label(target.unit, [target.tfType], target.label);

  const scopes = new Map<string, Scope>();
  scopes.set('root', rootScope(layout.vpcModule ? 'aws_db_subnet_group.main.name' : undefined));
  for (const team of layout.teams) {
    scopes.set(team, moduleScope(team, layout.vpcModule ? 'aws_db_subnet_group.this.name' : undefined));
  }
  const scopeOf = (unit: string): Scope => scopes.get(unit) ?? rootScope(undefined);

  repo.file('providers.tf', providersTf(size));
  repo.file('variables.tf', variablesTf());
  repo.file('main.tf', mainTf(size));
  const network = repo.file('network.tf', layout.vpcModule ? networkTf(size) : '');
  if (!layout.vpcModule) {
    network.blocks.push(networkTf(size));
    repo.label('root', ['aws_vpc'], 'main');
    repo.label('root', ['aws_subnet'], 'private');
  } else {
    repo.file('rds.tf').blocks.push(rootDbSubnetGroup());
    repo.label('root', ['aws_db_subnet_group'], 'main');
    repo.file(moduleFile('vpc', 'main.tf'), '').blocks.push(VPC_MODULE_MAIN);
    repo.file(moduleFile('vpc', 'variables.tf'), VPC_MODULE_VARIABLES);
    repo.file(moduleFile('vpc', 'outputs.tf'), VPC_MODULE_OUTPUTS);
  }
  for (const team of layout.teams) {
    repo.file(moduleFile(team, 'main.tf'), moduleMainHeader(team, layout.vpcModule));
    repo.file(moduleFile(team, 'variables.tf'), moduleVariablesTf(team));
    if (layout.vpcModule) repo.label(team, ['aws_db_subnet_group'], 'this');
  }
  const operator = targets.find((t) => t.kind === 'iam' && t.unit === 'root');
  if (operator !== undefined) {
    repo.file('iam.tf').blocks.push(operatorAttachment(operator.label));
    repo.label('root', ['aws_iam_role_policy_attachment'], `${operator.label}_managed`);
  }

  const goal = layout.goal - targets.length;
  const fillerTarget = goal - repo.blockCount();
  let added = 0;
  while (added < fillerTarget) {
    const unit = rng.next() < layout.rootShare ? 'root' : rng.pick(layout.teams);
    const ctx: BundleContext = {
      scope: scopeOf(unit),
      rng,
      label: (types, base) => repo.label(unit, types, base),
    };
    const pieces: Piece[] = pickBundle(rng)(ctx, rng.pick(WORDS));
    for (const piece of pieces) {
      repo.file(unit === 'root' ? piece.file : moduleFile(unit, 'main.tf')).blocks.push(piece.text);
    }
    added += pieces.length;
  }

  placeTargets(repo, targets, scopeOf, rng);

  const labelsByUnit = new Map<string, Map<TargetKind, string[]>>();
  for (const target of targets) {
    const byKind = labelsByUnit.get(target.unit) ?? new Map(TARGET_KINDS.map((k) => [k, [] as string[]]));
    byKind.get(target.kind)?.push(target.label);
    labelsByUnit.set(target.unit, byKind);
  }
  const teamOutputs = new Map<string, readonly string[]>();
  for (const team of layout.teams) {
    const { text, outputs } = moduleOutputsTf(labelsByUnit.get(team) ?? new Map());
    repo.file(moduleFile(team, 'outputs.tf'), text);
    teamOutputs.set(team, outputs);
  }
  repo.file('outputs.tf', outputsTf(size, teamOutputs));
  return repo.files();
}

/** Targets go to deterministic random positions among their file's blocks, not all at the top. */
function placeTargets(
  repo: RepoDraft,
  targets: readonly TargetPlan[],
  scopeOf: (unit: string) => Scope,
  rng: Rng,
): void {
  for (const target of targets) {
    const blocks = repo.file(target.path).blocks;
    blocks.splice(rng.int(blocks.length + 1), 0, renderTarget(target, scopeOf(target.unit)));
  }
}
