/**
 * One (test, failing entity) pair → TerraFix's failure record. What it cannot express (no Terraform type behind the
 * entity, a record the schema refuses) comes back as a skip reason to count, never as an exception.
 */
import { type Failure, failureSchema } from '../../pipeline/failure.js';
import { identityOf } from './identity.js';
import { type Control, CONTROL_SPECS, controlOf } from './known-tests.js';
import type { SkipReason } from './observer.js';
import { cfnTypeOfResponseType } from './response-types.js';
import { type SeverityMap, severityOf } from './severity.js';
import type { VantaEntity, VantaTest } from './wire.js';

export interface NormalizeOptions {
  severities: SeverityMap;
  /** `VANTA_TEST_CONTROLS`: test ids mapped onto built-in controls. */
  controls: ReadonlyMap<string, Control>;
  /** The record's `framework` (the framework filter when one is set, else `Vanta`). */
  framework: string;
  /** Epoch ms; `failed_at` when Vanta gives no usable date. */
  now: () => number;
}

export type Normalized =
  { ok: true; failure: Failure; control: Control | undefined } | { ok: false; reason: SkipReason };

const LIMITS = { testName: 512, reason: 4096, guidance: 16_384, name: 512 } as const;
/** Only timestamps with an explicit offset: a bare local time would be read in the server's zone. */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/i;

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function firstText(...values: (string | null | undefined)[]): string | undefined {
  for (const value of values)
    if (value !== null && value !== undefined && value.trim() !== '') return value.trim();
  return undefined;
}

function failedAt(entity: VantaEntity, test: VantaTest, now: number): string {
  for (const candidate of [entity.lastUpdatedDate, entity.createdDate, test.lastTestRunDate]) {
    if (candidate === null || candidate === undefined || !WITH_OFFSET.test(candidate.trim())) continue;
    const ms = Date.parse(candidate);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  return new Date(now).toISOString();
}

/** The CloudFormation type behind an entity: the known control's, else the one its responseType names. */
export function cfnTypeOf(
  testId: string,
  entity: Pick<VantaEntity, 'responseType'>,
  controls: ReadonlyMap<string, Control>,
): { cfnType: string; control: Control | undefined } | undefined {
  const control = controlOf(testId, controls);
  if (control !== undefined) return { cfnType: CONTROL_SPECS[control].cfnType, control };
  const cfnType = cfnTypeOfResponseType(entity.responseType);
  return cfnType === undefined ? undefined : { cfnType, control: undefined };
}

export function normalize(test: VantaTest, entity: VantaEntity, options: NormalizeOptions): Normalized {
  const typed = cfnTypeOf(test.id, entity, options.controls);
  if (typed === undefined) return { ok: false, reason: 'unsupported_resource_type' };
  const { cfnType, control } = typed;
  const guidance = firstText(test.remediationDescription);
  const record = {
    test_id: test.id,
    test_name: cut(test.name.trim(), LIMITS.testName),
    resource_arn: identityOf(entity, cfnType).arn,
    resource_type: cfnType,
    failure_reason: cut(
      firstText(test.failureDescription, test.description, test.name) ?? test.name,
      LIMITS.reason,
    ),
    severity: severityOf(options.severities, test),
    framework: options.framework,
    failed_at: failedAt(entity, test, options.now()),
    current_state: {},
    required_state: control === undefined ? {} : structuredClone(CONTROL_SPECS[control].requiredState),
    resource_id: entity.id,
    ...(guidance === undefined ? {} : { remediation_guidance: cut(guidance, LIMITS.guidance) }),
    resource_details: {
      name: cut(entity.displayName.trim(), LIMITS.name),
      vanta_entity_id: entity.id,
      ...(entity.responseType ? { vanta_response_type: entity.responseType } : {}),
      ...(test.category ? { vanta_category: test.category } : {}),
    },
  };
  const parsed = failureSchema.safeParse(record);
  if (!parsed.success) return { ok: false, reason: 'invalid_record' };
  return { ok: true, failure: parsed.data, control };
}
