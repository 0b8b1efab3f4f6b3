/** `npm run bench:k6`: only the terrafix.js-vs-trivial-k6-script comparison (also part of `npm run bench`). */
import { stopAll } from './children.js';
import { compareK6Scripts, renderK6Ratio } from './k6-script-ratio.js';
import { loadBenchConfig } from './config.js';

const config = loadBenchConfig();
try {
  const result = await compareK6Scripts(process.env.PATH, {
    vus: config.connections,
    seconds: config.seconds,
    rounds: config.k6Rounds,
  });
  process.stdout.write(renderK6Ratio(result));
} finally {
  await stopAll();
}
