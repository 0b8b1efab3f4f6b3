/**
 * HCL parsing with `@cdktf/hcl2json` (HashiCorp's parser compiled to Go WASM) off the main event loop, in a
 * pool of worker threads, behind a content-hash LRU cache. A cache hit never touches a worker, so re-parsing
 * an unchanged file costs one sha256. Concurrent misses for the same content share one parse.
 * With the cache switched off every call parses (no sharing either), so the cost of parsing can be measured.
 */
import { hash as digest } from 'node:crypto';
import { createRequire } from 'node:module';
import { TerraFixError } from '../pipeline/errors.js';
import { deepFreeze, type HclDocument } from './document.js';
import { LruCache } from './lru.js';
import { PARSER_WORKER_SOURCE } from './parser-worker-source.js';
import { type ParseReply, WorkerPool } from './worker-pool.js';

export interface HclParserOptions {
  /** Worker threads in the pool (at least 1). */
  workers: number;
  /** Parsed documents kept, least recently used dropped first. */
  cacheEntries: number;
  cacheEnabled: boolean;
  /** A parse not answered in time kills its worker and fails with TFX_TIMEOUT. Default 30 s; 0 = none. */
  timeoutMs?: number;
  /** Replaces the worker source (tests use it to make a worker crash or hang). */
  workerSource?: string;
}

export interface HclParserStats {
  hits: number;
  misses: number;
  entries: number;
  /** Parses actually sent to a worker. */
  parses: number;
  /** Misses that joined a parse already in flight for the same content. */
  shared: number;
  workerRestarts: number;
}

export interface HclParser {
  /** Parsed JSON form of one file; rejects with TFX_HCL_PARSE (permanent) naming the file on a syntax error. */
  parse(path: string, content: string): Promise<HclDocument>;
  /** The cached document for `content`, synchronously (counted as a hit), or undefined (not counted). */
  cached(content: string): HclDocument | undefined;
  /** Parses every file in parallel; the result keeps the input's order. */
  parseAll(files: ReadonlyMap<string, string>): Promise<Map<string, HclDocument>>;
  /** Turning the cache off also empties it. */
  setCacheEnabled(on: boolean): void;
  readonly cacheEnabled: boolean;
  stats(): HclParserStats;
  /** Starts every worker and loads the WASM module (~60 ms each) before the first real request. */
  warmUp(): Promise<void>;
  /** Terminates the workers; requests still in flight reject with TFX_SHUTTING_DOWN. */
  close(): Promise<void>;
}

interface InFlight {
  path: string;
  reply: Promise<ParseReply>;
}

/** Creates a parser with its own worker pool and cache. Call close() when done. */
export function createHclParser(options: HclParserOptions): HclParser {
  const pool = new WorkerPool({
    size: options.workers,
    hcl2jsonPath: createRequire(import.meta.url).resolve('@cdktf/hcl2json'),
    source: options.workerSource ?? PARSER_WORKER_SOURCE,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  const cache = new LruCache<HclDocument>(options.cacheEntries);
  const inflight = new Map<string, InFlight>();
  let cacheEnabled = options.cacheEnabled;
  const counts = { hits: 0, misses: 0, parses: 0, shared: 0 };

  function parse(path: string, content: string): Promise<HclDocument> {
    if (!cacheEnabled) {
      counts.misses += 1;
      counts.parses += 1;
      return pool.run(path, content).then((reply) => toDocument(reply, path, path));
    }
    const hash = digest('sha256', content, 'hex');
    const hit = cache.get(hash);
    if (hit !== undefined) {
      counts.hits += 1;
      return Promise.resolve(hit);
    }
    counts.misses += 1;
    const running = inflight.get(hash);
    if (running !== undefined) {
      counts.shared += 1;
      return running.reply.then((reply) => toDocument(reply, path, running.path));
    }
    counts.parses += 1;
    const reply = pool.run(path, content).then((r) => {
      if (r.ok) {
        deepFreeze(r.doc);
        if (cacheEnabled) cache.set(hash, r.doc);
      }
      return r;
    });
    const entry: InFlight = { path, reply };
    inflight.set(hash, entry);
    const forget = (): void => {
      if (inflight.get(hash) === entry) inflight.delete(hash);
    };
    reply.then(forget, forget);
    return reply.then((r) => toDocument(r, path, path));
  }

  return {
    parse,
    cached(content) {
      if (!cacheEnabled) return undefined;
      const hit = cache.get(digest('sha256', content, 'hex'));
      if (hit !== undefined) counts.hits += 1;
      return hit;
    },
    async parseAll(files) {
      const entries = await Promise.all(
        [...files].map(async ([path, content]) => [path, await parse(path, content)] as const),
      );
      return new Map(entries);
    },
    setCacheEnabled(on) {
      cacheEnabled = on;
      if (!on) cache.clear();
    },
    get cacheEnabled() {
      return cacheEnabled;
    },
    stats: () => ({ ...counts, entries: cache.size, workerRestarts: pool.restarts }),
    warmUp: () => pool.warmUp(),
    close: () => pool.close(),
  };
}

/** A worker's answer as a document, or the parse error naming `path` (the file this caller asked about). */
function toDocument(reply: ParseReply, path: string, parsedAs: string): HclDocument {
  if (reply.ok) return reply.doc;
  // A shared parse ran under another caller's file name; name this caller's file instead.
  const detail = parsedAs === path ? reply.message : reply.message.split(parsedAs).join(path);
  throw new TerraFixError('TFX_HCL_PARSE', `cannot parse ${path}: ${detail}`, {
    category: 'permanent',
    cause: new Error(reply.message),
  });
}
