import { TerraFixError } from '../../src/pipeline/errors.js';
import { BuiltinEngine } from '../engine/builtin-engine.js';
import { findK6, K6Engine } from '../engine/k6-engine.js';
import type { LoadEngine } from '../engine/port.js';

export type EngineChoice = 'auto' | 'k6' | 'builtin';

/** `auto` uses k6 when it is on PATH, else the built-in engine; `k6` without a binary is a usage error. */
export function chooseEngine(
  choice: EngineChoice,
  pathEnv: string | undefined,
  env?: Readonly<Record<string, string | undefined>>,
): LoadEngine {
  if (choice === 'builtin') return new BuiltinEngine();
  const k6 = findK6(pathEnv);
  if (k6 !== undefined) return new K6Engine(k6, env === undefined ? {} : { env });
  if (choice === 'k6') {
    throw new TerraFixError(
      'TFX_CONFIG',
      '--engine k6: no k6 binary on PATH (use --engine builtin or auto)',
      {
        category: 'config',
        field: '--engine',
      },
    );
  }
  return new BuiltinEngine();
}
