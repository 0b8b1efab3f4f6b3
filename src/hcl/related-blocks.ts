/**
 * The blocks a resource block is related to, for a model prompt: what its text names (variables, locals, data
 * sources, module calls, other resources) and the resources that name it (companions such as an
 * `aws_s3_bucket_versioning`, so a fix does not declare a second one). One level deep, inside the module (folder)
 * that declares the target, and bounded in count and size: what a prompt carries never grows with the file or
 * the repository. The declarations of a module are indexed once per revision; a lookup is a regex pass over the
 * target block and a few map reads.
 */
import type { RelatedBlock } from '../pipeline/ports.js';
import { scanBlocksCached, scanBody } from './blocks.js';
import { LruCache } from './lru.js';

export interface RelatedLimits {
  /** Blocks returned at most (referenced ones first, in order of first mention; then referrers). */
  maxBlocks: number;
  /** Characters kept of one block; a longer one is cut and says so. */
  maxChars: number;
}

export const DEFAULT_RELATED_LIMITS: RelatedLimits = Object.freeze({ maxBlocks: 16, maxChars: 4_000 });

/** What one module declares, by reference address, and which of its resources name which resource. */
export interface ModuleDeclarations {
  byAddress: ReadonlyMap<string, { path: string; text: string }>;
  /** Resource address → addresses of the module's resources whose text names it, in file order. */
  referrers: ReadonlyMap<string, readonly string[]>;
}

/**
 * `var.x`, `local.x`, `module.x`, `data.type.name` and `type.name` (a resource type always has an underscore).
 * The lookbehind keeps attribute traversals (`data.aws_region.current.name`) from matching again mid-way.
 */
const REFERENCE =
  /(?<![\w.-])(?:(var|local|module)\.([A-Za-z_][\w-]*)|data\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)|([A-Za-z][A-Za-z0-9]*_[\w-]*)\.([A-Za-z_][\w-]*))/g;

/** Reference addresses in `text`, deduplicated, in order of first mention. */
export function referencesIn(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(REFERENCE)) {
    if (m[1] !== undefined) found.add(`${m[1]}.${m[2] ?? ''}`);
    else if (m[3] !== undefined) found.add(`data.${m[3]}.${m[4] ?? ''}`);
    else found.add(`${m[5] ?? ''}.${m[6] ?? ''}`);
  }
  return [...found];
}

const NOT_A_RESOURCE = /^(?:var|local|module|data)\./;

function moduleDirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '.' : path.slice(0, slash);
}

function isIgnored(path: string): boolean {
  return path.startsWith('.terraform/') || path.includes('/.terraform/');
}

/** Indexes the declarations of the module in `moduleDir` (its `.tf` files directly in that folder). */
export function indexModule(files: ReadonlyMap<string, string>, moduleDir: string): ModuleDeclarations {
  const byAddress = new Map<string, { path: string; text: string }>();
  const resources: { address: string; text: string }[] = [];
  const paths = [...files.keys()]
    .filter((p) => !isIgnored(p) && moduleDirOf(p) === moduleDir)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const path of paths) {
    const content = files.get(path) ?? '';
    for (const block of scanBlocksCached(content)) {
      const [first, second] = block.labels;
      let address: string | undefined;
      if (block.kind === 'variable' && first !== undefined) address = `var.${first}`;
      else if (block.kind === 'module' && first !== undefined) address = `module.${first}`;
      else if (block.kind === 'data' && first !== undefined && second !== undefined)
        address = `data.${first}.${second}`;
      else if (block.kind === 'resource' && first !== undefined && second !== undefined) {
        address = `${first}.${second}`;
        resources.push({ address, text: block.text });
      } else if (block.kind === 'locals') {
        for (const item of scanBody(content, block)) {
          if (item.type !== 'attribute') continue;
          const local = `local.${item.name}`;
          if (!byAddress.has(local)) byAddress.set(local, { path, text: `locals {\n  ${item.text}\n}` });
        }
      }
      // The first declaration wins; a duplicate is Terraform's error to report, not ours.
      if (address !== undefined && !byAddress.has(address))
        byAddress.set(address, { path, text: block.text });
    }
  }
  const referrers = new Map<string, string[]>();
  for (const resource of resources) {
    for (const ref of referencesIn(resource.text)) {
      if (ref === resource.address || NOT_A_RESOURCE.test(ref) || !byAddress.has(ref)) continue;
      const list = referrers.get(ref);
      if (list === undefined) referrers.set(ref, [resource.address]);
      else list.push(resource.address);
    }
  }
  return { byAddress, referrers };
}

function cut(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n# ... cut: ${text.length - maxChars} more characters`;
}

/** The target's module's related blocks, per the module comment; `address` is the target (`type.name`). */
export function relatedBlocksIn(
  declarations: ModuleDeclarations,
  address: string,
  blockText: string,
  limits: RelatedLimits = DEFAULT_RELATED_LIMITS,
): RelatedBlock[] {
  const out: RelatedBlock[] = [];
  const add = (ref: string, relation: RelatedBlock['relation']): void => {
    const found = declarations.byAddress.get(ref);
    if (found === undefined || out.length >= limits.maxBlocks) return;
    out.push({ address: ref, path: found.path, text: cut(found.text, limits.maxChars), relation });
  };
  for (const ref of referencesIn(blockText)) if (ref !== address) add(ref, 'referenced');
  const named = new Set(out.map((r) => r.address));
  for (const ref of declarations.referrers.get(address) ?? []) if (!named.has(ref)) add(ref, 'referrer');
  return out;
}

/** Finds related blocks per revision, indexing each module once (LRU over revision and module folder). */
export class RelatedBlockFinder {
  private readonly modules: LruCache<ModuleDeclarations>;

  constructor(private readonly options: { cacheEnabled: boolean; entries?: number; limits?: RelatedLimits }) {
    this.modules = new LruCache(options.entries ?? 256);
  }

  /** Related blocks of the resource `address` declared at `path` in the tree `files` (identified by `revision`). */
  find(
    tree: { revision: string; files: ReadonlyMap<string, string> },
    target: { path: string; address: string; text: string },
  ): RelatedBlock[] {
    const moduleDir = moduleDirOf(target.path);
    const key = `${tree.revision}\0${moduleDir}`;
    let declarations = this.options.cacheEnabled ? this.modules.get(key) : undefined;
    if (declarations === undefined) {
      declarations = indexModule(tree.files, moduleDir);
      if (this.options.cacheEnabled) this.modules.set(key, declarations);
    }
    return relatedBlocksIn(declarations, target.address, target.text, this.options.limits);
  }
}
