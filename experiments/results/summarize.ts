/** A run's summary from its raw data: the runner calls it after a run, `terrafix report` again on the files. */
import type { TerraFixError } from '../../src/pipeline/errors.js';
import type { RunProfile } from '../profiles/schema.js';
import { runFindings } from './findings.js';
import type { RunResult } from './run-result.js';
import type { ScrapeSample } from './scrape-sample.js';
import { summarizeServer } from './server-summary.js';
import type { RunSummary } from './summary-schema.js';
import { evaluateThresholds } from './thresholds.js';

/** The summary of a run that produced no result (configuration refused, target gone). */
export function errorSummary(run: RunProfile, experiment: string, error: TerraFixError): RunSummary {
  return {
    name: run.name,
    experiment,
    description: run.description,
    status: 'error',
    error: error.message,
    errorCode: error.code,
    passed: false,
    startedAt: null,
    endedAt: null,
    durationSeconds: null,
    load: run.load,
    payload: run.payload,
    mock: run.mock,
    requests: 0,
    iterations: 0,
    items: 0,
    statusCounts: {},
    errorsByKind: {},
    errorRate: 0,
    intendedRate: null,
    achievedRate: 0,
    droppedIterations: 0,
    droppedRate: 0,
    latencyMs: null,
    thresholds: [],
    server: null,
    findings: {},
    files: { result: null, scrapes: null },
  };
}

/** Builds the run's summary from its raw data; `terrafix report` calls this again on the files. */
export function summarizeRun(
  run: RunProfile,
  experiment: string,
  result: RunResult,
  scrapes: readonly ScrapeSample[],
  healthyAfter: boolean,
  files: { result: string; scrapes: string },
): RunSummary {
  const server = summarizeServer(scrapes);
  const thresholds = evaluateThresholds(run.thresholds, result);
  const errors = Object.values(result.errors).reduce((t, n) => t + n, 0);
  const due = result.iterations + result.droppedIterations;
  return {
    name: run.name,
    experiment,
    description: run.description,
    status: result.aborted === null ? 'completed' : 'stopped',
    error: null,
    errorCode: null,
    passed: thresholds.every((t) => t.passed),
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    durationSeconds: result.durationSeconds,
    load: run.load,
    payload: run.payload,
    mock: run.mock,
    requests: result.requests,
    iterations: result.iterations,
    items: result.items,
    statusCounts: result.statusCounts,
    errorsByKind: result.errors,
    errorRate: result.requests === 0 ? 0 : Math.round((errors / result.requests) * 10_000) / 10_000,
    intendedRate: result.intendedRate,
    achievedRate: result.achievedRate,
    droppedIterations: result.droppedIterations,
    droppedRate: due === 0 ? 0 : Math.round((result.droppedIterations / due) * 10_000) / 10_000,
    latencyMs: result.latency,
    thresholds,
    server,
    findings: runFindings({ run, result, scrapes, server, healthyAfter }),
    files,
    ...(result.aborted === 'interrupted' ? { interrupted: true } : {}),
  };
}
