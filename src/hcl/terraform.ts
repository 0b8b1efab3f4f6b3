/**
 * The `terraform` binary as a validator: `init -backend=false` then `validate -json` in a directory.
 * Runs with execFile and an argument array (never a shell). Fails closed: a timeout, a crash, a non-zero
 * init or unreadable validate output is a failed check, never a pass. Not part of this port: plan, apply,
 * credentials, remote state.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { Logger } from 'pino';

/** One `terraform validate -json` diagnostic; `filename` is relative to the validated directory. */
export interface TerraformDiagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
  filename?: string;
  line?: number;
}

/** `diagnostics` is present whenever validate ran and its output was readable (errors and warnings). */
export type TerraformCheck =
  | { ok: true; warnings: number; diagnostics?: TerraformDiagnostic[] }
  | { ok: false; stage: 'init' | 'validate'; reason: string; diagnostics?: TerraformDiagnostic[] };

export interface TerraformRunner {
  /** Absolute path of the binary. */
  readonly binary: string;
  /** Runs `terraform init -backend=false` then `terraform validate -json` in `dir`. Never rejects. */
  validate(dir: string): Promise<TerraformCheck>;
}

export interface TerraformRunnerOptions {
  /** Limit per command (init, then validate). Default 120 s. */
  timeoutMs?: number;
  /** Environment for the binary (e.g. with TF_PLUGIN_CACHE_DIR); default: this process's environment. */
  env?: Readonly<Record<string, string>>;
  /** Receives a failed command's raw output at debug level; answers and PR bodies get a summary only. */
  logger?: Pick<Logger, 'debug'>;
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  failure?: string;
}

function run(binary: string, args: string[], cwd: string, options: TerraformRunnerOptions): Promise<Outcome> {
  const timeout = options.timeoutMs ?? 120_000;
  return new Promise((resolve) => {
    execFile(
      binary,
      args,
      {
        cwd,
        timeout,
        maxBuffer: 16 * 1024 * 1024,
        windowsHide: true,
        ...(options.env ? { env: options.env } : {}),
      },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ code: 0, stdout, stderr });
        const killed = 'killed' in error && error.killed === true;
        const code = typeof error.code === 'number' ? error.code : null;
        // A spawn failure's message names the binary's path: keep its errno code only.
        const errno = typeof error.code === 'string' ? error.code : 'unknown error';
        const failure = killed
          ? `timed out after ${timeout} ms`
          : code === null
            ? `could not run (${errno})`
            : undefined;
        resolve({ code, stdout, stderr, ...(failure === undefined ? {} : { failure }) });
      },
    );
  });
}

/**
 * A failed command in a few words for answers and PR bodies: terraform's own error summary line (a fixed text such
 * as "Failed to query available provider packages"), never the detail lines, which name hosts, resolver addresses
 * and paths of the machine. Anything address- or path-shaped left in the summary is masked too.
 */
export function summariseToolOutput(text: string): string {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^(?:│\s*)?Error:/.test(l));
  if (line === undefined) return 'no error summary in the output';
  return line
    .replace(/^(?:│\s*)?Error:\s*/, '')
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b|\[?[0-9a-f]*:[0-9a-f:]+\]?:\d+/gi, '<address>')
    .replace(/(?:^|\s)\/[^\s"']+/g, ' <path>')
    .slice(0, 160);
}

/** Logs a failed command's raw output (debug only) and returns its summary. */
function summarise(outcome: Outcome, command: string, options: TerraformRunnerOptions): string {
  options.logger?.debug(
    {
      command,
      exitCode: outcome.code,
      stdout: outcome.stdout.slice(-4000),
      stderr: outcome.stderr.slice(-4000),
    },
    'terraform command failed',
  );
  return summariseToolOutput(`${outcome.stderr}\n${outcome.stdout}`);
}

interface Diagnostic {
  severity?: string;
  summary?: string;
  detail?: string;
  range?: { filename?: string; start?: { line?: number } };
}

function describe(diagnostic: Diagnostic): string {
  const where =
    diagnostic.range?.filename === undefined
      ? ''
      : `${diagnostic.range.filename}:${diagnostic.range.start?.line ?? '?'}: `;
  return `${where}${diagnostic.summary ?? 'error'}${diagnostic.detail ? ` (${diagnostic.detail})` : ''}`;
}

function toDiagnostic(d: Diagnostic): TerraformDiagnostic {
  const line = d.range?.start?.line;
  return {
    severity: d.severity === 'warning' ? 'warning' : 'error',
    summary: d.summary ?? 'error',
    detail: d.detail ?? '',
    ...(d.range?.filename === undefined ? {} : { filename: d.range.filename }),
    ...(line === undefined ? {} : { line }),
  };
}

/** Reads `terraform validate -json` output; anything unreadable is a failure. */
function readValidateOutput(outcome: Outcome, options: TerraformRunnerOptions): TerraformCheck {
  let parsed: { valid?: unknown; warning_count?: unknown; diagnostics?: Diagnostic[] };
  try {
    parsed = JSON.parse(outcome.stdout) as typeof parsed;
  } catch {
    return {
      ok: false,
      stage: 'validate',
      reason: `unreadable output (exit ${outcome.code ?? '?'}): ${summarise(outcome, 'validate', options)}`,
    };
  }
  const diagnostics = (parsed.diagnostics ?? []).map(toDiagnostic);
  if (parsed.valid === true && outcome.code === 0) {
    const warnings = typeof parsed.warning_count === 'number' ? parsed.warning_count : 0;
    return { ok: true, warnings, diagnostics };
  }
  const errors = (parsed.diagnostics ?? []).filter((d) => d.severity === 'error').map(describe);
  return {
    ok: false,
    stage: 'validate',
    reason: errors.length > 0 ? errors.join('; ') : `invalid (exit ${outcome.code ?? '?'})`,
    diagnostics,
  };
}

/** A runner for the binary at `binary` (no check that it exists; see findTerraform). */
export function createTerraformRunner(binary: string, options: TerraformRunnerOptions = {}): TerraformRunner {
  return {
    binary,
    async validate(dir) {
      const init = await run(binary, ['init', '-backend=false', '-input=false', '-no-color'], dir, options);
      if (init.failure !== undefined || init.code !== 0) {
        return {
          ok: false,
          stage: 'init',
          reason: init.failure ?? `exit ${init.code ?? '?'}: ${summarise(init, 'init', options)}`,
        };
      }
      const validate = await run(binary, ['validate', '-json', '-no-color'], dir, options);
      if (validate.failure !== undefined) return { ok: false, stage: 'validate', reason: validate.failure };
      return readValidateOutput(validate, options);
    },
  };
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Finds an executable `terraform` on a PATH string (the caller passes it; empty entries are skipped). */
export function findTerraform(
  pathEnv: string | undefined,
  options: TerraformRunnerOptions = {},
): TerraformRunner | undefined {
  const names = process.platform === 'win32' ? ['terraform.exe', 'terraform'] : ['terraform'];
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return createTerraformRunner(resolve(candidate), options);
    }
  }
  return undefined;
}
