/**
 * The service's health server (port 8080 by default, separate from the API server): `/health` (liveness),
 * `/ready` (Redis answers and the process is not draining; 503 otherwise, so the load balancer stops sending),
 * `/status` (components, leader or follower, last poll, uptime, counts) and `/metrics` (the guide's JSON, or
 * Prometheus text for `Accept: text/plain` or `?format=prometheus`, so one scrape config serves both servers).
 * Built as an app (tests use inject); `startHealthServer` listens.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type client from 'prom-client';
import { metricsJson } from '../observability/metrics-json.js';
import { TerraFixError } from '../pipeline/errors.js';

export interface HealthSources {
  /** Throws while Redis is unreachable. */
  pingRedis(): Promise<void>;
  draining(): boolean;
  /** The `/status` body (built by the service). */
  status(): Promise<Record<string, unknown>>;
  registry: client.Registry;
}

/** Whether a `/metrics` request asks for Prometheus text rather than JSON. */
export function wantsPrometheus(accept: string | undefined, format: string | undefined): boolean {
  if (format !== undefined) return format === 'prometheus' || format === 'text';
  if (accept === undefined) return false;
  return /\btext\/plain\b|openmetrics/.test(accept) && !/application\/json/.test(accept);
}

export function buildHealthApp(sources: HealthSources): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/health', () => ({ status: 'healthy' }));
  app.get('/ready', async (_request, reply) => {
    const redis = await sources.pingRedis().then(
      () => 'connected',
      () => 'unreachable',
    );
    const draining = sources.draining();
    const ready = redis === 'connected' && !draining;
    return reply
      .code(ready ? 200 : 503)
      .send(ready ? { status: 'ready', redis } : { status: 'not ready', redis, draining });
  });
  app.get('/status', () => sources.status());
  app.get<{ Querystring: { format?: string } }>('/metrics', async (request, reply) => {
    if (wantsPrometheus(request.headers.accept, request.query.format)) {
      return reply.type(sources.registry.contentType).send(await sources.registry.metrics());
    }
    return metricsJson(sources.registry);
  });
  return app;
}

export interface RunningHealthServer {
  url: string;
  close(): Promise<void>;
}

export async function startHealthServer(
  sources: HealthSources,
  listen: { host: string; port: number },
): Promise<RunningHealthServer> {
  const app = buildHealthApp(sources);
  try {
    await app.listen(listen);
  } catch (error) {
    throw new TerraFixError('TFX_CONFIG', `cannot listen on ${listen.host}:${listen.port}`, {
      category: 'config',
      cause: error,
      field: 'TERRAFIX_HEALTH_PORT',
    });
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : listen.port;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return { url: `http://${host}:${port}`, close: () => app.close() };
}
