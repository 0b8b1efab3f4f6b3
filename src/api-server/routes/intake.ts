import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { failureSchema } from '../../pipeline/failure.js';
import type { ProcessResult } from '../../pipeline/outcome.js';
import { fieldIssues } from '../../pipeline/validate-input.js';
import type { Refusal } from '../../queue/port.js';
import type { RequestResult } from '../intake-stats.js';
import { httpStatusOf, resultView } from '../result-view.js';
import type { ApiRuntime } from '../runtime-types.js';

/** `?mode=async` or `Prefer: respond-async` asks for 202 + a job id instead of waiting for the outcome. */
function wantsAsync(request: FastifyRequest): boolean | { error: string } {
  // A plain check: this runs on every intake request, and a schema parse of the query cost more than the rest.
  const mode = (request.query as Record<string, unknown>).mode;
  if (mode === 'async') return true;
  if (mode === 'sync') return false;
  if (mode !== undefined) return { error: 'must be sync or async' };
  return prefersAsync(request);
}

function prefersAsync(request: FastifyRequest): boolean {
  const prefer = request.headers.prefer;
  return typeof prefer === 'string' && /(^|[,;\s])respond-async\b/i.test(prefer);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validationError(field: string, message: string, issues = [{ field, message }]) {
  return { error: `${field}: ${message}`, code: 'TFX_INVALID_INPUT', issues };
}

function parseFailure(value: unknown, prefix?: string) {
  if (!isPlainObject(value))
    return { ok: false as const, body: validationError(prefix ?? '(root)', 'expected a JSON object') };
  const parsed = failureSchema.safeParse(value);
  if (parsed.success) return { ok: true as const, failure: parsed.data };
  const issues = fieldIssues(parsed.error, prefix);
  const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return { ok: false as const, body: { error: summary, code: 'TFX_INVALID_INPUT', issues } };
}

/** `POST /webhook` and `POST /batch`: validate, enqueue on the bounded queue, answer with outcomes or job ids. */
export function intakeRoutes(app: FastifyInstance, runtime: ApiRuntime): void {
  const { stats, queue, intakeMetrics } = runtime;

  function finish(reply: FastifyReply, start: number, result: RequestResult, code: number, body: unknown) {
    stats.record(result, performance.now() - start);
    return reply.code(code).send(body);
  }

  function refuse(reply: FastifyReply, start: number, admission: Refusal, size: number) {
    intakeMetrics.queueRejections.inc({ reason: admission.reason });
    if (admission.reason === 'exceeds_capacity') {
      // Retrying cannot help: even an idle queue holds fewer jobs than this batch (no Retry-After).
      return finish(reply, start, 'rejected', 422, {
        error: `(root): a batch of ${size} exceeds the queue capacity (workers + queue limit); split it`,
        code: 'TFX_BATCH_EXCEEDS_CAPACITY',
        issues: [{ field: '(root)', message: `at most ${admission.capacity ?? 0} failures fit at once` }],
      });
    }
    const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
    void reply.header('retry-after', String(seconds));
    const code = admission.reason === 'draining' ? 503 : 429;
    const error = admission.reason === 'draining' ? 'Server is shutting down' : 'Queue is full, retry later';
    return finish(reply, start, 'throttled', code, {
      error,
      code: admission.reason === 'draining' ? 'TFX_SHUTTING_DOWN' : 'TFX_QUEUE_FULL',
      retry_after_seconds: seconds,
    });
  }

  // The failure's dedup key is left to the job's result (GET /jobs/:id): hashing it here cost 3 % of intake.
  function accepted(reply: FastifyReply, start: number, id: string) {
    const statusUrl = `/jobs/${id}`;
    // RFC 7240: Preference-Applied answers a Prefer header; `?mode=async` asked without one.
    if (prefersAsync(reply.request)) void reply.header('preference-applied', 'respond-async');
    void reply.header('location', statusUrl);
    return finish(reply, start, 'success', 202, { accepted: true, job_id: id, status_url: statusUrl });
  }

  // Not an async function: an async answer is sent before the handler returns (an async handler costs a
  // promise and a microtask per request), and fastify must then get `undefined`, not the reply.
  app.post('/webhook', (request, reply) => {
    const start = performance.now();
    const asyncMode = wantsAsync(request);
    if (typeof asyncMode === 'object') {
      finish(reply, start, 'rejected', 400, validationError('mode', asyncMode.error));
      return;
    }
    const parsed = parseFailure(request.body);
    if (!parsed.ok) {
      finish(reply, start, 'rejected', 400, parsed.body);
      return;
    }
    // An async job may wait behind intake for a while: it keeps the body it was validated from (see
    // queued-failure.ts); a sync job starts at once and keeps the record.
    const queued = asyncMode && request.rawBody !== '' ? request.rawBody : parsed.failure;
    // Not awaited: the answer is sent from the callback and the handler returns undefined (see above).
    void queue
      .submit([queued], { background: asyncMode })
      .then((admission) => {
        if (!admission.accepted) return refuse(reply, start, admission, 1);
        const id = admission.ids[0];
        if (id === undefined) throw new Error('queue admitted no job');
        if (asyncMode) return accepted(reply, start, id);
        return queue.wait(id).then((result) => {
          const code = httpStatusOf(result);
          return finish(reply, start, code === 200 ? 'success' : 'failed', code, resultView(result));
        });
      })
      .catch((error: unknown) => reply.send(error));
  });

  app.post('/batch', async (request, reply) => {
    const start = performance.now();
    const asyncMode = wantsAsync(request);
    if (typeof asyncMode === 'object')
      return finish(reply, start, 'rejected', 400, validationError('mode', asyncMode.error));
    const body: unknown = request.body;
    if (!Array.isArray(body))
      return finish(reply, start, 'rejected', 400, validationError('(root)', 'Expected array of failures'));
    if (body.length === 0)
      return finish(
        reply,
        start,
        'rejected',
        400,
        validationError('(root)', 'at least one failure is required'),
      );
    if (body.length > runtime.config.batchMax) {
      return finish(
        reply,
        start,
        'rejected',
        400,
        validationError('(root)', `at most ${runtime.config.batchMax} failures per batch`),
      );
    }
    const parsed = body.map((item, i) => parseFailure(item, String(i)));
    const valid = parsed.flatMap((p) => (p.ok ? [p.failure] : []));
    const admission = valid.length === 0 ? undefined : await queue.submit(valid, { background: asyncMode });
    if (admission !== undefined && !admission.accepted) return refuse(reply, start, admission, valid.length);
    const ids = admission?.ids ?? [];
    let next = 0;
    if (asyncMode) {
      const items = parsed.map((p) => {
        if (!p.ok) return { accepted: false, ...p.body };
        const id = ids[next++];
        return { accepted: true, job_id: id, status_url: `/jobs/${id}` };
      });
      return finish(reply, start, 'success', 202, {
        total: items.length,
        accepted: ids.length,
        results: items,
      });
    }
    const results = await Promise.all(ids.map((id) => queue.wait(id)));
    let successful = 0;
    let failed = 0;
    let skipped = 0;
    const items = parsed.map((p) => {
      if (!p.ok) {
        failed++;
        return { success: false, outcome: 'rejected', ...p.body };
      }
      const result = results[next++] as ProcessResult;
      if (result.outcome.kind === 'completed') successful++;
      else if (result.outcome.kind === 'failed') failed++;
      else skipped++;
      return resultView(result);
    });
    return finish(reply, start, failed === 0 ? 'success' : 'failed', 200, {
      total: items.length,
      successful,
      skipped,
      failed,
      results: items,
    });
  });

  app.get('/jobs/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const job = await queue.get(id);
    if (job === undefined)
      return reply.code(404).send({ error: 'Job not found (unknown or expired)', code: 'TFX_NOT_FOUND' });
    return {
      job_id: job.id,
      state: job.state,
      enqueued_at: new Date(job.enqueuedAt).toISOString(),
      ...(job.result === undefined
        ? {}
        : { http_status: httpStatusOf(job.result), result: resultView(job.result) }),
    };
  });
}
