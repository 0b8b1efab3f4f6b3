/**
 * The REST subset a pull-request bot uses, with GitHub's status codes and error bodies (protocols.md §3.2):
 * repos.get, git refs/commits/trees/blobs, pulls list/create/get/update, repository labels and issue labels.
 * Routing happens on the DECODED path: Octokit sends `heads%2Fmain` for a ref parameter.
 */
import type { BareRepo, TreeEntryInput } from './bare-repo.js';
import type { FakeGitHubState, FakeLabel, FakePull, FakeRepo } from './state.js';

export interface ApiReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ApiRequest {
  method: string;
  /** Decoded path. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** Public base URL of the fake, for html_url fields. */
  baseUrl: string;
  /** The caller's token may write. */
  canWrite: boolean;
}

const DOCS = 'https://docs.github.com/rest';

export function errorReply(status: number, message: string, errors?: unknown[]): ApiReply {
  const body: Record<string, unknown> = { message, documentation_url: DOCS, status: String(status) };
  if (errors !== undefined) body.errors = errors;
  return { status, body };
}

const notFound = (): ApiReply => errorReply(404, 'Not Found');
const invalid = (errors: unknown[]): ApiReply => errorReply(422, 'Validation Failed', errors);

type Handler = (req: ApiRequest, repo: FakeRepo, params: string[]) => Promise<ApiReply> | ApiReply;

interface Route {
  method: string;
  pattern: RegExp;
  write: boolean;
  handler: Handler;
}

function obj(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function repoJson(req: ApiRequest, repo: FakeRepo, defaultBranch: string, canWrite: boolean): unknown {
  return {
    id: repo.id,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: repo.private,
    owner: { login: repo.owner, type: 'Organization' },
    html_url: `${req.baseUrl}/${repo.owner}/${repo.name}`,
    clone_url: `${req.baseUrl}/${repo.owner}/${repo.name}.git`,
    default_branch: defaultBranch,
    permissions: { admin: false, maintain: false, push: canWrite, triage: canWrite, pull: true },
  };
}

function labelJson(label: FakeLabel): unknown {
  return {
    id: label.id,
    name: label.name,
    color: label.color,
    description: label.description,
    default: false,
  };
}

function pullJson(req: ApiRequest, repo: FakeRepo, pull: FakePull, baseSha: string | undefined): unknown {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: repo.id * 100_000 + pull.number,
    number: pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    draft: pull.draft,
    merged: pull.merged,
    merged_at: pull.merged ? pull.closedAt : null,
    closed_at: pull.closedAt,
    created_at: pull.createdAt,
    html_url: `${req.baseUrl}/${full}/pull/${pull.number}`,
    url: `${req.baseUrl}/repos/${full}/pulls/${pull.number}`,
    head: {
      ref: pull.head,
      sha: pull.headSha,
      label: `${repo.owner}:${pull.head}`,
      repo: { full_name: full },
    },
    base: {
      ref: pull.base,
      sha: baseSha ?? null,
      label: `${repo.owner}:${pull.base}`,
      repo: { full_name: full },
    },
    labels: pull.labels.map((name) => {
      const label = repo.labels.get(name.toLowerCase());
      return label === undefined ? { name } : labelJson(label);
    }),
    user: { login: 'terrafix-bot' },
  };
}

async function refJson(req: ApiRequest, repo: FakeRepo, ref: string): Promise<ApiReply> {
  const sha = await repo.bare.resolveRef(ref);
  if (sha === undefined) return notFound();
  return {
    status: 200,
    body: {
      ref,
      node_id: ref,
      url: `${req.baseUrl}/repos/${repo.owner}/${repo.name}/git/${ref}`,
      object: {
        type: 'commit',
        sha,
        url: `${req.baseUrl}/repos/${repo.owner}/${repo.name}/git/commits/${sha}`,
      },
    },
  };
}

async function commitJson(req: ApiRequest, bare: BareRepo, repo: FakeRepo, sha: string): Promise<unknown> {
  const info = await bare.commitInfo(sha);
  const api = `${req.baseUrl}/repos/${repo.owner}/${repo.name}/git`;
  return {
    sha,
    url: `${api}/commits/${sha}`,
    message: info.message,
    tree: { sha: info.tree, url: `${api}/trees/${info.tree}` },
    parents: info.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}` })),
    author: info.author,
    committer: info.author,
  };
}

const VALID_MODES = new Set(['100644', '100755', '040000', '160000', '120000']);

const routes: Route[] = [
  {
    method: 'GET',
    pattern: /^$/,
    write: false,
    handler: async (req, repo) => repoResponse(req, repo),
  },
  {
    method: 'GET',
    pattern: /^\/git\/ref\/(.+)$/,
    write: false,
    handler: (req, repo, [ref = '']) => refJson(req, repo, `refs/${ref}`),
  },
  {
    method: 'POST',
    pattern: /^\/git\/refs$/,
    write: true,
    handler: async (req, repo) => {
      const body = obj(req.body);
      const ref = str(body.ref);
      const sha = str(body.sha);
      if (ref === undefined || sha === undefined)
        return invalid([{ resource: 'Reference', code: 'missing_field' }]);
      if (!ref.startsWith('refs/') || ref.split('/').length < 3) {
        return errorReply(422, "Reference name must start with 'refs/' and have at least two slashes.");
      }
      if (!(await repo.bare.exists(sha, 'commit'))) return errorReply(422, 'Object does not exist');
      if ((await repo.bare.resolveRef(ref)) !== undefined) return errorReply(422, 'Reference already exists');
      await repo.bare.updateRef(ref, sha, '');
      const reply = await refJson(req, repo, ref);
      return { ...reply, status: 201 };
    },
  },
  {
    method: 'PATCH',
    pattern: /^\/git\/refs\/(.+)$/,
    write: true,
    handler: async (req, repo, [name = '']) => {
      const ref = `refs/${name}`;
      const body = obj(req.body);
      const sha = str(body.sha);
      const old = await repo.bare.resolveRef(ref);
      if (old === undefined) return errorReply(422, 'Reference does not exist');
      if (sha === undefined || !(await repo.bare.exists(sha, 'commit'))) {
        return errorReply(422, 'Object does not exist');
      }
      if (body.force !== true && !(await repo.bare.isAncestor(old, sha))) {
        return errorReply(422, 'Update is not a fast forward');
      }
      await repo.bare.updateRef(ref, sha, old);
      return refJson(req, repo, ref);
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/git\/refs\/(.+)$/,
    write: true,
    handler: async (_req, repo, [name = '']) => {
      const ref = `refs/${name}`;
      if ((await repo.bare.resolveRef(ref)) === undefined) return errorReply(422, 'Reference does not exist');
      await repo.bare.deleteRef(ref);
      return { status: 204, body: undefined };
    },
  },
  {
    method: 'GET',
    pattern: /^\/git\/commits\/([0-9a-f]{40})$/,
    write: false,
    handler: async (req, repo, [sha = '']) => {
      if (!(await repo.bare.exists(sha, 'commit'))) return notFound();
      return { status: 200, body: await commitJson(req, repo.bare, repo, sha) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/git\/commits$/,
    write: true,
    handler: async (req, repo) => {
      const body = obj(req.body);
      const message = str(body.message);
      const tree = str(body.tree);
      const parents = Array.isArray(body.parents) ? body.parents.filter((p) => typeof p === 'string') : [];
      if (message === undefined || tree === undefined) {
        return invalid([
          { resource: 'Commit', code: 'missing_field', field: message === undefined ? 'message' : 'tree' },
        ]);
      }
      if (!(await repo.bare.exists(tree, 'tree'))) return errorReply(422, 'Tree SHA does not exist');
      for (const parent of parents) {
        if (!(await repo.bare.exists(parent, 'commit')))
          return errorReply(422, 'Parent SHA does not exist or is not a commit object');
      }
      const author = obj(body.author);
      const name = str(author.name);
      const email = str(author.email);
      const sha = await repo.bare.createCommit(
        message,
        tree,
        parents,
        name !== undefined && email !== undefined ? { name, email } : undefined,
      );
      return { status: 201, body: await commitJson(req, repo.bare, repo, sha) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/git\/trees$/,
    write: true,
    handler: async (req, repo) => {
      const body = obj(req.body);
      const baseTree = str(body.base_tree);
      if (baseTree !== undefined && !(await repo.bare.exists(baseTree, 'tree'))) {
        return errorReply(422, 'base_tree is not a valid tree oid');
      }
      if (!Array.isArray(body.tree))
        return invalid([{ resource: 'Tree', code: 'missing_field', field: 'tree' }]);
      const entries: TreeEntryInput[] = [];
      for (const raw of body.tree) {
        const e = obj(raw);
        const path = str(e.path);
        const mode = str(e.mode);
        if (
          path === undefined ||
          mode === undefined ||
          !VALID_MODES.has(mode) ||
          path.startsWith('/') ||
          path.split('/').includes('..')
        ) {
          return errorReply(422, 'tree.path or tree.mode is invalid');
        }
        if (typeof e.content === 'string') entries.push({ path, mode, content: e.content });
        else if (e.sha === null) entries.push({ path, mode, sha: null });
        else if (typeof e.sha === 'string' && (await repo.bare.exists(e.sha)))
          entries.push({ path, mode, sha: e.sha });
        else return errorReply(422, `tree.sha ${JSON.stringify(e.sha)} is not a valid blob`);
      }
      const sha = await repo.bare.createTree(baseTree, entries);
      return {
        status: 201,
        body: {
          sha,
          url: `${req.baseUrl}/repos/${repo.owner}/${repo.name}/git/trees/${sha}`,
          truncated: false,
        },
      };
    },
  },
  {
    method: 'POST',
    pattern: /^\/git\/blobs$/,
    write: true,
    handler: async (req, repo) => {
      const body = obj(req.body);
      const content = str(body.content);
      if (content === undefined)
        return invalid([{ resource: 'Blob', code: 'missing_field', field: 'content' }]);
      const data = body.encoding === 'base64' ? Buffer.from(content, 'base64') : content;
      const sha = await repo.bare.hashBlob(data);
      return {
        status: 201,
        body: { sha, url: `${req.baseUrl}/repos/${repo.owner}/${repo.name}/git/blobs/${sha}` },
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/pulls$/,
    write: false,
    handler: async (req, repo) => {
      const state = req.query.get('state') ?? 'open';
      const head = req.query.get('head');
      const base = req.query.get('base');
      const perPage = Math.min(Number(req.query.get('per_page') ?? 30) || 30, 100);
      const page = Math.max(Number(req.query.get('page') ?? 1) || 1, 1);
      let pulls = repo.pulls.filter((p) => state === 'all' || p.state === state);
      if (head !== null) {
        const colon = head.indexOf(':');
        const owner = colon < 0 ? repo.owner : head.slice(0, colon);
        const branch = colon < 0 ? head : head.slice(colon + 1);
        pulls =
          owner.toLowerCase() === repo.owner.toLowerCase() ? pulls.filter((p) => p.head === branch) : [];
      }
      if (base !== null) pulls = pulls.filter((p) => p.base === base);
      const newestFirst = [...pulls]
        .sort((a, b) => b.number - a.number)
        .slice((page - 1) * perPage, page * perPage);
      const out = [];
      for (const p of newestFirst)
        out.push(pullJson(req, repo, p, await repo.bare.resolveRef(`refs/heads/${p.base}`)));
      return { status: 200, body: out };
    },
  },
  {
    method: 'POST',
    pattern: /^\/pulls$/,
    write: true,
    handler: async (req, repo) => {
      const body = obj(req.body);
      const title = str(body.title);
      const headRaw = str(body.head);
      const base = str(body.base);
      if (title === undefined || headRaw === undefined || base === undefined) {
        return invalid([
          {
            resource: 'PullRequest',
            code: 'missing_field',
            field: title === undefined ? 'title' : headRaw === undefined ? 'head' : 'base',
          },
        ]);
      }
      const head = headRaw.includes(':') ? headRaw.slice(headRaw.indexOf(':') + 1) : headRaw;
      const headSha = await repo.bare.resolveRef(`refs/heads/${head}`);
      const baseSha = await repo.bare.resolveRef(`refs/heads/${base}`);
      if (headSha === undefined)
        return invalid([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
      if (baseSha === undefined)
        return invalid([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
      if (repo.pulls.some((p) => p.state === 'open' && p.head === head && p.base === base)) {
        return invalid([
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${repo.owner}:${head}.`,
          },
        ]);
      }
      if (await repo.bare.isAncestor(headSha, baseSha)) {
        return invalid([
          { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` },
        ]);
      }
      const pull: FakePull = {
        number: repo.nextNumber++,
        title,
        body: str(body.body) ?? null,
        draft: body.draft === true,
        state: 'open',
        merged: false,
        head,
        base,
        headSha,
        labels: [],
        createdAt: new Date().toISOString(),
        closedAt: null,
      };
      repo.pulls.push(pull);
      const json = pullJson(req, repo, pull, baseSha);
      return {
        status: 201,
        body: json,
        headers: { location: `${req.baseUrl}/repos/${repo.owner}/${repo.name}/pulls/${pull.number}` },
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/pulls\/(\d+)$/,
    write: false,
    handler: async (req, repo, [n = '']) => {
      const pull = repo.pulls.find((p) => p.number === Number(n));
      if (pull === undefined) return notFound();
      return {
        status: 200,
        body: pullJson(req, repo, pull, await repo.bare.resolveRef(`refs/heads/${pull.base}`)),
      };
    },
  },
  {
    method: 'PATCH',
    pattern: /^\/pulls\/(\d+)$/,
    write: true,
    handler: async (req, repo, [n = '']) => {
      const pull = repo.pulls.find((p) => p.number === Number(n));
      if (pull === undefined) return notFound();
      const body = obj(req.body);
      if (typeof body.title === 'string') pull.title = body.title;
      if (typeof body.body === 'string') pull.body = body.body;
      if (body.state === 'closed' && pull.state === 'open') {
        pull.state = 'closed';
        pull.closedAt = new Date().toISOString();
      } else if (body.state === 'open' && pull.state === 'closed' && !pull.merged) {
        pull.state = 'open';
        pull.closedAt = null;
      }
      return {
        status: 200,
        body: pullJson(req, repo, pull, await repo.bare.resolveRef(`refs/heads/${pull.base}`)),
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/labels$/,
    write: false,
    handler: (req, repo) => {
      const perPage = Math.min(Number(req.query.get('per_page') ?? 30) || 30, 100);
      const page = Math.max(Number(req.query.get('page') ?? 1) || 1, 1);
      const all = [...repo.labels.values()];
      return { status: 200, body: all.slice((page - 1) * perPage, page * perPage).map(labelJson) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/labels$/,
    write: true,
    handler: (_req, repo) => {
      const body = obj(_req.body);
      const name = str(body.name);
      if (name === undefined || name.trim() === '')
        return invalid([{ resource: 'Label', code: 'missing_field', field: 'name' }]);
      if (repo.labels.has(name.toLowerCase()))
        return invalid([{ resource: 'Label', code: 'already_exists', field: 'name' }]);
      const color = str(body.color) ?? 'ededed';
      if (!/^[0-9a-fA-F]{6}$/.test(color))
        return invalid([{ resource: 'Label', code: 'invalid', field: 'color' }]);
      const label = {
        id: repo.id * 1000 + repo.labels.size + 1,
        name,
        color,
        description: str(body.description) ?? null,
      };
      repo.labels.set(name.toLowerCase(), label);
      return { status: 201, body: labelJson(label) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/issues\/(\d+)\/comments$/,
    write: true,
    handler: (req, repo, [n = '']) => {
      const pull = repo.pulls.find((p) => p.number === Number(n));
      if (pull === undefined) return notFound();
      const text = obj(req.body).body;
      if (typeof text !== 'string' || text === '')
        return invalid([{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
      pull.comments = [...(pull.comments ?? []), text];
      return { status: 201, body: { id: pull.number * 1000 + pull.comments.length, body: text } };
    },
  },
  {
    method: 'POST',
    pattern: /^\/issues\/(\d+)\/labels$/,
    write: true,
    handler: (req, repo, [n = '']) => {
      const pull = repo.pulls.find((p) => p.number === Number(n));
      if (pull === undefined) return notFound();
      const raw = Array.isArray(req.body) ? req.body : obj(req.body).labels;
      if (!Array.isArray(raw) || raw.some((l) => typeof l !== 'string')) {
        return invalid([{ resource: 'Label', code: 'invalid', field: 'labels' }]);
      }
      for (const name of raw as string[]) {
        // Like GitHub: a label the repository lacks is created with the default colour.
        if (!repo.labels.has(name.toLowerCase())) {
          repo.labels.set(name.toLowerCase(), {
            id: repo.id * 1000 + repo.labels.size + 1,
            name,
            color: 'ededed',
            description: null,
          });
        }
        if (!pull.labels.some((l) => l.toLowerCase() === name.toLowerCase())) pull.labels.push(name);
      }
      return {
        status: 200,
        body: pull.labels.map((l) => labelJson(repo.labels.get(l.toLowerCase()) as FakeLabel)),
      };
    },
  },
];

async function repoResponse(req: ApiRequest, repo: FakeRepo): Promise<ApiReply> {
  let defaultBranch = 'main';
  try {
    defaultBranch = await repo.bare.headBranch();
  } catch {
    // an empty repository keeps the default
  }
  return { status: 200, body: repoJson(req, repo, defaultBranch, req.canWrite) };
}

/** Answers one REST call, or 404 for anything outside the subset. */
export async function handleApi(state: FakeGitHubState, req: ApiRequest): Promise<ApiReply> {
  const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(req.path);
  if (m === null) return notFound();
  const repo = state.get(m[1] ?? '', m[2] ?? '');
  if (repo === undefined) return notFound();
  const rest = m[3] ?? '';
  for (const route of routes) {
    if (route.method !== req.method) continue;
    const match = route.pattern.exec(rest);
    if (match === null) continue;
    if (route.write && !req.canWrite)
      return errorReply(403, 'Resource not accessible by personal access token');
    return route.handler(req, repo, match.slice(1));
  }
  return notFound();
}
