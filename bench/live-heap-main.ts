/**
 * Child process of the bench (run with --expose-gc): pushes unique failures through the real mock runtime in
 * rounds and prints the live heap after a forced GC per round as JSON lines. Live heap, not RSS: garbage and
 * allocator slack do not count, so growth here would be a leak.
 */
import { createRuntimeForConfig } from '../src/api-server/runtime-for-config.js';
import { loadApiServerConfig } from '../src/config/api-server.js';
import { createLogger } from '../src/observability/logger.js';
import { failureSchema } from '../src/pipeline/failure.js';
import { failureStream } from '../src/simulation/synth/templates.js';

const rounds = Number(process.argv[2] ?? 8);
const perRound = Number(process.argv[3] ?? 25_000);
const cap = process.argv[4] ?? '50000';
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const runtime = await createRuntimeForConfig(
  loadApiServerConfig({
    TERRAFIX_MOCK_MODE: 'true',
    TERRAFIX_MOCK_LATENCY_MS: '0',
    TERRAFIX_TERRAFORM_VALIDATE: 'off',
    TERRAFIX_MEMORY_STATE_MAX: cap,
    TERRAFIX_QUEUE_LIMIT: '100000',
  }),
  { logger: createLogger('silent') },
);
const failures = failureStream(77, 'medium');
const live = () => {
  gc();
  return process.memoryUsage().heapUsed;
};
process.stdout.write(`${JSON.stringify({ processed: 0, liveHeapBytes: live() })}\n`);
for (let round = 1; round <= rounds; round++) {
  for (let done = 0; done < perRound; done += 1000) {
    const batch = Array.from({ length: 1000 }, () => failureSchema.parse(failures.next().value));
    const admission = await runtime.queue.submit(batch);
    if (!admission.accepted) throw new Error('queue refused a batch');
    await Promise.all(admission.ids.map((id) => runtime.queue.wait(id)));
  }
  process.stdout.write(`${JSON.stringify({ processed: round * perRound, liveHeapBytes: live() })}\n`);
}
await runtime.close();
