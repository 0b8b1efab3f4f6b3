// Bundles the k6 script into experiments/k6/dist/terrafix.js (k6 0.47 runs no TypeScript and resolves no
// packages). Run from the repository root: `npm run build:k6`. The options live in bundle.config.json so the
// test that checks the committed bundle is current builds it the same way.
import { build } from 'esbuild';
import config from './bundle.config.json' with { type: 'json' };

await build({ ...config, logLevel: 'info' });
