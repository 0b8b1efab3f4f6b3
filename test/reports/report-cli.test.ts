// `terrafix report` through commander: exit 0 for the same data, 4 for a doctored regression, 2 for bad input.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { TerraFixError } from '../../src/pipeline/errors.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { editJson, fixtureCopy, tempDir } from './helpers.js';

let dir: string;
let stdout: MockInstance<typeof process.stdout.write> | undefined;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  stdout?.mockRestore();
  process.exitCode = undefined;
});

/** Runs `terrafix ...args`; returns the exit code it set and what it printed. */
async function terrafix(args: string[]): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  process.exitCode = undefined;
  await buildProgram({}).parseAsync(['node', 'terrafix', ...args]);
  stdout.mockRestore();
  return { code: Number(process.exitCode ?? 0), out: chunks.join('') };
}

async function usageError(args: string[]): Promise<TerraFixError> {
  const error = await terrafix(args).then(
    () => undefined,
    (e: unknown) => e,
  );
  stdout?.mockRestore();
  expect(error).toBeInstanceOf(TerraFixError);
  expect((error as TerraFixError).category).toBe('config'); // main.ts maps config errors to exit 2
  return error as TerraFixError;
}

describe('terrafix report', () => {
  it('exits 0 and writes every report; the same data as baseline is no regression', async () => {
    const input = await fixtureCopy(dir, 'same');
    const first = await terrafix(['report', '--input', input]);
    expect(first.code).toBe(EXIT.ok);
    expect(first.out).toContain(`HTML report: ${join(input, 'experiment_summary.html')}`);
    expect(await readdir(join(input, 'charts'))).not.toHaveLength(0);

    const out = join(dir, 'same-out');
    const again = await terrafix(['report', '-i', input, '--baseline', input, '-o', out]);
    expect(again.code).toBe(EXIT.ok);
    expect(again.out).toContain('Baseline: no regression (0 of 2 compared runs regressed)');
    expect(await readFile(join(out, 'experiment_summary.html'), 'utf8')).toContain('NO REGRESSION');
  });

  it('exits 4 when every p95 of the current run doubled (raw results doctored)', async () => {
    const baseline = await fixtureCopy(dir, 'baseline');
    const doctored = await fixtureCopy(dir, 'doctored');
    for (const run of ['smoke_webhook', 'smoke_batch_async'])
      await editJson(join(doctored, 'smoke', run, 'result.json'), (r) => {
        (r.latency as { p95: number }).p95 *= 2;
      });
    const { code, out } = await terrafix([
      'report',
      '--input',
      doctored,
      '--baseline',
      join(baseline, 'experiment_summary.json'),
      '--no-charts',
    ]);
    expect(code).toBe(EXIT.regression);
    expect(out).toContain('Baseline: REGRESSION (2 of 2 compared runs regressed)');
    expect(out).toMatch(/smoke\/smoke_webhook: p95 rose from .* \(\+100 %; tolerance \+10 %\)/);
    // A tolerance wide enough lets the same doubling pass.
    const loose = await terrafix([
      'report',
      '-i',
      doctored,
      '-b',
      baseline,
      '--p95-tolerance',
      '1.5',
      '--no-charts',
    ]);
    expect(loose.code).toBe(EXIT.ok);
  });

  it('exits 4 against a doctored baseline summary too (halved p95)', async () => {
    const input = await fixtureCopy(dir, 'plain');
    const baseline = await fixtureCopy(dir, 'fast-baseline');
    await editJson(join(baseline, 'experiment_summary.json'), (s) => {
      for (const exp of s.experiments as { runs: { latencyMs: { p95: number } }[] }[])
        for (const r of exp.runs) r.latencyMs.p95 /= 2;
    });
    expect((await terrafix(['report', '-i', input, '-b', baseline, '--no-charts'])).code).toBe(
      EXIT.regression,
    );
  });

  it('usage errors name the option or field (exit 2)', async () => {
    expect((await usageError(['report'])).message).toMatch(/^--input: is required/);
    expect((await usageError(['report', '-i', join(dir, 'nope')])).message).toMatch(
      /^--input: .* does not exist/,
    );
    const input = await fixtureCopy(dir, 'usage');
    expect((await usageError(['report', '-i', input, '--rate-tolerance', '2'])).message).toMatch(
      /^--rate-tolerance: /,
    );
    expect((await usageError(['report', '-i', input, '-b', join(dir, 'missing')])).message).toMatch(
      /^--baseline: .* does not exist/,
    );
    await editJson(join(input, 'experiment_summary.json'), (s) => {
      (s.verdict as Record<string, unknown>).runs = 'two';
    });
    const invalid = await usageError(['report', '-i', input]);
    expect(invalid.field).toBe('verdict.runs');
    expect(invalid.message).toMatch(/invalid summary .*experiment_summary\.json: verdict\.runs: /);
  });
});
