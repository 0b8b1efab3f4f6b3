/** Test helpers: parse synthetic files with hcl2json and apply the locate step's matching rules to the JSON. */
import { parse } from '@cdktf/hcl2json';
import type { RepoSize } from '../../../src/pipeline/failure.js';
import { syntheticRepository } from '../../../src/simulation/synth/repository.js';

export interface ParsedBlock {
  path: string;
  type: string;
  label: string;
  body: Record<string, unknown>;
}

type HclJson = Record<string, unknown>;

/** Every resource block of a parsed file (one entry per block, even with count/for_each). */
export function resourceBlocks(path: string, json: HclJson): ParsedBlock[] {
  const blocks: ParsedBlock[] = [];
  const resources = (json.resource ?? {}) as Record<string, Record<string, Record<string, unknown>[]>>;
  for (const [type, byLabel] of Object.entries(resources)) {
    for (const [label, bodies] of Object.entries(byLabel)) {
      for (const body of bodies) blocks.push({ path, type, label, body });
    }
  }
  return blocks;
}

/** The locate rule: label, or a literal bucket/name/identifier/arn, or a literal tags.Name equals the identity. */
export function matchesIdentity(block: ParsedBlock, identity: string): boolean {
  if (block.label === identity) return true;
  for (const key of ['bucket', 'name', 'identifier', 'arn']) {
    if (block.body[key] === identity) return true;
  }
  const tags = block.body.tags;
  return typeof tags === 'object' && tags !== null && (tags as Record<string, unknown>).Name === identity;
}

const parsed = new Map<RepoSize, Promise<Map<string, HclJson>>>();

/** Every file of a size parsed once per test file (hcl2json is a few ms per call). */
export function parsedRepository(size: RepoSize): Promise<Map<string, HclJson>> {
  let result = parsed.get(size);
  if (result === undefined) {
    result = (async () => {
      const out = new Map<string, HclJson>();
      for (const [path, text] of syntheticRepository(size).files) out.set(path, await parse(path, text));
      return out;
    })();
    parsed.set(size, result);
  }
  return result;
}

export async function allBlocks(size: RepoSize): Promise<ParsedBlock[]> {
  const files = await parsedRepository(size);
  return [...files].flatMap(([path, json]) => resourceBlocks(path, json));
}
