import type { FastifyError, FastifyInstance, FastifyPluginCallback } from 'fastify';
import { TerraFixError } from '../pipeline/errors.js';
import { issuesOf } from '../pipeline/validate-input.js';
import { redactText } from '../pipeline/redact.js';
import { configureRoute } from './routes/configure.js';
import { healthRoutes } from './routes/health.js';
import { intakeRoutes } from './routes/intake.js';
import { metricsRoute } from './routes/metrics.js';
import { statusRoutes } from './routes/status.js';
import { HttpDrain } from './http-drain.js';
import { lingerAfterRefusal } from './linger.js';
import { SIGNATURE_ERRORS, type SignatureVerdict, verifySignature } from './signature.js';
import type { ApiRuntime } from './runtime-types.js';

const KNOWN_PATHS = new Map<string, string>([
  ['/webhook', 'POST'],
  ['/batch', 'POST'],
  ['/configure', 'GET, POST'],
  ['/stats/reset', 'GET, POST'],
  ['/health', 'GET, HEAD'],
  ['/ready', 'GET, HEAD'],
  ['/status', 'GET, HEAD'],
  ['/metrics', 'GET, HEAD'],
]);

/** Retry-After of a 503 that does not set its own (the queue's refusals estimate theirs). */
export const TRANSIENT_RETRY_AFTER_SECONDS = 5;

/** How much of a refused oversized body is read (and dropped) before the connection is closed anyway. */
const LINGER_MAX_BYTES = 16 * 1024 * 1024;
const LINGER_MAX_MS = 5_000;

const JOB_PATH = /^\/jobs\/[^/]+$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when routing began; the start of http_request_duration_seconds. */
    receivedAt: number;
    /** The JSON body as received (empty for other content types); async webhooks queue it. */
    rawBody: string;
    /** Whether the request is counted in HttpDrain.active (its handler started, its answer is not sent). */
    inHandler: boolean;
    /** Whether the body's signature was checked (by the JSON parser; bodyless POSTs are checked before validation). */
    signatureChecked: boolean;
  }
}

/** The 401 for a request whose signature is missing, malformed or wrong (the error handler sends our body shape). */
function unauthorized(verdict: Exclude<SignatureVerdict, 'valid'>): Error {
  return Object.assign(new Error(SIGNATURE_ERRORS[verdict]), { statusCode: 401, code: 'TFX_UNAUTHORIZED' });
}

/**
 * The API server as a fastify plugin: routes, validation, errors. Never listens (server.ts does).
 * Bad input always gets a 4xx naming the field; only our own bugs produce a 5xx.
 */
export function apiServerApp(runtime: ApiRuntime, drain = new HttpDrain()): FastifyPluginCallback {
  return (app: FastifyInstance, _options, done) => {
    app.decorateRequest('receivedAt', 0);
    app.decorateRequest('rawBody', '');
    app.decorateRequest('inHandler', false);
    // fastify.close() runs this before it stops listening: from now on every answer closes its connection.
    app.addHook('preClose', (done) => {
      drain.begin();
      done();
    });
    app.decorateRequest('signatureChecked', false);
    // fastify's own JSON parser (prototype poisoning refused), keeping the text it parsed.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    const secret = runtime.config.webhookSecret;
    if (secret === undefined) {
      app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
        const text = typeof body === 'string' ? body : body.toString('utf8');
        request.rawBody = text;
        void parseJson(request, text, done);
      });
    } else {
      // Signed requests: the HMAC is checked over the bytes as received (within the body limit), before the JSON
      // is parsed, so an unsigned or altered body is refused 401 without anything of it being used.
      app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
        const raw = typeof body === 'string' ? Buffer.from(body) : body;
        request.signatureChecked = true;
        const verdict = verifySignature(secret, raw, request.headers['x-terrafix-signature']);
        if (verdict !== 'valid') {
          done(unauthorized(verdict), undefined);
          return;
        }
        const text = raw.toString('utf8');
        request.rawBody = text;
        void parseJson(request, text, done);
      });
      // A POST that reached no JSON parser (no body) is signed over the empty body.
      app.addHook('preValidation', (request, _reply, done) => {
        if (request.method !== 'POST' || request.signatureChecked) {
          done();
          return;
        }
        const verdict = verifySignature(secret, Buffer.alloc(0), request.headers['x-terrafix-signature']);
        if (verdict === 'valid') done();
        else done(unauthorized(verdict));
      });
    }
    // Callback hooks, not async ones (an async hook costs a promise per request), and onSend rather than
    // onResponse: an onResponse hook makes fastify attach finish/error listeners to every response, which
    // cost more than the rest of the hook work. The duration therefore ends when the answer is handed over.
    app.addHook('onRequest', (request, reply, done) => {
      request.receivedAt = performance.now();
      void reply.header('access-control-allow-origin', '*');
      if (drain.draining) {
        // A request on a connection that was busy when the drain began: refused, and the connection closes.
        void reply.code(503).send({
          error: 'Server is shutting down',
          code: 'TFX_SHUTTING_DOWN',
          retry_after_seconds: TRANSIENT_RETRY_AFTER_SECONDS,
        });
        return;
      }
      done();
    });
    app.addHook('preHandler', (request, _reply, done) => {
      request.inHandler = true;
      drain.enter();
      done();
    });
    app.addHook('onSend', (request, reply, payload, done) => {
      // Every 503 is transient (draining, state store out, retries of a fault ran out): say when to come back.
      if (reply.statusCode === 503 && !reply.hasHeader('retry-after'))
        void reply.header('retry-after', String(TRANSIENT_RETRY_AFTER_SECONDS));
      // An answer sent during the drain closes its connection, so keep-alive clients cannot hold the process.
      if (drain.draining) void reply.header('connection', 'close');
      if (request.inHandler) {
        request.inHandler = false;
        drain.leave();
      }
      const route = request.routeOptions.url ?? 'unmatched';
      const seconds = (performance.now() - request.receivedAt) / 1000;
      runtime.intakeMetrics.observeHttp(request.method, route, reply.statusCode, seconds);
      done(null, payload);
    });

    app.setErrorHandler((error: FastifyError | TerraFixError, request, reply) => {
      if (error instanceof TerraFixError && error.category === 'validation') {
        return reply
          .code(400)
          .send({ error: error.message, code: error.code, issues: issuesOf(error) ?? [] });
      }
      const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
      if (status < 500) {
        if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          // fastify closes the connection after a 413 while the client may still be sending: read the rest (up
          // to a bound) and keep the connection instead, so the client gets to read this answer.
          void reply.removeHeader('connection');
          lingerAfterRefusal(
            request.raw,
            Math.max(LINGER_MAX_BYTES, 2 * runtime.config.bodyLimitBytes),
            LINGER_MAX_MS,
          );
        }
        // fastify's own 4xx: malformed JSON, body too large, unsupported media type.
        return reply
          .code(status)
          .send({ error: redactText(error.message), code: error.code ?? 'TFX_BAD_REQUEST' });
      }
      runtime.logger.error(
        { err: error, method: request.method, route: request.routeOptions.url ?? 'unmatched' },
        'Unhandled error in request',
      );
      return reply.code(500).send({ error: 'Internal server error', code: 'TFX_INTERNAL' });
    });

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      const allow = KNOWN_PATHS.get(path);
      if (request.method === 'OPTIONS') {
        return reply
          .code(204)
          .header('access-control-allow-methods', allow ?? 'GET, POST, OPTIONS')
          .header('access-control-allow-headers', 'content-type, prefer, x-terrafix-signature')
          .header('access-control-max-age', '600')
          .send();
      }
      // `/jobs/<id>` exists for GET only; a deeper path under /jobs/ is simply not found.
      if (allow !== undefined || JOB_PATH.test(path)) {
        return reply
          .code(405)
          .header('allow', allow ?? 'GET')
          .send({ error: `Method ${request.method} not allowed on ${path}`, code: 'TFX_METHOD_NOT_ALLOWED' });
      }
      return reply.code(404).send({ error: 'Not found', code: 'TFX_NOT_FOUND' });
    });

    healthRoutes(app, runtime);
    metricsRoute(app, runtime);
    statusRoutes(app, runtime);
    configureRoute(app, runtime);
    intakeRoutes(app, runtime);
    done();
  };
}
