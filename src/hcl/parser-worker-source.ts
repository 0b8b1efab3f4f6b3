/**
 * Source of the parser worker, run with `new Worker(source, { eval: true })`. Kept as a string so the same
 * code works when the TypeScript sources run under vitest and when compiled JS runs from dist/ (a worker
 * file URL resolves to `.ts` in one and `.js` in the other). CommonJS because eval workers are scripts.
 *
 * Protocol: in `{ id, path, content }`; out `{ id, ok: true, doc }` or `{ id, ok: false, message }`.
 */
export const PARSER_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { parse } = require(workerData.hcl2jsonPath);
parentPort.on('message', (request) => {
  parse(request.path, request.content).then(
    (doc) => parentPort.postMessage({ id: request.id, ok: true, doc }),
    (error) => parentPort.postMessage({
      id: request.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    }),
  );
});
`;
