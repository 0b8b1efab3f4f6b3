/**
 * The trivial server as its own process, for the bench (the generator must not share its CPU):
 * `node dist/experiments/engine/trivial-server-main.js <port>`; stops on SIGTERM/SIGINT.
 */
import { startTrivialServer } from './trivial-server.js';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error('usage: trivial-server-main.js <port>');

const server = await startTrivialServer({ port });
const shutdown = (): void => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
