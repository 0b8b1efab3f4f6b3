/**
 * The two spellings a map-valued variable accepts (`VANTA_SEVERITY_MAP`, `VANTA_TEST_CONTROLS`): a JSON object of
 * strings, or `key=value,key=value`. Problems name the entry, so a config error points at the bad one.
 */

/** `key=value,key=value` or a JSON object of strings, as entries; problems name the entry, never a secret. */
export function parseKeyValueList(text: string): { entries: [string, string][]; problems: string[] } {
  const trimmed = text.trim();
  const problems: string[] = [];
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return { entries: [], problems: ['is not valid JSON'] };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return { entries: [], problems: ['must be a JSON object'] };
    const entries: [string, string][] = [];
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'string') entries.push([key.trim(), value.trim()]);
      else problems.push(`entry "${key}" must have a string value`);
    }
    return { entries, problems };
  }
  const entries: [string, string][] = [];
  for (const part of trimmed.split(',')) {
    if (part.trim() === '') continue;
    const at = part.indexOf('=');
    if (at <= 0) {
      problems.push(`entry "${part.trim()}" must be written key=value`);
      continue;
    }
    entries.push([part.slice(0, at).trim(), part.slice(at + 1).trim()]);
  }
  return { entries, problems };
}
