/** The GitHub adapter: PullRequestPublisher over Octokit with the throttling and retry plugins. */
export { GitHubPublisher, type GitHubPublisherEvents, type GitHubPublisherOptions } from './publisher.js';
export type { RateLimitEvent } from './client.js';
