/**
 * Chooses and runs the playbooks for one failure. A failure goes to the playbooks only when every key of its
 * `required_state` is owned by a playbook for the target's type; one unsupported shape hands the whole failure
 * to the model (a half-playbook, half-model fix would be reviewed as neither).
 */
import type { LocatedResource } from '../hcl/locate.js';
import { ATTRIBUTE_PLAYBOOKS } from './attribute-playbooks.js';
import { createFixContext, renderFix } from './fix-context.js';
import type { Playbook } from './playbook.js';
import { S3_PLAYBOOKS } from './s3-playbooks.js';
import { SECURITY_GROUP_PLAYBOOKS } from './sg-ingress.js';

/** Every built-in playbook, in the order they run when several apply to one failure. */
export const PLAYBOOKS: readonly Playbook[] = [
  ...S3_PLAYBOOKS,
  ...SECURITY_GROUP_PLAYBOOKS,
  ...ATTRIBUTE_PLAYBOOKS,
];

export type PlaybookRun =
  /** No playbook covers the failure (or one met a shape it does not handle): the model's turn. */
  | { kind: 'model'; reason: string }
  /** The Terraform already says what the control requires: nothing to change. */
  | { kind: 'compliant'; playbooks: string[]; explanation: string }
  | {
      kind: 'changed';
      playbooks: string[];
      content: string;
      changedAttributes: string[];
      explanation: string;
      breakingChanges: string[];
    };

/** The playbooks that together own every key of `state` for `tfType`, or the keys none owns. */
export function choosePlaybooks(
  tfType: string,
  state: Readonly<Record<string, unknown>>,
  playbooks: readonly Playbook[] = PLAYBOOKS,
): { chosen: Playbook[] } | { uncovered: string[] } {
  const keys = Object.keys(state);
  const chosen = playbooks.filter((p) => p.types.includes(tfType) && p.keys.some((k) => keys.includes(k)));
  const uncovered = keys.filter((k) => !chosen.some((p) => p.keys.includes(k)));
  return keys.length === 0 || uncovered.length > 0 ? { uncovered } : { chosen };
}

/** Runs the playbooks that cover `state` on the resource at `located` in `content` (the file that declares it). */
export function runPlaybooks(
  content: string,
  located: LocatedResource,
  state: Readonly<Record<string, unknown>>,
  playbooks: readonly Playbook[] = PLAYBOOKS,
): PlaybookRun {
  const choice = choosePlaybooks(located.tfType, state, playbooks);
  if ('uncovered' in choice) {
    const what = choice.uncovered.length === 0 ? 'an empty required_state' : choice.uncovered.join(', ');
    return { kind: 'model', reason: `no playbook for ${located.tfType} covers ${what}` };
  }
  const ctx = createFixContext(content, located);
  const names = choice.chosen.map((p) => p.name);
  let anyChanged = false;
  for (const playbook of choice.chosen) {
    const result = playbook.apply(ctx, state);
    if (result.kind === 'unsupported') return { kind: 'model', reason: `${playbook.name}: ${result.reason}` };
    anyChanged ||= result.kind === 'changed';
  }
  const summary = ctx.notes.join('; ');
  if (!anyChanged)
    return {
      kind: 'compliant',
      playbooks: names,
      explanation: `No change to ${located.address}: ${summary}.`,
    };
  return {
    kind: 'changed',
    playbooks: names,
    content: renderFix(ctx),
    changedAttributes: [...new Set(ctx.changed)],
    explanation: `${located.address} in ${located.path}: ${summary}.`,
    breakingChanges: choice.chosen.flatMap((p) =>
      p.breakingChanges === undefined ? [] : [p.breakingChanges],
    ),
  };
}
