/**
 * The baseline: a fastify 5 server that parses the same JSON webhook body and answers a small JSON object,
 * with nothing else. Run as `node dist/bench/servers/bare-fastify.js <port>`; stops on SIGTERM.
 */
import Fastify from 'fastify';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error('usage: bare-fastify.js <port>');

const app = Fastify({ logger: false });
app.get('/ready', () => ({ status: 'ready' }));
app.post('/webhook', (request) => {
  const body = request.body as { test_id?: unknown };
  return { accepted: true, test_id: typeof body.test_id === 'string' ? body.test_id : null };
});

await app.listen({ port, host: '127.0.0.1' });
const shutdown = () => {
  app.close().then(
    () => undefined,
    () => process.exit(1),
  );
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
