/**
 * How a request authenticated, as the fake sees it. REST calls accept `token X` / `Bearer X` like api.github.com;
 * git smart HTTP accepts Basic with the token as password (any user name, e.g. `x-access-token`) or as user name,
 * which is what GitHub documents for HTTPS git. A Bearer header on git is refused, as GitHub does.
 */
import type { IncomingMessage } from 'node:http';

export type Permission = 'read' | 'write';

export interface AuthSeen {
  /** Where credentials came from: an Authorization header, the URL (query or user info), or nowhere. */
  via: 'header' | 'url' | 'none';
  scheme: 'token' | 'bearer' | 'basic' | 'other' | undefined;
  /** The presented token matched a known one (undefined when none was presented). */
  valid: boolean | undefined;
  permission: Permission | undefined;
}

function basicSecret(encoded: string): string[] {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return [decoded];
  // Token as password (x-access-token:TOKEN), or as user name (TOKEN:x-oauth-basic).
  return [decoded.slice(colon + 1), decoded.slice(0, colon)];
}

/** Reads credentials from `req`; `kind` decides which schemes count. */
export function authenticate(
  req: IncomingMessage,
  url: URL,
  kind: 'api' | 'git',
  tokens: ReadonlyMap<string, Permission>,
): AuthSeen {
  const header = req.headers.authorization;
  if (header === undefined) {
    const query = url.searchParams.get('access_token');
    if (query !== null || url.username !== '') {
      return { via: 'url', scheme: undefined, valid: false, permission: undefined };
    }
    return { via: 'none', scheme: undefined, valid: undefined, permission: undefined };
  }
  const space = header.indexOf(' ');
  const schemeText = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : header.slice(space + 1).trim();
  const scheme =
    schemeText === 'token' || schemeText === 'bearer' || schemeText === 'basic' ? schemeText : 'other';
  let candidates: string[] = [];
  if (kind === 'api' && (scheme === 'token' || scheme === 'bearer')) candidates = [rest];
  if (scheme === 'basic') candidates = basicSecret(rest);
  for (const candidate of candidates) {
    const permission = tokens.get(candidate);
    if (permission !== undefined) return { via: 'header', scheme, valid: true, permission };
  }
  return { via: 'header', scheme, valid: false, permission: undefined };
}
