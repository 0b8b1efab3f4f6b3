import { afterEach, describe, expect, it } from 'vitest';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { createHclParser, type HclParser } from '../../src/hcl/parser.js';
import { PARSER_WORKER_SOURCE } from '../../src/hcl/parser-worker-source.js';

const GOOD = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n';
const BAD = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n';

/** The real worker, except that CRASH kills the thread, HANG never answers and SPIN blocks the thread for good. */
const TESTABLE_SOURCE = PARSER_WORKER_SOURCE.replace(
  "parentPort.on('message', (request) => {",
  "parentPort.on('message', (request) => {\n  if (request.content === 'CRASH') process.exit(7);\n  if (request.content === 'HANG') return;\n  if (request.content === 'SPIN') for (;;);",
);

let parser: HclParser | undefined;
afterEach(async () => {
  await parser?.close();
  parser = undefined;
});

describe('createHclParser', () => {
  it('parses in a worker and returns the JSON form', async () => {
    parser = createHclParser({ workers: 1, cacheEntries: 10, cacheEnabled: true });
    const doc = await parser.parse('main.tf', GOOD);
    expect(doc).toEqual({ resource: { aws_s3_bucket: { logs: [{ bucket: 'acme-logs' }] } } });
  });

  it('serves repeated content from the cache without a new parse', async () => {
    parser = createHclParser({ workers: 1, cacheEntries: 10, cacheEnabled: true });
    const first = await parser.parse('a.tf', GOOD);
    const second = await parser.parse('b.tf', GOOD);
    expect(second).toBe(first);
    expect(parser.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1, parses: 1 });
    expect(Object.isFrozen(first)).toBe(true);
    expect(parser.cached(GOOD)).toBe(first);
    expect(parser.cached('locals {}\n')).toBeUndefined();
    expect(parser.stats()).toMatchObject({ hits: 2, misses: 1, parses: 1 });
  });

  it('evicts the least recently used entry', async () => {
    parser = createHclParser({ workers: 1, cacheEntries: 2, cacheEnabled: true });
    const files = ['a', 'b', 'c'].map((n) => `locals {\n  ${n} = 1\n}\n`);
    for (const f of files) await parser.parse('x.tf', f);
    expect(parser.stats().entries).toBe(2);
    await parser.parse('x.tf', files[2] ?? '');
    await parser.parse('x.tf', files[0] ?? '');
    expect(parser.stats()).toMatchObject({ hits: 1, parses: 4 });
  });

  it('parses every time when the cache is off, and can be switched at run time', async () => {
    parser = createHclParser({ workers: 1, cacheEntries: 10, cacheEnabled: false });
    await parser.parse('a.tf', GOOD);
    await parser.parse('a.tf', GOOD);
    expect(parser.stats()).toMatchObject({ hits: 0, misses: 2, parses: 2, entries: 0 });
    parser.setCacheEnabled(true);
    expect(parser.cacheEnabled).toBe(true);
    await parser.parse('a.tf', GOOD);
    await parser.parse('a.tf', GOOD);
    expect(parser.stats()).toMatchObject({ hits: 1, parses: 3, entries: 1 });
    parser.setCacheEnabled(false);
    expect(parser.stats().entries).toBe(0);
    await parser.parse('a.tf', GOOD);
    expect(parser.stats().parses).toBe(4);
  });

  it('shares one parse between concurrent requests for the same content', async () => {
    parser = createHclParser({ workers: 2, cacheEntries: 10, cacheEnabled: true });
    const docs = await Promise.all([
      parser.parse('a.tf', GOOD),
      parser.parse('b.tf', GOOD),
      parser.parse('c.tf', GOOD),
    ]);
    expect(docs[1]).toBe(docs[0]);
    expect(parser.stats()).toMatchObject({ parses: 1, shared: 2, misses: 3 });
  });

  it('rejects a syntax error as a permanent TFX_HCL_PARSE naming the file, and does not cache it', async () => {
    parser = createHclParser({ workers: 1, cacheEntries: 10, cacheEnabled: true });
    const error = await parser.parse('modules/storage/main.tf', BAD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraFixError);
    expect(error).toMatchObject({ code: 'TFX_HCL_PARSE', category: 'permanent' });
    expect((error as Error).message).toContain('modules/storage/main.tf');
    expect(parser.stats().entries).toBe(0);
  });

  it('names each caller’s own file when a failing parse was shared', async () => {
    parser = createHclParser({ workers: 1, cacheEntries: 10, cacheEnabled: true });
    const [a, b] = await Promise.allSettled([parser.parse('one.tf', BAD), parser.parse('two.tf', BAD)]);
    expect(a.status === 'rejected' && String(a.reason)).toContain('one.tf');
    expect(b.status === 'rejected' && String(b.reason)).toContain('two.tf');
    expect(b.status === 'rejected' && String(b.reason)).not.toContain('one.tf');
  });

  it('parseAll parses a file map and fails on the first bad file', async () => {
    parser = createHclParser({ workers: 2, cacheEntries: 10, cacheEnabled: true });
    const files = new Map([
      ['main.tf', GOOD],
      ['vars.tf', 'variable "x" {}\n'],
    ]);
    const docs = await parser.parseAll(files);
    expect([...docs.keys()]).toEqual(['main.tf', 'vars.tf']);
    expect(docs.get('vars.tf')).toEqual({ variable: { x: [{}] } });
    await expect(parser.parseAll(new Map([...files, ['bad.tf', BAD]]))).rejects.toThrow(/bad\.tf/);
  });

  it('warms every worker up', async () => {
    parser = createHclParser({ workers: 2, cacheEntries: 10, cacheEnabled: true });
    await parser.warmUp();
    await expect(parser.parse('a.tf', GOOD)).resolves.toBeDefined();
  });

  it('rejects the requests of a crashed worker and replaces it', async () => {
    parser = createHclParser({
      workers: 1,
      cacheEntries: 10,
      cacheEnabled: false,
      workerSource: TESTABLE_SOURCE,
    });
    await parser.parse('a.tf', GOOD);
    const crashed = await parser.parse('crash.tf', 'CRASH').catch((e: unknown) => e);
    expect(crashed).toMatchObject({ code: 'TFX_TRANSIENT', category: 'transient' });
    expect(parser.stats().workerRestarts).toBe(1);
    await expect(parser.parse('a.tf', GOOD)).resolves.toEqual({
      resource: { aws_s3_bucket: { logs: [{ bucket: 'acme-logs' }] } },
    });
  });

  it('fails a request that hangs with TFX_TIMEOUT and keeps serving', async () => {
    parser = createHclParser({
      workers: 1,
      cacheEntries: 10,
      cacheEnabled: false,
      timeoutMs: 400,
      workerSource: TESTABLE_SOURCE,
    });
    await parser.warmUp();
    const hung = await parser.parse('hang.tf', 'HANG').catch((e: unknown) => e);
    expect(hung).toMatchObject({ code: 'TFX_TIMEOUT' });
    expect(parser.stats().workerRestarts).toBe(1);
    await parser.warmUp(); // the replacement's first parse loads WASM, which may take longer than 400 ms
    await expect(parser.parse('a.tf', GOOD)).resolves.toBeDefined();
  });

  it('sends work to the least busy worker, so one stuck parse does not block others', async () => {
    parser = createHclParser({
      workers: 2,
      cacheEntries: 10,
      cacheEnabled: false,
      timeoutMs: 5_000,
      workerSource: TESTABLE_SOURCE,
    });
    await parser.warmUp();
    // SPIN blocks its worker's thread: a request queued behind it would time out after 5 s.
    const stuck = expect(parser.parse('spin.tf', 'SPIN')).rejects.toMatchObject({
      code: 'TFX_SHUTTING_DOWN',
    });
    for (let i = 0; i < 3; i += 1) await expect(parser.parse('a.tf', GOOD)).resolves.toBeDefined();
    await parser.close();
    await stuck;
  });

  it('does not respawn in a loop when workers die before answering', async () => {
    parser = createHclParser({
      workers: 1,
      cacheEntries: 10,
      cacheEnabled: true,
      workerSource: 'process.exit(3);',
    });
    await expect(parser.parse('a.tf', GOOD)).rejects.toMatchObject({ code: 'TFX_TRANSIENT' });
    await expect(parser.parse('a.tf', GOOD)).rejects.toMatchObject({ code: 'TFX_TRANSIENT' });
    expect(parser.stats().workerRestarts).toBe(2);
  });

  it('rejects in-flight and later requests after close', async () => {
    parser = createHclParser({ workers: 1, cacheEntries: 10, cacheEnabled: true });
    const pending = expect(parser.parse('a.tf', GOOD)).rejects.toMatchObject({ code: 'TFX_SHUTTING_DOWN' });
    await parser.close();
    await pending;
    await expect(parser.parse('b.tf', 'locals {}\n')).rejects.toMatchObject({ code: 'TFX_SHUTTING_DOWN' });
  });
});
