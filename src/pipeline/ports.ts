/**
 * Ports: the small interfaces the pipeline core needs from the outside world. Named for what the core
 * needs, not for the vendor; no type here mentions an SDK. Adapters (real or simulated) implement them.
 *
 * Every call that may reach a network service takes a CallContext so that decorators (fault injection,
 * logging) can key their behaviour on the failure's identity and the attempt number, never on a shared counter.
 */
import type { Failure, RepoSize } from './failure.js';

export interface CallContext {
  /** Failure key (sha256 hex); stable across retries and processes. */
  readonly key: string;
  /** 1-based attempt number within the retry policy. */
  readonly attempt: number;
  /** Aborted when the pipeline gives up (shutdown, deadline). */
  readonly signal?: AbortSignal;
}

/** Vanta, seen from the pipeline: confirm a pushed failure is still current. Polling lives in the service. */
export interface FailureSource {
  /** Returns whether the test still fails for the resource. Not part of the contract: how the source is paged or authenticated. */
  confirm(failure: Failure, ctx: CallContext): Promise<{ stillFailing: boolean }>;
}

export interface RepoRef {
  owner: string;
  name: string;
  /** Branch PRs are opened against; the repository's default branch. */
  baseBranch: string;
}

/** GITHUB_REPO_MAPPING, seen from the pipeline. Pure lookup, no I/O. */
export interface RepoResolver {
  resolve(failure: Failure): RepoRef | undefined;
}

/**
 * The files of one checked-out revision. The pipeline reads and edits through this port only, so mock mode
 * can keep the tree in memory while the git adapter keeps it on disk.
 * Left out on purpose: arbitrary paths outside the Terraform root, binary files, git history.
 */
export interface Workspace {
  readonly repo: RepoRef;
  /** Commit (or synthetic revision id) the workspace was checked out at. */
  readonly revision: string;
  /** `.tf` files under the Terraform root (relative POSIX paths, `.terraform/` excluded), with their contents. */
  terraformFiles(): Promise<ReadonlyMap<string, string>>;
  /** Replaces one file's content in the workspace (not pushed anywhere). */
  writeFile(path: string, content: string): Promise<void>;
  /** Releases whatever the workspace holds (temp dir, memory). Idempotent. */
  dispose(): Promise<void>;
}

export interface CheckoutRequest {
  repo: RepoRef;
  /** Size hint used by synthetic checkouts; real git ignores it. */
  sizeHint: RepoSize;
  failure: Failure;
}

export interface RepoCheckout {
  checkout(request: CheckoutRequest, ctx: CallContext): Promise<Workspace>;
}

export interface FixRequest {
  failure: Failure;
  /** Path of the file that declares the resource. */
  path: string;
  /** Whole content of that file. */
  content: string;
  /** Terraform address of the resource, e.g. `aws_s3_bucket.logs`. */
  address: string;
  /** The resource block's source text. */
  block: string;
  /**
   * Blocks the target refers to, and resources that refer to it, one level deep and bounded (the analyzer
   * caps their number and size). What a model prompt carries besides the target; never the whole file.
   */
  related?: readonly RelatedBlock[] | undefined;
}

/** A block related to the fix target, in the module that declares the target. */
export interface RelatedBlock {
  /** How a reference names it: `var.x`, `local.x`, `data.type.name`, `module.x` or `type.name`. */
  address: string;
  /** File that declares it. */
  path: string;
  /** Its source text (a `locals` entry is shown alone, inside `locals { }`); long blocks are cut. */
  text: string;
  /** `referenced`: the target names it; `referrer`: a resource that names the target (e.g. its versioning). */
  relation: 'referenced' | 'referrer';
}

export type Confidence = 'high' | 'medium' | 'low';

export interface FixProposal {
  /** Complete updated content of `path`. */
  fixedContent: string;
  explanation: string;
  changedAttributes: string[];
  reasoning: string;
  confidence: Confidence;
  breakingChanges: string;
  additionalRequirements: string;
  usage: { inputTokens: number; outputTokens: number };
  /** Model that wrote the fix, when one did (the configured id or inference profile). */
  model?: string;
  /** What `usage` cost in USD by the configured price table; absent when the model has no price. */
  costUsd?: number;
  /** The structured edit behind `fixedContent`, so guardrails can check it without diffing the file. */
  edits?: FixEdits;
  /** Who wrote the fix: a deterministic playbook or the model. Absent means the model. */
  source?: FixSource;
  /** The playbook(s) that wrote it (`s3-versioning`, or several joined with `+`) when `source` is `playbook`. */
  playbook?: string;
}

export type FixSource = 'playbook' | 'model';

/** A fix as block edits: the target block's replacement and blocks appended to the same file. */
export interface FixEdits {
  /** Address of the replaced block (the request's `address`). */
  target: string;
  /** New text of the target block. */
  replacement: string;
  /** New top-level blocks, appended to the file in this order; each is meant to reference the target. */
  added: string[];
}

/** Tokens one model call used, and their price; reported per call, including calls whose answer was rejected. */
export interface ModelUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** Undefined when the price table has no entry for the model. */
  costUsd: number | undefined;
}

/** Bedrock (Claude), seen from the pipeline. Model output is validated by the adapter before it gets here. */
export interface FixGenerator {
  generate(request: FixRequest, ctx: CallContext): Promise<FixProposal>;
}

export interface PullRequestDraft {
  repo: RepoRef;
  /** Derived from the failure key, so a retry or a second replica finds the same branch. */
  branch: string;
  title: string;
  body: string;
  commitMessage: string;
  changes: { path: string; content: string }[];
  labels: string[];
}

export interface PublishedPullRequest {
  url: string;
  number: number;
  /** True when an open PR for the branch already existed and was reused (idempotent publish). */
  reused: boolean;
}

/** GitHub, seen from the pipeline. Must be idempotent per branch: look for an open PR before creating one. */
export interface PullRequestPublisher {
  publish(draft: PullRequestDraft, ctx: CallContext): Promise<PublishedPullRequest>;
}
