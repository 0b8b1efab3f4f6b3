/** What `terrafix experiments list` and `experiments export` do once their options are parsed. */
import { z } from 'zod';
import { loadProfile, loadProfileFile } from '../../../experiments/profiles/load.js';
import {
  EXPERIMENT_NAMES,
  type ExperimentProfile,
  loadDuration,
} from '../../../experiments/profiles/schema.js';
import { exportExperiment } from '../../../experiments/runner/export.js';
import { TerraFixError } from '../../pipeline/errors.js';
import { parseOptions } from '../tolerance-options.js';
import { durationScaleSchema, maxRequestsSchema, seedSchema } from './experiments-run.js';

/** The experiments `list` shows: every shipped one, then the files given. */
export function listedProfiles(files: readonly string[]): ExperimentProfile[] {
  return [...EXPERIMENT_NAMES.map((name) => loadProfile(name)), ...files.map((f) => loadProfileFile(f))];
}

/** One block per experiment: name, description, then each run with its executor and planned seconds. */
export function describeProfiles(profiles: readonly ExperimentProfile[]): string {
  const lines: string[] = [];
  for (const p of profiles) {
    lines.push(`${p.name}: ${p.description}`);
    for (const run of p.runs) {
      const warm = run.warmupSeconds > 0 ? `, warm-up ${run.warmupSeconds} s` : '';
      lines.push(`  ${run.name.padEnd(28)} ${run.load.executor} ${loadDuration(run.load)} s${warm}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `experiments list`. */
export function listExperimentsCommand(raw: Record<string, unknown>): void {
  const o = parseOptions(z.object({ profile: z.array(z.string().min(1)).default([]) }), raw);
  process.stdout.write(describeProfiles(listedProfiles(o.profile)));
}

const exportSchema = z.object({
  experiment: z.enum(EXPERIMENT_NAMES).optional(),
  profile: z.array(z.string().min(1)).max(1, 'export takes one profile').optional(),
  output: z.string().min(1),
  host: z.string().url(),
  seed: seedSchema,
  durationScale: durationScaleSchema,
  maxRequests: maxRequestsSchema,
  parallelism: z.coerce.number().int().min(1).max(1000),
});

/** `experiments export`. */
export async function exportExperimentCommand(raw: Record<string, unknown>): Promise<void> {
  const o = parseOptions(exportSchema, raw);
  const file = o.profile?.[0];
  if ((o.experiment === undefined) === (file === undefined)) {
    throw new TerraFixError('TFX_CONFIG', '--experiment or --profile: give exactly one', {
      category: 'config',
      field: '--experiment',
    });
  }
  const profile = file === undefined ? loadProfile(o.experiment!) : loadProfileFile(file);
  const runs = await exportExperiment({
    profile,
    output: o.output,
    host: new URL(o.host).origin,
    seed: o.seed,
    durationScale: o.durationScale,
    maxRequests: o.maxRequests,
    parallelism: o.parallelism,
  });
  process.stdout.write(
    `Exported ${profile.name} to ${o.output}: terrafix.js, profile.json and, per run, spec.json, run.sh, testrun.yaml\n` +
      runs.map((r) => `  ${r.dir}/run.sh`).join('\n') +
      '\n',
  );
}
