/**
 * The environment every git process runs with. The token travels as an `http.<remote>/.extraHeader` set through
 * GIT_CONFIG_COUNT/KEY/VALUE: command-scoped config, so it is never in a URL, an argument, `.git/config` or a
 * credential store. `Authorization: Basic base64(x-access-token:TOKEN)` is what GitHub's git endpoint accepts
 * (a Bearer header is refused for git over HTTPS); scoping the header to the remote's URL keeps it from other hosts.
 * Nothing is inherited from the parent environment: no user or system git config, no askpass, no prompt.
 */
export interface GitEnvOptions {
  token: string;
  /** Base URL of the git remotes, e.g. `https://github.com`. */
  gitUrl: string;
  /** HOME for git (an empty directory the adapter owns). */
  home: string;
  /** PATH searched for git. */
  path: string | undefined;
}

/** Value of the Authorization header git sends. */
export function basicAuthorization(token: string): string {
  return `Basic ${Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64')}`;
}

/** The `http.<url>.extraHeader` key: git matches it against the remote URL (scheme, host, port, path prefix). */
export function extraHeaderKey(gitUrl: string): string {
  return `http.${gitUrl.replace(/\/+$/, '')}/.extraHeader`;
}

export function gitEnvironment(options: GitEnvOptions): Record<string, string> {
  const protocols = new URL(options.gitUrl).protocol === 'http:' ? 'http:https' : 'https';
  return {
    PATH: options.path ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: options.home,
    // Stable English messages: the error translation reads them.
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    // Empty, not unset: git then skips core.askPass and SSH_ASKPASS too, and fails instead of asking.
    GIT_ASKPASS: '',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    // Only the remote's own transport: no ext::, file:: or ssh from a crafted submodule or redirect.
    GIT_ALLOW_PROTOCOL: protocols,
    GIT_LFS_SKIP_SMUDGE: '1',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: extraHeaderKey(options.gitUrl),
    GIT_CONFIG_VALUE_0: `Authorization: ${basicAuthorization(options.token)}`,
  };
}

/** The guarded (GIT_*) variables of gitEnvironment, which simple-git only passes on when named. */
export const GIT_ENV_ALLOWED: readonly string[] = [
  'GIT_TERMINAL_PROMPT',
  'GIT_ASKPASS',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_CONFIG_GLOBAL',
  'GIT_ALLOW_PROTOCOL',
  'GIT_LFS_SKIP_SMUDGE',
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_KEY_0',
  'GIT_CONFIG_VALUE_0',
];
