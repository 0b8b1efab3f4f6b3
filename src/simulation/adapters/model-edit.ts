/**
 * What the simulated model answers when no playbook covers a failure: each `required_state` key set as
 * `key = <literal>` on the resource (in place if present, else as a new line; a map value inside a single
 * nested block of that name). Plausible model output, not a playbook: nothing checks that the provider has
 * such an argument, which is what the guardrails and terraform validate are for.
 */
import type { LocatedResource } from '../../hcl/locate.js';
import type { Failure } from '../../pipeline/failure.js';
import type { BodyEditor } from '../../playbooks/edits.js';
import { createFixContext, editorFor, type FixContext, renderFix } from '../../playbooks/fix-context.js';
import { toHclLiteral } from '../../playbooks/literal.js';

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

/** Applies `failure.required_state` to the resource at `located` in `content` as attribute edits. */
export function applyRequiredState(content: string, located: LocatedResource, failure: Failure): AppliedFix {
  const ctx = createFixContext(content, located);
  for (const [key, value] of Object.entries(failure.required_state)) {
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
