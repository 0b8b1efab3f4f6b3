/**
 * Severity of a Vanta failure. Vanta tests carry none (only vulnerabilities do; protocols.md §1.3), so it comes
 * from `VANTA_SEVERITY_MAP`: keys are test ids or `category:<Vanta category>`; a test id wins over its category,
 * and `VANTA_DEFAULT_SEVERITY` (default `medium`) covers the rest. Written either as JSON
 * (`{"aws-s3-public-access-blocked":"high","category:Logging":"low"}`) or as a list
 * (`aws-s3-public-access-blocked=high,category:Logging=low`).
 */
import { parseKeyValueList } from './key-value-list.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface SeverityMap {
  byTest: ReadonlyMap<string, Severity>;
  /** Keyed by the category folded to lower case with single spaces. */
  byCategory: ReadonlyMap<string, Severity>;
  fallback: Severity;
}

const foldCategory = (category: string): string =>
  category
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** Builds the map; `problems` lists every bad entry (an unknown severity, an empty key). */
export function parseSeverityMap(
  text: string | undefined,
  fallback: Severity,
): { map: SeverityMap; problems: string[] } {
  const byTest = new Map<string, Severity>();
  const byCategory = new Map<string, Severity>();
  const { entries, problems } = text === undefined ? { entries: [], problems: [] } : parseKeyValueList(text);
  for (const [key, raw] of entries) {
    const value = raw.toLowerCase();
    if (!isSeverity(value)) {
      problems.push(`entry "${key}": severity must be one of ${SEVERITIES.join(', ')}`);
      continue;
    }
    if (key.toLowerCase().startsWith('category:')) {
      const category = foldCategory(key.slice('category:'.length));
      if (category === '') problems.push(`entry "${key}": category is empty`);
      else byCategory.set(category, value);
    } else if (key === '') problems.push('an entry has an empty test id');
    else byTest.set(key, value);
  }
  return { map: { byTest, byCategory, fallback }, problems };
}

/** Test id, then category, then the fallback. */
export function severityOf(
  map: SeverityMap,
  test: { id: string; category?: string | null | undefined },
): Severity {
  const byId = map.byTest.get(test.id);
  if (byId !== undefined) return byId;
  const byCategory =
    test.category === null || test.category === undefined
      ? undefined
      : map.byCategory.get(foldCategory(test.category));
  return byCategory ?? map.fallback;
}
