/** The git adapter: RepoCheckout with an on-disk clone cache and per-failure workspaces. */
export { GitRepoCheckout, type GitCheckoutOptions } from './checkout.js';
export { DiskWorkspace } from './disk-workspace.js';
export type { RepoCacheEvent } from './repo-cache.js';
