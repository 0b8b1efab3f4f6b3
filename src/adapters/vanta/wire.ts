/**
 * Vanta's wire shapes, listing only the fields TerraFix reads (protocols.md §1). Everything else Vanta sends is
 * ignored, so a new field never breaks parsing. Entities carry no ARN: there is deliberately no such field here.
 */
import { z } from 'zod';

/** `POST /oauth/token` answer (the official MCP server validates the same three fields). */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string(),
});

/** `results.pageInfo` of every list endpoint; `endCursor` is opaque. */
const pageInfoSchema = z.object({
  hasNextPage: z.boolean(),
  endCursor: z.string().nullable().optional(),
});

/** A list page: items stay `unknown` so one malformed item is skipped and counted, not fatal to the page. */
export const pageSchema = z.object({
  results: z.object({ data: z.array(z.unknown()), pageInfo: pageInfoSchema }),
});

const text = z.string().nullish();

/** A test from `GET /v1/tests` (or the bare object of `GET /v1/tests/{id}`). */
export const vantaTestSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  status: z.string().nullish(),
  category: text,
  /** RFC 3339; a poller re-fetches entities only when it changes. */
  lastTestRunDate: text,
  description: text,
  failureDescription: text,
  remediationDescription: text,
  integrations: z.array(z.string()).nullish(),
});
export type VantaTest = z.infer<typeof vantaTestSchema>;

/** A tested item (a bucket, a security group, an account...) from `GET /v1/tests/{id}/entities`. */
export const vantaEntitySchema = z.object({
  id: z.string().min(1),
  displayName: z.string().min(1),
  responseType: text,
  entityStatus: text,
  lastUpdatedDate: text,
  createdDate: text,
});
export type VantaEntity = z.infer<typeof vantaEntitySchema>;
