/**
 * Security group `ssh_cidr`: restricts the CIDRs of every ingress rule that admits TCP port 22, in plain
 * `ingress {}` blocks and in `dynamic "ingress"` content, leaving the other rules untouched. When a rule's
 * ports are expressions (a dynamic block over a variable), the edit is a conditional on those expressions,
 * so only the instances covering port 22 change. IPv6 ranges of such rules are emptied when the required
 * CIDRs are all IPv4, since they would otherwise keep SSH open.
 */
import type { BodyEditor } from './edits.js';
import { editorFor, type FixContext } from './fix-context.js';
import { readLiteral, sameLiteral, toHclLiteral } from './literal.js';

const SSH_PORT = 22;
const SIMPLE_EXPRESSION = /^[\w.[\]"*-]+$/;

const paren = (expression: string): string =>
  SIMPLE_EXPRESSION.test(expression) ? expression : `(${expression})`;

/** Rule bodies of the security group: each `ingress {}` and each `dynamic "ingress"`'s `content {}`. */
function ingressRules(ctx: FixContext): BodyEditor[] {
  const rules: BodyEditor[] = [];
  for (const item of ctx.target.items) {
    if (item.type !== 'block') continue;
    if (item.kind === 'ingress' && item.labels.length === 0) rules.push(editorFor(ctx, item));
    if (item.kind === 'dynamic' && item.labels[0] === 'ingress') {
      const [content] = editorFor(ctx, item).blocks('content');
      if (content !== undefined) rules.push(editorFor(ctx, content));
    }
  }
  return rules;
}

/** true / false when the rule's protocol and ports are literals, else the HCL condition to test at plan time. */
function coversSsh(rule: BodyEditor): boolean | string {
  const protocolSource = rule.attribute('protocol')?.value;
  const protocol = protocolSource === undefined ? undefined : readLiteral(protocolSource);
  const normalized = protocol === undefined ? undefined : String(protocol).toLowerCase();
  if (normalized === '-1' || normalized === 'all') return true;
  if (normalized !== undefined && normalized !== 'tcp' && normalized !== '6') return false;
  const from = rule.attribute('from_port')?.value;
  const to = rule.attribute('to_port')?.value;
  if (from === undefined || to === undefined) return false;
  const fromValue = readLiteral(from);
  const toValue = readLiteral(to);
  if (typeof fromValue === 'number' && typeof toValue === 'number')
    return fromValue <= SSH_PORT && SSH_PORT <= toValue;
  return `${paren(from)} <= ${SSH_PORT} && ${paren(to)} >= ${SSH_PORT}`;
}

/** Points every ingress rule admitting port 22 at `value` (a CIDR or a list of CIDRs). */
export function fixSshCidr(ctx: FixContext, value: unknown): void {
  const cidrs = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  if (cidrs.length === 0 || !cidrs.every((c): c is string => typeof c === 'string')) {
    ctx.notes.push(
      `ssh_cidr: expected a CIDR or a list of CIDRs, got ${JSON.stringify(value)}; left unchanged`,
    );
    return;
  }
  const literal = toHclLiteral(cidrs);
  const ipv4Only = cidrs.every((c) => !c.includes(':'));
  let rulesChanged = 0;
  for (const rule of ingressRules(ctx)) {
    const covers = coversSsh(rule);
    const cidrBlocks = rule.attribute('cidr_blocks');
    if (covers === false || cidrBlocks === undefined) continue;
    let changed = false;
    if (!sameLiteral(cidrBlocks.value, literal)) {
      const expression = covers === true ? literal : `${covers} ? ${literal} : ${cidrBlocks.value}`;
      rule.replaceValue(cidrBlocks, expression);
      changed = true;
    }
    const ipv6 = rule.attribute('ipv6_cidr_blocks');
    if (ipv4Only && ipv6 !== undefined && !sameLiteral(ipv6.value, '[]')) {
      rule.replaceValue(ipv6, covers === true ? '[]' : `${covers} ? [] : ${ipv6.value}`);
      changed = true;
    }
    if (changed) rulesChanged += 1;
  }
  const address = ctx.located.address;
  if (rulesChanged === 0) {
    ctx.notes.push(`${address}: no ingress rule admitting port 22 needed a change`);
    return;
  }
  ctx.changed.push('ssh_cidr');
  ctx.notes.push(
    `restricted ${rulesChanged} ingress rule(s) of ${address} admitting port 22 to ${cidrs.join(', ')}`,
  );
}
