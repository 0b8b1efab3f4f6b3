/**
 * Playbooks that set one argument of the target resource: RDS storage encryption and backup retention, EBS
 * encryption, CloudTrail log file validation, IAM role session length. `exact` sets the literal; `atLeast` /
 * `atMost` keep a stricter literal already there and wrap an expression in `max()` / `min()`.
 */
import type { FixContext } from './fix-context.js';
import { readLiteral, toHclLiteral } from './literal.js';
import { changed, compliant, type Playbook, type PlaybookResult, unsupported } from './playbook.js';

interface AttributeRule {
  name: string;
  types: readonly string[];
  /** required_state key, also the Terraform argument set. */
  key: string;
  mode: 'exact' | 'atLeast' | 'atMost';
  /** Type of the required value. */
  valueType: 'boolean' | 'number';
  breakingChanges?: string;
}

function applyRule(
  rule: AttributeRule,
  ctx: FixContext,
  state: Readonly<Record<string, unknown>>,
): PlaybookResult {
  const wanted = state[rule.key];
  if (typeof wanted !== rule.valueType) return unsupported(`${rule.key}: expected a ${rule.valueType}`);
  const literal = toHclLiteral(wanted);
  const existing = ctx.target.attribute(rule.key);
  const address = `${ctx.located.address}.${rule.key}`;
  if (existing !== undefined && rule.mode !== 'exact' && typeof wanted === 'number') {
    const current = readLiteral(existing.value);
    if (typeof current === 'number') {
      const ok = rule.mode === 'atLeast' ? current >= wanted : current <= wanted;
      if (ok) {
        ctx.notes.push(`${address} is already ${current}`);
        return compliant;
      }
    } else {
      const fn = rule.mode === 'atLeast' ? 'max' : 'min';
      ctx.target.replaceValue(existing, `${fn}(${existing.value}, ${literal})`);
      ctx.changed.push(rule.key);
      ctx.notes.push(`bounded ${address} with ${fn}(…, ${literal})`);
      return changed;
    }
  }
  if (!ctx.target.set(rule.key, literal)) {
    ctx.notes.push(`${address} is already ${literal}`);
    return compliant;
  }
  ctx.changed.push(rule.key);
  ctx.notes.push(`set ${address} = ${literal}`);
  return changed;
}

const RULES: readonly AttributeRule[] = [
  {
    name: 'rds-storage-encryption',
    types: ['aws_db_instance', 'aws_rds_cluster'],
    key: 'storage_encrypted',
    mode: 'exact',
    valueType: 'boolean',
    breakingChanges:
      'Turning on storage encryption replaces an existing database: plan a snapshot, restore and cut-over.',
  },
  {
    name: 'rds-backup-retention',
    types: ['aws_db_instance', 'aws_rds_cluster'],
    key: 'backup_retention_period',
    mode: 'atLeast',
    valueType: 'number',
  },
  {
    name: 'ebs-encryption',
    types: ['aws_ebs_volume'],
    key: 'encrypted',
    mode: 'exact',
    valueType: 'boolean',
    breakingChanges: 'Encrypting an existing volume replaces it: snapshot the data first.',
  },
  {
    name: 'cloudtrail-log-validation',
    types: ['aws_cloudtrail'],
    key: 'enable_log_file_validation',
    mode: 'exact',
    valueType: 'boolean',
  },
  {
    name: 'iam-max-session-duration',
    types: ['aws_iam_role'],
    key: 'max_session_duration',
    mode: 'atMost',
    valueType: 'number',
  },
];

export const ATTRIBUTE_PLAYBOOKS: readonly Playbook[] = RULES.map((rule) => ({
  name: rule.name,
  types: rule.types,
  keys: [rule.key],
  ...(rule.breakingChanges === undefined ? {} : { breakingChanges: rule.breakingChanges }),
  apply: (ctx, state) => applyRule(rule, ctx, state),
}));
