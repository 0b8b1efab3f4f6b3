import { execFileSync } from 'node:child_process';
import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { GOMEMLIMIT_SHELL, K6_GOGC, k6GcEnv } from '../../../experiments/engine/k6-gc.js';

const GIB = 2 ** 30;

describe("k6's Go GC settings", () => {
  it('sets GOGC and a soft memory limit of a quarter of the machine', () => {
    expect(k6GcEnv({ PATH: '/bin' }, 24 * GIB)).toEqual({ GOGC: String(K6_GOGC), GOMEMLIMIT: '6144MiB' });
  });

  it('never sets a limit below 512 MiB', () => {
    expect(k6GcEnv({}, GIB)).toEqual({ GOGC: '400', GOMEMLIMIT: '512MiB' });
  });

  it("keeps the user's own setting of either (an empty value counts as unset)", () => {
    expect(k6GcEnv({ GOGC: 'off' }, 24 * GIB)).toEqual({});
    expect(k6GcEnv({ GOMEMLIMIT: '2GiB' }, 24 * GIB)).toEqual({});
    expect(k6GcEnv({ GOGC: '' }, 24 * GIB)).toMatchObject({ GOGC: '400' });
  });

  it('gives the exported run.sh the same limit, computed by the shell from /proc/meminfo', () => {
    const shell = execFileSync('sh', ['-c', GOMEMLIMIT_SHELL], { encoding: 'utf8' });
    expect(shell).toBe(k6GcEnv({}, totalmem())['GOMEMLIMIT']);
  });
});
