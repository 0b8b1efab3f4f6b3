/**
 * The fake Bedrock as a process, for running real mode locally (docs: test/fakes/bedrock/README.md).
 *   --port N (default 4010)  --host H (default 127.0.0.1)
 *   --script FILE   JSON array of replies ({"kind":"text","text":"..."} | {"kind":"error","status":429,
 *                   "type":"ThrottlingException","message":"..."} | {"kind":"hang"}), answered in order
 *   --repeat        start the script again when it runs out (otherwise: ServiceUnavailableException)
 *   --model-like    answer every unscripted call like a good model: the deterministic fixer's edit of the
 *                   prompt's target block (model-like.ts), so real mode runs end to end against the fake
 * Prints one JSON line per call (model id, protocol, what it answered, prompt size) on stdout.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { modelLikeFix } from './model-like.js';
import type { Reply } from './replies.js';
import { promptOf, startFakeBedrock } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    script: { type: 'string' },
    repeat: { type: 'boolean', default: false },
    'model-like': { type: 'boolean', default: false },
  },
});
const script =
  values.script === undefined ? [] : (JSON.parse(readFileSync(values.script, 'utf8')) as Reply[]);
const fake = await startFakeBedrock({
  port: Number(values.port),
  host: values.host,
  ...(values['model-like'] ? { fallback: modelLikeFix } : {}),
  onCall: (call) => {
    process.stdout.write(
      `${JSON.stringify({ modelId: call.modelId, http: call.httpVersion, answered: call.answered, promptChars: promptOf(call).length })}\n`,
    );
    if (values.repeat && fake.pending() === 0) fake.script(...script);
  },
});
fake.script(...script);
process.stderr.write(`fake Bedrock listening on ${fake.url} (${script.length} scripted replies)\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void fake.close());
