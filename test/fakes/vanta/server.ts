/**
 * A fake Vanta: a real HTTP server (node:http) speaking Vanta's REST protocol as protocols.md §1 describes it.
 * - `POST /oauth/token`: JSON body only, client credentials, scope vanta-api.all:read; one active token per
 *   application (a new mint revokes the previous token, so requests still using it get 401); 5 mints per minute
 *   per application (429).
 * - `GET /v1/tests` (statusFilter, frameworkFilter, integrationFilter, categoryFilter), `GET /v1/tests/{id}` (bare
 *   object), `GET /v1/tests/{id}/entities` (entityStatus, default FAILING): `results.data` + `results.pageInfo`,
 *   pageSize 1..100 (default 10, else 400), opaque Relay-style cursors, a page starts after its cursor.
 * - 401 for a missing, unknown, expired or revoked bearer token; 429 past the per-application rate.
 * - Scripted answers (5xx, 429 with Retry-After, ...) and held requests on demand; a call log to assert on.
 * Time comes from `now()`, so tests can run token expiry and rate windows on virtual time.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeEntity, FakeTest, FakeVantaData } from './data.js';

export interface FakeVantaOptions {
  data: FakeVantaData;
  /** Epoch ms. Default Date.now. */
  now?: () => number;
  /** API requests per application per rolling minute before 429 (default 50). */
  rateLimitPerMinute?: number;
  /** Token requests per application per rolling minute before 429 (default 5, Vanta's documented limit). */
  tokenLimitPerMinute?: number;
  /** `expires_in` of minted tokens (default 3600). */
  tokenTtlSeconds?: number;
  /** Retry-After (seconds) sent with rate-limit 429s; undefined sends none (Vanta documents none). */
  retryAfterSeconds?: number;
  host?: string;
  port?: number;
}

export interface CallRecord {
  method: string;
  /** Decoded path segments joined with `/` (the raw path is in `rawPath`). */
  path: string;
  rawPath: string;
  query: Record<string, string>;
  status: number;
  /** Arrival time (epoch ms, from `now()`). */
  at: number;
  /** 1-based number of the token the request carried (in mint order); undefined without a known token. */
  token?: number;
  /** Token requests: the client id, grant type and scope sent, and the content type. */
  clientId?: string;
  grantType?: string;
  scope?: string;
  contentType?: string;
}

export interface ScriptedAnswer {
  status: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number | string;
  body?: unknown;
}

interface Match {
  method?: string;
  /** Matches the decoded path: a string matches exactly, a RegExp by test. */
  path?: string | RegExp;
}

interface Token {
  seq: number;
  clientId: string;
  expiresAt: number;
  revoked: boolean;
}

const STATUSES = new Set([
  'OK',
  'DEACTIVATED',
  'NEEDS_ATTENTION',
  'IN_PROGRESS',
  'INVALID',
  'NOT_APPLICABLE',
]);
const WINDOW_MS = 60_000;

export const encodeCursor = (index: number): string =>
  Buffer.from(`arrayconnection:${index}`).toString('base64');

function decodeCursor(cursor: string): number | undefined {
  const match = /^arrayconnection:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match === null ? undefined : Number(match[1]);
}

/** Vanta's category display names ("Account security") against filter values (`ACCOUNT_SECURITY`). */
const foldCategory = (value: string): string =>
  value
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');

function matches(match: Match, method: string, path: string): boolean {
  if (match.method !== undefined && match.method !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? match.path === path : match.path.test(path);
}

export class FakeVanta {
  readonly calls: CallRecord[] = [];
  readonly #tokens = new Map<string, Token>();
  readonly #active = new Map<string, string>();
  readonly #apiWindow = new Map<string, number[]>();
  readonly #tokenWindow = new Map<string, number[]>();
  readonly #scripts: { match: Match; answers: ScriptedAnswer[] }[] = [];
  readonly #holds: { match: Match; gate: Promise<void> }[] = [];
  #minted = 0;
  #server: Server | undefined;
  url = '';
  rateLimitPerMinute: number;

  constructor(private readonly options: FakeVantaOptions) {
    this.rateLimitPerMinute = options.rateLimitPerMinute ?? 50;
  }

  get data(): FakeVantaData {
    return this.options.data;
  }

  /** Tokens minted so far. */
  get mints(): number {
    return this.#minted;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) this.#json(res, 500, { error: 'internal', message: 'fake failed' });
      });
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next requests matching `match` get these answers, in order, before any other handling. */
  script(match: Match, answers: ScriptedAnswer[]): void {
    this.#scripts.push({ match, answers: [...answers] });
  }

  /** Requests matching `match` wait (before their token is checked) until the returned function is called. */
  hold(match: Match): () => void {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const entry = { match, gate };
    this.#holds.push(entry);
    return () => {
      this.#holds.splice(this.#holds.indexOf(entry), 1);
      release();
    };
  }

  /** Every token value minted so far (tests grep logs and errors for them). */
  issuedTokens(): string[] {
    return [...this.#tokens.keys()];
  }

  /** Revokes every token (as a mint elsewhere would). */
  revokeAll(): void {
    for (const token of this.#tokens.values()) token.revoked = true;
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Sliding-window admission: true when under `limit` in the last minute (and records the request). */
  #admit(windows: Map<string, number[]>, key: string, limit: number): boolean {
    const now = this.#now();
    const recent = (windows.get(key) ?? []).filter((at) => at > now - WINDOW_MS);
    windows.set(key, recent);
    if (recent.length >= limit) return false;
    recent.push(now);
    return true;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const segments = url.pathname.split('/').map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
    const path = segments.join('/');
    const method = req.method ?? 'GET';
    const record: CallRecord = {
      method,
      path,
      rawPath: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      at: this.#now(),
    };
    this.calls.push(record);
    const body = method === 'POST' ? await readBody(req) : '';

    for (const hold of this.#holds.filter((h) => matches(h.match, method, path))) await hold.gate;

    const script = this.#scripts.find((s) => s.answers.length > 0 && matches(s.match, method, path));
    const scripted = script?.answers.shift();
    if (scripted !== undefined) {
      if (method === 'POST' && path === '/oauth/token') Object.assign(record, tokenRequestFacts(req, body));
      const headers: Record<string, string> = {};
      if (scripted.retryAfter !== undefined) headers['retry-after'] = String(scripted.retryAfter);
      this.#answer(res, record, scripted.status, scripted.body ?? { error: 'scripted' }, headers);
      return;
    }

    if (method === 'POST' && path === '/oauth/token') {
      this.#token(req, body, res, record);
      return;
    }
    if (method !== 'GET' || segments[1] !== 'v1' || segments[2] !== 'tests') {
      this.#answer(res, record, 404, { error: 'not_found', message: 'No such route' });
      return;
    }
    const token = this.#authenticate(req);
    if (token === undefined) {
      this.#answer(res, record, 401, { error: 'unauthorized', message: 'Invalid or expired token' });
      return;
    }
    record.token = token.seq;
    if (!this.#admit(this.#apiWindow, token.clientId, this.rateLimitPerMinute)) {
      const headers: Record<string, string> =
        this.options.retryAfterSeconds === undefined
          ? {}
          : { 'retry-after': String(this.options.retryAfterSeconds) };
      this.#answer(res, record, 429, { error: 'rate_limited', message: 'Too many requests' }, headers);
      return;
    }
    if (segments.length === 3) this.#listTests(url.searchParams, res, record);
    else if (segments.length === 4) this.#getTest(segments[3] ?? '', res, record);
    else if (segments.length === 5 && segments[4] === 'entities')
      this.#listEntities(segments[3] ?? '', url.searchParams, res, record);
    else this.#answer(res, record, 404, { error: 'not_found', message: 'No such route' });
  }

  #token(req: IncomingMessage, body: string, res: ServerResponse, record: CallRecord): void {
    Object.assign(record, tokenRequestFacts(req, body));
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      this.#answer(res, record, 400, { error: 'invalid_request', message: 'Expected a JSON body' });
      return;
    }
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(body) as Record<string, unknown>;
    } catch {
      this.#answer(res, record, 400, { error: 'invalid_request', message: 'Malformed JSON' });
      return;
    }
    const client = this.data.clients.find((c) => c.clientId === parsed['client_id']);
    if (
      client !== undefined &&
      !this.#admit(this.#tokenWindow, client.clientId, this.options.tokenLimitPerMinute ?? 5)
    ) {
      this.#answer(res, record, 429, { error: 'rate_limited', message: 'Too many token requests' });
      return;
    }
    if (parsed['grant_type'] !== 'client_credentials') {
      this.#answer(res, record, 400, { error: 'unsupported_grant_type' });
      return;
    }
    const scopes = typeof parsed['scope'] === 'string' ? parsed['scope'].split(' ') : [];
    if (!scopes.includes('vanta-api.all:read')) {
      this.#answer(res, record, 400, { error: 'invalid_scope' });
      return;
    }
    if (client === undefined || client.clientSecret !== parsed['client_secret']) {
      this.#answer(res, record, 401, { error: 'invalid_client' });
      return;
    }
    // One active token per application: the previous one stops working at once.
    const previous = this.#active.get(client.clientId);
    if (previous !== undefined) {
      const held = this.#tokens.get(previous);
      if (held !== undefined) held.revoked = true;
    }
    const value = `vat_${randomBytes(24).toString('hex')}`;
    const ttl = this.options.tokenTtlSeconds ?? 3600;
    this.#minted++;
    this.#tokens.set(value, {
      seq: this.#minted,
      clientId: client.clientId,
      expiresAt: this.#now() + ttl * 1000,
      revoked: false,
    });
    this.#active.set(client.clientId, value);
    this.#answer(res, record, 200, { access_token: value, expires_in: ttl, token_type: 'Bearer' });
  }

  #authenticate(req: IncomingMessage): Token | undefined {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const token = match === null ? undefined : this.#tokens.get(match[1] ?? '');
    if (token === undefined || token.revoked || token.expiresAt <= this.#now()) return undefined;
    return token;
  }

  #listTests(params: URLSearchParams, res: ServerResponse, record: CallRecord): void {
    const status = params.get('statusFilter');
    if (status !== null && !STATUSES.has(status)) {
      this.#answer(res, record, 400, { error: 'invalid_request', message: 'Invalid statusFilter' });
      return;
    }
    const framework = params.get('frameworkFilter');
    const integration = params.get('integrationFilter');
    const category = params.get('categoryFilter');
    const tests = this.data.tests.filter(
      (t) =>
        (status === null || t.status === status) &&
        (framework === null || t.frameworks.includes(framework)) &&
        (integration === null || t.integrations.includes(integration)) &&
        (category === null || foldCategory(t.category) === foldCategory(category)),
    );
    this.#page(tests.map(publicTest), params, res, record);
  }

  #getTest(id: string, res: ServerResponse, record: CallRecord): void {
    const test = this.data.tests.find((t) => t.id === id);
    if (test === undefined) this.#answer(res, record, 404, { error: 'not_found', message: 'Test not found' });
    else this.#answer(res, record, 200, publicTest(test));
  }

  #listEntities(id: string, params: URLSearchParams, res: ServerResponse, record: CallRecord): void {
    if (!this.data.tests.some((t) => t.id === id)) {
      this.#answer(res, record, 404, { error: 'not_found', message: 'Test not found' });
      return;
    }
    const status = params.get('entityStatus') ?? 'FAILING';
    if (status !== 'FAILING' && status !== 'DEACTIVATED') {
      this.#answer(res, record, 400, { error: 'invalid_request', message: 'Invalid entityStatus' });
      return;
    }
    const entities: FakeEntity[] = (this.data.entities[id] ?? []).filter((e) => e.entityStatus === status);
    this.#page(entities, params, res, record);
  }

  #page(items: readonly unknown[], params: URLSearchParams, res: ServerResponse, record: CallRecord): void {
    const sizeText = params.get('pageSize') ?? '10';
    const size = /^\d+$/.test(sizeText) ? Number(sizeText) : NaN;
    if (!(size >= 1 && size <= 100)) {
      this.#answer(res, record, 400, {
        error: 'invalid_request',
        message: 'pageSize must be between 1 and 100',
      });
      return;
    }
    const cursor = params.get('pageCursor');
    let start = 0;
    if (cursor !== null) {
      const index = decodeCursor(cursor);
      if (index === undefined) {
        this.#answer(res, record, 400, { error: 'invalid_request', message: 'Invalid pageCursor' });
        return;
      }
      start = index + 1; // the page starts after the item the cursor names
    }
    const data = items.slice(start, start + size);
    const end = start + data.length - 1;
    this.#answer(res, record, 200, {
      results: {
        data,
        pageInfo: {
          hasNextPage: end + 1 < items.length,
          hasPreviousPage: start > 0,
          startCursor: data.length > 0 ? encodeCursor(start) : null,
          endCursor: data.length > 0 ? encodeCursor(end) : null,
        },
      },
    });
  }

  #answer(
    res: ServerResponse,
    record: CallRecord,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    record.status = status;
    this.#json(res, status, body, headers);
  }

  #json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }
}

/** A Vanta Test object as the API shows it (the fake-only `frameworks` removed). */
function publicTest(test: FakeTest): Omit<FakeTest, 'frameworks'> {
  const { frameworks: _frameworks, ...rest } = test;
  return rest;
}

function tokenRequestFacts(req: IncomingMessage, body: string): Partial<CallRecord> {
  const facts: Partial<CallRecord> = { contentType: req.headers['content-type'] ?? '' };
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    if (typeof parsed['client_id'] === 'string') facts.clientId = parsed['client_id'];
    if (typeof parsed['grant_type'] === 'string') facts.grantType = parsed['grant_type'];
    if (typeof parsed['scope'] === 'string') facts.scope = parsed['scope'];
  } catch {
    // not JSON: nothing to record
  }
  return facts;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts a fake Vanta on a free loopback port; `url` is set when the promise resolves. */
export function startFakeVanta(options: FakeVantaOptions): Promise<FakeVanta> {
  return new FakeVanta(options).start();
}
