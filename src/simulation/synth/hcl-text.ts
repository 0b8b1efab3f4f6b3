/** Writing HCL text by hand: string literals and the per-module expressions generated blocks refer to. */

/** An HCL quoted string literal; escapes quotes, backslashes, control characters and template sequences. */
export function hclString(value: string): string {
  const escaped = value
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t')
    .replaceAll('${', '$${')
    .replaceAll('%{', '%%{');
  return `"${escaped}"`;
}

/** `${expr}`, for use inside quoted strings and heredocs. */
export function interp(expression: string): string {
  return '${' + expression + '}';
}

/**
 * The expressions a block uses for shared values; they differ between the root module (locals, root variables)
 * and a team module (its input variables).
 */
export interface Scope {
  /** `root` or the team name. */
  unit: string;
  /** Name prefix expression, e.g. `local.name_prefix`. */
  prefix: string;
  tags: string;
  vpcId: string;
  vpcCidr: string;
  subnetIds: string;
  environment: string;
  ports: string;
  retention: string;
  /** Expression naming a DB subnet group, when the module has one. */
  dbSubnetGroup: string | undefined;
}

export function rootScope(dbSubnetGroup: string | undefined): Scope {
  return {
    unit: 'root',
    prefix: 'local.name_prefix',
    tags: 'local.common_tags',
    vpcId: 'local.vpc_id',
    vpcCidr: 'var.vpc_cidr',
    subnetIds: 'local.private_subnet_ids',
    environment: 'var.environment',
    ports: 'var.allowed_ports',
    retention: 'var.log_retention_days',
    dbSubnetGroup,
  };
}

export function moduleScope(team: string, dbSubnetGroup: string | undefined): Scope {
  return {
    unit: team,
    prefix: 'var.name_prefix',
    tags: 'local.team_tags',
    vpcId: 'var.vpc_id',
    vpcCidr: 'var.vpc_cidr',
    subnetIds: 'var.subnet_ids',
    environment: 'var.environment',
    ports: 'var.allowed_ports',
    retention: 'var.log_retention_days',
    dbSubnetGroup,
  };
}

const ATTRIBUTE = /^(\s*)([A-Za-z_][\w-]*)\s*=\s*(.*)$/;
/** Values that continue on the next lines; `terraform fmt` neither aligns them nor aligns across them. */
const OPENS_BLOCK = /([[{(]|<<-?\w+)\s*$/;

function singleLineAttribute(line: string): RegExpExecArray | null {
  const match = ATTRIBUTE.exec(line);
  return match === null || OPENS_BLOCK.test(match[3] ?? '') ? null : match;
}

/** Aligns the `=` of consecutive single-line attributes at the same indent, as `terraform fmt` does. */
export function alignEquals(lines: readonly string[]): string[] {
  const out = [...lines];
  let start = 0;
  while (start < out.length) {
    const head = singleLineAttribute(out[start] ?? '');
    let end = start + 1;
    if (head !== null) {
      while (end < out.length && singleLineAttribute(out[end] ?? '')?.[1] === head[1]) end++;
      const width = Math.max(...out.slice(start, end).map((line) => ATTRIBUTE.exec(line)?.[2]?.length ?? 0));
      for (let i = start; i < end; i++) {
        const match = ATTRIBUTE.exec(out[i] ?? '');
        if (match !== null) out[i] = `${match[1] ?? ''}${(match[2] ?? '').padEnd(width)} = ${match[3] ?? ''}`;
      }
    }
    start = end;
  }
  return out;
}
