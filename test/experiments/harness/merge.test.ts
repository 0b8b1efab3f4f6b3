/** Several load generators' raw outputs of one run merge into the summary of the whole run. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { K6RunAccumulator } from '../../../experiments/engine/k6-ndjson.js';
import { runSchema, type LoadShape } from '../../../experiments/profiles/schema.js';
import { summarizeRun } from '../../../experiments/results/summarize.js';
import { mergeK6Outputs, mergeRunResults } from '../../../experiments/runner/merge.js';
import { mergeOutputs } from '../../../src/cli/lab/report-merge.js';

const FIXTURE = fileURLToPath(new URL('../k6/fixtures/k6-run.ndjson', import.meta.url));
const LOAD: LoadShape = {
  executor: 'constant-arrival-rate',
  rate: 4,
  duration: 3,
  preAllocatedVUs: 2,
  maxVUs: 4,
};
const RUN = runSchema.parse({
  name: 'merged',
  description: 'a run measured by several runners',
  load: LOAD,
  thresholds: [
    { metric: 'p95_ms', op: '<', value: 500 },
    { metric: 'error_rate', op: '<', value: 0.5 },
  ],
  stopWhen: { errorRate: 0.9, sustainSeconds: 2 },
  findings: ['cascade', 'knee'],
});
const files = { result: 'x/merged/result.json', scrapes: 'x/merged/scrapes.json' };

/** Deals the lines round-robin into n parts, as n runners would each have written their share. */
function split(text: string, n: number): string[] {
  const parts: string[][] = Array.from({ length: n }, () => []);
  text.split('\n').forEach((line, i) => parts[i % n]!.push(line));
  return parts.map((p) => p.join('\n'));
}

describe('report --merge', () => {
  it('k6 NDJSON split into N parts and merged gives the summary of the whole', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const whole = new K6RunAccumulator();
    text.split('\n').forEach((line) => whole.addLine(line));
    const wholeResult = whole.toRunResult({
      load: LOAD,
      k6Version: 'k6 (merged NDJSON)',
      fallbackStart: new Date(0),
      aborted: null,
    });
    const expected = summarizeRun(RUN, 'x', wholeResult, [], true, files);
    for (const n of [2, 3, 5]) {
      const merged = mergeOutputs(split(text, n), LOAD);
      expect(merged).toEqual(mergeK6Outputs(split(text, n), { load: LOAD, k6Version: 'k6 (merged NDJSON)' }));
      expect(summarizeRun(RUN, 'x', merged, [], true, files), `${n} parts`).toEqual(expected);
    }
    expect(expected.requests).toBeGreaterThan(0);
  });

  it('RunResults merge with their HDR histograms added, counters and rates summed, seconds aligned', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const parts = split(text, 2).map((part) => mergeK6Outputs([part], { load: LOAD, k6Version: 'k6' }));
    const merged = mergeRunResults(parts);
    const whole = mergeK6Outputs([text], { load: LOAD, k6Version: 'k6' });
    expect(merged.requests).toBe(whole.requests);
    expect(merged.statusCounts).toEqual(whole.statusCounts);
    expect(merged.errors).toEqual(whole.errors);
    expect(merged.droppedIterations).toBe(whole.droppedIterations);
    // One histogram of all latencies: the whole run's distribution, exactly.
    expect(merged.latency).toEqual(whole.latency);
    expect(merged.timeline.reduce((t, p) => t + p.requests, 0)).toBe(whole.requests);
    expect(() => mergeOutputs([JSON.stringify(parts[0]), text], LOAD)).toThrow(/not both/);
  });
});
