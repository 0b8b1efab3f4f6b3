/**
 * The deterministic fixer: applies a failure's `required_state` to the located resource as a minimal textual
 * edit (what the simulated model returns in mock mode). Known shapes get provider-v5-correct edits:
 * S3 public access flags and versioning (companion resources), security group `ssh_cidr` (ingress rules).
 * Any other key is set as `key = <literal>` on the resource, in place if present, else as a new line.
 */
import type { Failure } from '../../pipeline/failure.js';
import type { BodyEditor } from './edits.js';
import { createFixContext, editorFor, type FixContext, renderFix } from './fix-context.js';
import { fixPublicAccessBlock, fixVersioning, PUBLIC_ACCESS_KEYS } from './fix-s3.js';
import { fixSshCidr } from './fix-ssh.js';
import { toHclLiteral } from './literal.js';
import type { LocatedResource } from '../../hcl/locate.js';

export interface AppliedFix {
  /** The whole file with the fix applied (equal to the input when nothing needed changing). */
  content: string;
  /** required_state keys that led to an edit. */
  changedAttributes: string[];
  explanation: string;
}

const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Sets `key` on `editor`'s block; a map value is set inside a single nested block of that name if there is one. */
function setGeneric(ctx: FixContext, editor: BodyEditor, key: string, value: unknown, path: string): boolean {
  const nested = editor.blocks(key);
  const [only] = nested;
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    nested.length === 1 &&
    only !== undefined
  ) {
    const inner = editorFor(ctx, only);
    let changed = false;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      changed = setGeneric(ctx, inner, k, v, `${path}.${k}`) || changed;
    }
    return changed;
  }
  if (!ATTRIBUTE_NAME.test(key)) {
    ctx.notes.push(`${path}: not a valid attribute name, left unchanged`);
    return false;
  }
  const literal = toHclLiteral(value);
  const changed = editor.set(key, literal);
  ctx.notes.push(changed ? `set ${path} = ${literal}` : `${path} already ${literal}`);
  return changed;
}

/** Applies `failure.required_state` to the resource at `located` in `content` (the file that declares it). */
export function applyRequiredState(content: string, located: LocatedResource, failure: Failure): AppliedFix {
  const ctx = createFixContext(content, located);
  const remaining = new Map(Object.entries(failure.required_state));
  if (located.tfType === 'aws_s3_bucket') {
    const flags = PUBLIC_ACCESS_KEYS.filter((k) => remaining.has(k));
    if (flags.length > 0) {
      fixPublicAccessBlock(ctx, Object.fromEntries(flags.map((k) => [k, remaining.get(k)])));
      for (const k of flags) remaining.delete(k);
    }
    if (remaining.has('versioning')) {
      fixVersioning(ctx, remaining.get('versioning'));
      remaining.delete('versioning');
    }
  }
  if (located.tfType === 'aws_security_group' && remaining.has('ssh_cidr')) {
    fixSshCidr(ctx, remaining.get('ssh_cidr'));
    remaining.delete('ssh_cidr');
  }
  for (const [key, value] of remaining) {
    if (setGeneric(ctx, ctx.target, key, value, `${located.address}.${key}`)) ctx.changed.push(key);
  }
  const fixed = renderFix(ctx);
  const summary = ctx.notes.length > 0 ? ctx.notes.join('; ') : 'required_state is empty';
  const explanation =
    fixed === content
      ? `No change to ${located.address}: ${summary}.`
      : `${located.address} in ${located.path}: ${summary}.`;
  return { content: fixed, changedAttributes: [...new Set(ctx.changed)], explanation };
}
