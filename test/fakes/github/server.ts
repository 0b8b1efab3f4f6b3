/**
 * A fake GitHub on one loopback port: the REST subset in rest-api.ts and git smart HTTP (`git http-backend`) for
 * the same bare repositories, behind token checks that record how each token arrived. Faults are scripted on
 * demand (secondary and primary rate limits, 5xx, dropped connections) and every call is logged, so tests assert
 * what the client really sent. Use it from tests (`port: 0`) or standalone (main.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuthSeen, authenticate, type Permission } from './auth.js';
import { type ApiReply, errorReply, handleApi } from './rest-api.js';
import { runHttpBackend } from './smart-http.js';
import { type CreateRepoOptions, type FakePull, FakeGitHubState, type FakeRepo } from './state.js';

export interface CallRecord {
  kind: 'api' | 'git';
  method: string;
  /** Decoded path. */
  path: string;
  /** Raw request target as received (still percent-encoded). */
  rawUrl: string;
  query: string;
  status: number;
  auth: AuthSeen;
  /** The scripted fault that answered, if any. */
  fault?: FaultReply['kind'];
  requestId: string;
  /** Arrival time (performance.now()). */
  at: number;
}

export type FaultReply =
  | { kind: 'secondary-rate-limit'; status?: 403 | 429; retryAfterSeconds?: number }
  | { kind: 'primary-rate-limit'; status?: 403 | 429; resetInSeconds?: number }
  | { kind: 'status'; status: number; message?: string }
  | { kind: 'reset' };

export interface Fault {
  target?: 'api' | 'git';
  method?: string;
  /** Substring of, or pattern for, the decoded path. */
  path?: string | RegExp;
  /** How many matching calls it answers (default 1). */
  times?: number;
  reply: FaultReply;
}

export interface FakeGitHubOptions {
  /** Directory holding `<owner>/<name>.git`; a temporary one (removed on close) by default. */
  root?: string;
  host?: string;
  port?: number;
  /** Accepted tokens and what they may do. */
  tokens?: Readonly<Record<string, Permission>>;
  /** Clock for rate-limit reset times (epoch ms). */
  now?: () => number;
}

export interface FakeGitHub {
  readonly url: string;
  readonly root: string;
  readonly calls: CallRecord[];
  createRepo(owner: string, name: string, options?: CreateRepoOptions): Promise<FakeRepo>;
  repo(owner: string, name: string): FakeRepo;
  pulls(owner: string, name: string): FakePull[];
  /** Closes a pull request as a reviewer would (optionally as merged). */
  closePull(owner: string, name: string, number: number, options?: { merged?: boolean }): void;
  inject(fault: Fault): void;
  /**
   * Requests matching `match` wait until the returned function is called (a slow GitHub, to catch a job mid-run).
   * A held request whose client has gone away by then (a killed replica) is dropped, never carried out.
   */
  hold(match: Omit<Fault, 'reply' | 'times'>): () => void;
  /** Requests waiting on a hold right now. */
  held(): number;
  /** Faults still waiting to fire. */
  pendingFaults(): number;
  close(): Promise<void>;
}

const BODY_LIMIT = 64 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function matches(fault: Fault, kind: 'api' | 'git', method: string, path: string): boolean {
  if ((fault.target ?? 'api') !== kind) return false;
  if (fault.method !== undefined && fault.method.toUpperCase() !== method) return false;
  if (fault.path === undefined) return true;
  return typeof fault.path === 'string' ? path.includes(fault.path) : fault.path.test(path);
}

const GIT_PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack|HEAD)$/;

/** Starts the fake on `host:port` (127.0.0.1:0 by default). */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const ownRoot = options.root === undefined;
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'fake-github-')));
  const state = new FakeGitHubState(root);
  const tokens = new Map<string, Permission>(Object.entries(options.tokens ?? {}));
  const now = options.now ?? Date.now;
  const calls: CallRecord[] = [];
  const faults: { fault: Fault; left: number }[] = [];
  const holds: { match: Fault; gate: Promise<void> }[] = [];
  let heldNow = 0;
  let remaining = 5000;
  let baseUrl = '';

  function takeFault(kind: 'api' | 'git', method: string, path: string): FaultReply | undefined {
    const slot = faults.find((f) => f.left > 0 && matches(f.fault, kind, method, path));
    if (slot === undefined) return undefined;
    slot.left--;
    return slot.fault.reply;
  }

  function rateHeaders(requestId: string): Record<string, string> {
    return {
      'x-github-request-id': requestId,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(remaining, 0)),
      'x-ratelimit-reset': String(Math.ceil(now() / 1000) + 3600),
      'x-ratelimit-used': String(5000 - Math.max(remaining, 0)),
      'x-ratelimit-resource': 'core',
    };
  }

  function faultReply(reply: FaultReply, requestId: string): ApiReply | 'reset' {
    switch (reply.kind) {
      case 'reset':
        return 'reset';
      case 'status':
        return { ...errorReply(reply.status, reply.message ?? 'Server Error') };
      case 'secondary-rate-limit':
        return {
          ...errorReply(
            reply.status ?? 403,
            `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
          ),
          headers: { 'retry-after': String(reply.retryAfterSeconds ?? 60) },
        };
      case 'primary-rate-limit':
        return {
          ...errorReply(
            reply.status ?? 403,
            `API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
          ),
          headers: {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(Math.ceil(now() / 1000) + (reply.resetInSeconds ?? 60)),
          },
        };
    }
  }

  function send(res: ServerResponse, reply: ApiReply, requestId: string): void {
    const headers = { ...rateHeaders(requestId), ...reply.headers };
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (reply.body === undefined) {
      res.statusCode = reply.status;
      res.end();
      return;
    }
    const text = JSON.stringify(reply.body);
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('content-length', Buffer.byteLength(text));
    res.statusCode = reply.status;
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID().slice(0, 18).toUpperCase();
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://fake.invalid');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = url.pathname;
    }
    // GitHub Enterprise Server serves the API under /api/v3.
    if (path.startsWith('/api/v3/')) path = path.slice('/api/v3'.length);
    const method = (req.method ?? 'GET').toUpperCase();
    const gitMatch = GIT_PATH.exec(path);
    const kind = gitMatch === null ? 'api' : 'git';
    const auth = authenticate(req, url, kind, tokens);
    const record: CallRecord = {
      kind,
      method,
      path,
      rawUrl,
      query: url.search,
      status: 0,
      auth,
      requestId,
      at: performance.now(),
    };
    calls.push(record);
    const body = await readBody(req);

    const gates = holds.filter((h) => matches(h.match, kind, method, path)).map((h) => h.gate);
    if (gates.length > 0) {
      heldNow++;
      const gone = new Promise<'gone'>((resolve) => req.socket.once('close', () => resolve('gone')));
      const outcome = await Promise.race([Promise.all(gates), gone]);
      heldNow--;
      if (outcome === 'gone' || req.socket.destroyed) {
        record.status = -1;
        return;
      }
    }

    const fault = takeFault(kind, method, path);
    if (fault !== undefined) {
      record.fault = fault.kind;
      const reply = faultReply(fault, requestId);
      if (reply === 'reset') {
        record.status = -1;
        req.socket.destroy();
        return;
      }
      record.status = reply.status;
      send(res, reply, requestId);
      return;
    }

    if (gitMatch !== null) {
      record.status = await handleGit(req, res, gitMatch, url, auth, body);
      return;
    }
    remaining--;
    if (auth.valid !== true) {
      const reply = errorReply(401, auth.via === 'none' ? 'Requires authentication' : 'Bad credentials');
      record.status = 401;
      send(res, reply, requestId);
      return;
    }
    let parsed: unknown;
    if (body.length > 0) {
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        record.status = 400;
        send(res, errorReply(400, 'Problems parsing JSON'), requestId);
        return;
      }
    }
    const reply = await handleApi(state, {
      method,
      path,
      query: url.searchParams,
      body: parsed,
      baseUrl,
      canWrite: auth.permission === 'write',
    });
    record.status = reply.status;
    send(res, reply, requestId);
  }

  async function handleGit(
    req: IncomingMessage,
    res: ServerResponse,
    m: RegExpExecArray,
    url: URL,
    auth: AuthSeen,
    body: Buffer,
  ): Promise<number> {
    const [, owner = '', name = '', rest = ''] = m;
    if (auth.valid !== true) {
      res.statusCode = 401;
      res.setHeader('www-authenticate', 'Basic realm="GitHub"');
      res.end(auth.via === 'none' ? '' : 'Invalid username or password.\n');
      return 401;
    }
    const repo = state.get(owner, name);
    if (repo === undefined) {
      res.statusCode = 404;
      res.end('Repository not found.\n');
      return 404;
    }
    const pushing = rest === 'git-receive-pack' || url.searchParams.get('service') === 'git-receive-pack';
    if (pushing && auth.permission !== 'write') {
      res.statusCode = 403;
      res.end(`Permission to ${repo.owner}/${repo.name}.git denied.\n`);
      return 403;
    }
    return runHttpBackend(req, res, {
      projectRoot: root,
      pathInfo: `/${repo.owner}/${repo.name}.git/${rest}`,
      query: url.search.replace(/^\?/, ''),
      body,
    });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ message: `fake github error: ${String(error)}` }));
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  function repoOf(owner: string, name: string): FakeRepo {
    const repo = state.get(owner, name);
    if (repo === undefined) throw new Error(`no fake repo ${owner}/${name}`);
    return repo;
  }

  return {
    url: baseUrl,
    root,
    calls,
    createRepo: (owner, name, repoOptions) => state.createRepo(owner, name, repoOptions),
    repo: repoOf,
    pulls: (owner, name) => repoOf(owner, name).pulls,
    closePull(owner, name, number, closeOptions = {}) {
      const pull = repoOf(owner, name).pulls.find((p) => p.number === number);
      if (pull === undefined) throw new Error(`no pull #${number}`);
      pull.state = 'closed';
      pull.merged = closeOptions.merged === true;
      pull.closedAt = new Date(now()).toISOString();
    },
    inject(fault) {
      faults.push({ fault, left: fault.times ?? 1 });
    },
    pendingFaults: () => faults.reduce((n, f) => n + f.left, 0),
    hold(match) {
      let release!: () => void;
      const entry = {
        match: { ...match, reply: { kind: 'reset' as const } },
        gate: new Promise<void>((r) => (release = r)),
      };
      holds.push(entry);
      return () => {
        const at = holds.indexOf(entry);
        if (at >= 0) holds.splice(at, 1);
        release();
      };
    },
    held: () => heldNow,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownRoot) await rm(root, { recursive: true, force: true });
    },
  };
}
