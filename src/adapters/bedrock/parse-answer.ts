/**
 * Finds the JSON object in a model's answer, which may be bare, fenced (```json ... ```), or wrapped in prose,
 * and checks it against the contract. Returns the problem in words the repair prompt can show the model.
 */
import type { z } from 'zod';
import { answerSchema, contractProblems, type ModelAnswer } from './answer-contract.js';

export type ParsedAnswer = { ok: true; answer: ModelAnswer } | { ok: false; problem: string };

const FENCE = /```[a-zA-Z]*[ \t]*\r?\n([\s\S]*?)\r?\n?```/g;

/** The first balanced `{...}` from `from`, skipping braces inside JSON strings; undefined if none closes. */
function balancedObject(text: string, from: number): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(from, i + 1);
  }
  return undefined;
}

/** Candidate JSON texts, most likely first: the whole answer, fenced blocks, then objects found in prose. */
function candidates(answer: string): string[] {
  const trimmed = answer.trim();
  const found = [trimmed];
  for (const m of trimmed.matchAll(FENCE)) if (m[1] !== undefined) found.push(m[1].trim());
  for (let i = trimmed.indexOf('{'); i !== -1 && found.length < 12; i = trimmed.indexOf('{', i + 1)) {
    const object = balancedObject(trimmed, i);
    if (object !== undefined) {
      found.push(object);
      i += object.length - 1;
    }
  }
  return found;
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 8)
    .map((i) => `${i.path.join('.') || '(answer)'}: ${i.message}`)
    .join('; ');
}

/** Parses and validates one answer against the contract for the target `targetAddress`. */
export function parseAnswer(answer: string, targetAddress: string): ParsedAnswer {
  let firstProblem: string | undefined;
  for (const candidate of candidates(answer)) {
    let json: unknown;
    try {
      json = JSON.parse(candidate);
    } catch {
      continue;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) continue;
    const result = answerSchema.safeParse(json);
    const problems = result.success ? contractProblems(result.data, targetAddress) : [describe(result.error)];
    if (result.success && problems.length === 0) return { ok: true, answer: result.data };
    firstProblem ??= problems.join('; ');
  }
  return {
    ok: false,
    problem:
      firstProblem ?? 'the answer holds no JSON object (expected one object, optionally in a ```json fence)',
  };
}
