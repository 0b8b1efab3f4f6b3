import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Failure, failureKey, failureSchema } from '../../pipeline/failure.js';
import type { ProcessResult } from '../../pipeline/outcome.js';
import { fieldIssues } from '../../pipeline/validate-input.js';
import type { Admission } from '../../queue/port.js';
import type { RequestResult } from '../intake-stats.js';
import { httpStatusOf, resultView } from '../result-view.js';
import type { ApiRuntime } from '../runtime-types.js';

const modeQuery = z.object({ mode: z.enum(['sync', 'async']).optional() }).loose();

/** `?mode=async` or `Prefer: respond-async` asks for 202 + a job id instead of waiting for the outcome. */
function wantsAsync(request: FastifyRequest): boolean | { error: string } {
  const query = modeQuery.safeParse(request.query);
  if (!query.success) return { error: 'mode: must be sync or async' };
  if (query.data.mode !== undefined) return query.data.mode === 'async';
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
  const { stats, queue } = runtime;

  function finish(reply: FastifyReply, start: number, result: RequestResult, code: number, body: unknown) {
    stats.record(result, performance.now() - start);
    runtime.metrics.requests.inc({ status: result });
    return reply.code(code).send(body);
  }

  function refuse(
    reply: FastifyReply,
    start: number,
    admission: Extract<Admission<ProcessResult>, { accepted: false }>,
  ) {
    runtime.metrics.queueRejections.inc({ reason: admission.reason });
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

  function accepted(reply: FastifyReply, start: number, jobs: { id: string }[], failures: Failure[]) {
    const views = jobs.map((job, i) => ({
      job_id: job.id,
      status_url: `/jobs/${job.id}`,
      failure_hash: failures[i] === undefined ? null : failureKey(failures[i]),
    }));
    void reply.header('preference-applied', 'respond-async');
    if (views.length === 1 && views[0] !== undefined) void reply.header('location', views[0].status_url);
    return finish(
      reply,
      start,
      'success',
      202,
      views.length === 1 ? { accepted: true, ...views[0] } : { accepted: true, jobs: views },
    );
  }

  app.post('/webhook', async (request, reply) => {
    const start = performance.now();
    const asyncMode = wantsAsync(request);
    if (typeof asyncMode === 'object')
      return finish(reply, start, 'rejected', 400, validationError('mode', asyncMode.error));
    const parsed = parseFailure(request.body);
    if (!parsed.ok) return finish(reply, start, 'rejected', 400, parsed.body);
    const admission = queue.submit([parsed.failure], { background: asyncMode });
    if (!admission.accepted) return refuse(reply, start, admission);
    const job = admission.jobs[0];
    if (job === undefined) throw new Error('queue admitted no job');
    if (asyncMode) return accepted(reply, start, [job], [parsed.failure]);
    const result = await job.done;
    const code = httpStatusOf(result);
    return finish(reply, start, code === 200 ? 'success' : 'failed', code, resultView(result));
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
    const admission = valid.length === 0 ? undefined : queue.submit(valid, { background: asyncMode });
    if (admission !== undefined && !admission.accepted) return refuse(reply, start, admission);
    const jobs = admission?.jobs ?? [];
    let next = 0;
    if (asyncMode) {
      const items = parsed.map((p) => {
        if (!p.ok) return { accepted: false, ...p.body };
        const job = jobs[next++];
        return {
          accepted: true,
          job_id: job?.id,
          status_url: `/jobs/${job?.id}`,
          failure_hash: failureKey(p.failure),
        };
      });
      return finish(reply, start, 'success', 202, {
        total: items.length,
        accepted: jobs.length,
        results: items,
      });
    }
    const results = await Promise.all(jobs.map((j) => j.done));
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
    const job = queue.get(id);
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
