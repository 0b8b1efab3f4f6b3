/**
 * What the fake Vanta serves: OAuth applications, tests (Vanta's Test objects, plus the fake-only `frameworks`
 * list that `frameworkFilter` reads) and each test's entities. Entities have no ARN, as in Vanta (protocols.md §1.4).
 * The same shape is the standalone fake's `--data` file.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const entitySchema = z.looseObject({
  id: z.string().min(1),
  entityStatus: z.enum(['FAILING', 'DEACTIVATED']).default('FAILING'),
  displayName: z.string().min(1),
  responseType: z.string().nullable().default(null),
  deactivatedReason: z.string().nullable().default(null),
  lastUpdatedDate: z.string().default('2026-01-05T10:00:00.000Z'),
  createdDate: z.string().default('2026-01-01T10:00:00.000Z'),
});

const testSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1),
  status: z.enum(['OK', 'DEACTIVATED', 'NEEDS_ATTENTION', 'IN_PROGRESS', 'INVALID', 'NOT_APPLICABLE']),
  category: z.string().default('Infrastructure'),
  lastTestRunDate: z.string().default('2026-01-05T10:00:00.000Z'),
  description: z.string().default(''),
  failureDescription: z.string().default(''),
  remediationDescription: z.string().default(''),
  integrations: z.array(z.string()).default(['aws']),
  /** Fake-only: the frameworks whose filter lists this test. Never sent to clients. */
  frameworks: z.array(z.string()).default([]),
});

export const fakeVantaDataSchema = z.object({
  clients: z.array(z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) })).min(1),
  tests: z.array(testSchema),
  entities: z.record(z.string(), z.array(entitySchema)).default({}),
});

export type FakeVantaData = z.output<typeof fakeVantaDataSchema>;
export type FakeVantaDataInput = z.input<typeof fakeVantaDataSchema>;
export type FakeTest = FakeVantaData['tests'][number];
export type FakeEntity = z.output<typeof entitySchema>;

/** Fills defaults and checks the shape; throws a readable error for a bad data file. */
export function fakeVantaData(input: FakeVantaDataInput): FakeVantaData {
  return fakeVantaDataSchema.parse(input);
}

export async function readFakeVantaData(path: string): Promise<FakeVantaData> {
  return fakeVantaData(JSON.parse(await readFile(path, 'utf8')) as FakeVantaDataInput);
}
