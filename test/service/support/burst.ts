/** A burst of failures for the caps and dry-run tests: one Vanta test failing on `count` S3 buckets in one repo. */
import type { Fakes } from '../../e2e/support.js';

export const BURST_TEST = 'aws-s3-bucket-versioning-enabled';
export const BURST_REPO = { owner: 'octo', name: 'burst' } as const;

const bucket = (i: number) => `burst-bucket-${String(i).padStart(2, '0')}`;

/** Creates octo/burst with `count` unversioned buckets and makes fake Vanta fail exactly those. */
export async function seedBurst(fakes: Fakes, count: number): Promise<void> {
  const blocks = Array.from(
    { length: count },
    (_, i) => `resource "aws_s3_bucket" "b${i}" {\n  bucket = "${bucket(i)}"\n}\n`,
  );
  await fakes.github.createRepo(BURST_REPO.owner, BURST_REPO.name, {
    files: { 'terraform/buckets.tf': blocks.join('\n') },
  });
  const data = fakes.vanta.data;
  const test = data.tests.find((t) => t.id === BURST_TEST);
  if (test === undefined) throw new Error(`fixture data has no ${BURST_TEST}`);
  data.tests.splice(0, data.tests.length, test);
  data.entities = {
    [BURST_TEST]: Array.from({ length: count }, (_, i) => ({
      id: `65e00000000000000000b${String(i).padStart(3, '0')}`,
      entityStatus: 'FAILING' as const,
      displayName: bucket(i),
      responseType: 'AWS S3 bucket',
      deactivatedReason: null,
      lastUpdatedDate: '2026-01-05T10:00:00.000Z',
      createdDate: '2026-01-01T10:00:00.000Z',
    })),
  };
}

/** Every repository maps to octo/burst. */
export const BURST_MAPPING = JSON.stringify({ default: `${BURST_REPO.owner}/${BURST_REPO.name}` });
