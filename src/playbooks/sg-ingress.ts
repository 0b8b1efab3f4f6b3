/**
 * Security group playbooks over the group's inline rules (`ingress {}` blocks and `dynamic "ingress"` content):
 * - `sg-ssh-cidr` (`ssh_cidr`): points every rule admitting TCP 22 at the required CIDRs;
 * - `sg-public-ingress` (`public_ingress_denied_ports`, `public_cidrs`): removes the public ranges from every
 *   rule admitting one of the denied ports (SSH 22, RDP 3389).
 * When a rule's ports are expressions (a dynamic block over a variable), the edit is a conditional on those
 * expressions, so only the instances covering the port change. Rules kept as separate resources
 * (`aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`) are not handled here: the model gets them.
 */
import type { BodyEditor } from './edits.js';
import { editorFor, type FixContext } from './fix-context.js';
import { readLiteral, sameLiteral, toHclLiteral } from './literal.js';
import { changed, compliant, type Playbook, type PlaybookResult, unsupported } from './playbook.js';

const SIMPLE_EXPRESSION = /^[\w.[\]"*-]+$/;
const SECURITY_GROUP = ['aws_security_group'];

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
function covers(rule: BodyEditor, port: number): boolean | string {
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
    return fromValue <= port && port <= toValue;
  return `${paren(from)} <= ${port} && ${paren(to)} >= ${port}`;
}

/** Whether any of `ports` is covered: true, false, or the disjunction of the conditions. */
function coversAny(rule: BodyEditor, ports: readonly number[]): boolean | string {
  const conditions: string[] = [];
  for (const port of ports) {
    const c = covers(rule, port);
    if (c === true) return true;
    if (typeof c === 'string') conditions.push(c);
  }
  if (conditions.length === 0) return false;
  return conditions.length === 1 ? (conditions[0] ?? false) : conditions.map((c) => `(${c})`).join(' || ');
}

/** A literal list of strings (`["a", "b"]`), else undefined. */
function readStringList(source: string): string[] | undefined {
  const text = source.trim();
  if (!text.startsWith('[') || !text.endsWith(']')) return undefined;
  const inner = text.slice(1, -1).trim().replace(/,$/, '');
  if (inner === '') return [];
  const items = inner.split(',').map((s) => readLiteral(s));
  return items.every((i): i is string => typeof i === 'string') ? items : undefined;
}

function sshCidr(ctx: FixContext, state: Readonly<Record<string, unknown>>): PlaybookResult {
  const value = state['ssh_cidr'];
  const cidrs = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  if (cidrs.length === 0 || !cidrs.every((c): c is string => typeof c === 'string')) {
    return unsupported(`ssh_cidr: expected a CIDR or a list of CIDRs, got ${JSON.stringify(value)}`);
  }
  const literal = toHclLiteral(cidrs);
  const ipv4Only = cidrs.every((c) => !c.includes(':'));
  let rulesChanged = 0;
  for (const rule of ingressRules(ctx)) {
    const cover = covers(rule, 22);
    const cidrBlocks = rule.attribute('cidr_blocks');
    if (cover === false || cidrBlocks === undefined) continue;
    let edited = false;
    if (!sameLiteral(cidrBlocks.value, literal)) {
      rule.replaceValue(cidrBlocks, cover === true ? literal : `${cover} ? ${literal} : ${cidrBlocks.value}`);
      edited = true;
    }
    const ipv6 = rule.attribute('ipv6_cidr_blocks');
    if (ipv4Only && ipv6 !== undefined && !sameLiteral(ipv6.value, '[]')) {
      rule.replaceValue(ipv6, cover === true ? '[]' : `${cover} ? [] : ${ipv6.value}`);
      edited = true;
    }
    if (edited) rulesChanged += 1;
  }
  const address = ctx.located.address;
  if (rulesChanged === 0) {
    ctx.notes.push(`${address}: no ingress rule admitting port 22 needed a change`);
    return compliant;
  }
  ctx.changed.push('ssh_cidr');
  ctx.notes.push(
    `restricted ${rulesChanged} ingress rule(s) of ${address} admitting port 22 to ${cidrs.join(', ')}`,
  );
  return changed;
}

const DEFAULT_PUBLIC = ['0.0.0.0/0', '::/0'];

function publicIngress(ctx: FixContext, state: Readonly<Record<string, unknown>>): PlaybookResult {
  const ports = state['public_ingress_denied_ports'] ?? [22];
  const publicCidrs = state['public_cidrs'] ?? DEFAULT_PUBLIC;
  if (!Array.isArray(ports) || ports.length === 0 || !ports.every((p): p is number => Number.isInteger(p))) {
    return unsupported('public_ingress_denied_ports: expected a list of port numbers');
  }
  if (!Array.isArray(publicCidrs) || !publicCidrs.every((c): c is string => typeof c === 'string')) {
    return unsupported('public_cidrs: expected a list of CIDRs');
  }
  const denied = new Set(publicCidrs);
  let rulesChanged = 0;
  for (const rule of ingressRules(ctx)) {
    const cover = coversAny(rule, ports);
    if (cover === false) continue;
    let edited = false;
    for (const name of ['cidr_blocks', 'ipv6_cidr_blocks']) {
      const attribute = rule.attribute(name);
      if (attribute === undefined) continue;
      const list = readStringList(attribute.value);
      if (list === undefined) {
        return unsupported(`${name} of an ingress rule on ports ${ports.join(', ')} is not a literal list`);
      }
      const kept = list.filter((c) => !denied.has(c));
      if (kept.length === list.length) continue;
      const literal = toHclLiteral(kept);
      rule.replaceValue(attribute, cover === true ? literal : `${cover} ? ${literal} : ${attribute.value}`);
      edited = true;
    }
    if (edited) rulesChanged += 1;
  }
  const address = ctx.located.address;
  if (rulesChanged === 0) {
    return unsupported(
      `${address} has no inline ingress rule open to ${publicCidrs.join(', ')} on ${ports.join(', ')}`,
    );
  }
  ctx.changed.push('public_ingress_denied_ports');
  ctx.notes.push(
    `removed ${publicCidrs.join(', ')} from ${rulesChanged} ingress rule(s) of ${address} admitting port(s) ${ports.join(', ')}`,
  );
  return changed;
}

export const SECURITY_GROUP_PLAYBOOKS: readonly Playbook[] = [
  { name: 'sg-ssh-cidr', types: SECURITY_GROUP, keys: ['ssh_cidr'], apply: sshCidr },
  {
    name: 'sg-public-ingress',
    types: SECURITY_GROUP,
    keys: ['public_ingress_denied_ports', 'public_cidrs'],
    breakingChanges:
      'Clients that reached these ports from the internet lose access; use a VPN or a bastion.',
    apply: publicIngress,
  },
];
