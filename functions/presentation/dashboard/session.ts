// Who is asking, and whether a state-changing request really comes from the dashboard's own pages. The
// token itself is verified before the function runs, by the admin routes' authorizer
// (functions/handlers/admin-authorizer.ts); the function acts only for the identity it verified, and defends
// its forms against cross-site requests: the cookie is SameSite=Lax, the Origin must be this site's, and each
// form carries a token derived from the session token that a page of another site cannot know.
// https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '#lib/errors.ts';
import { SESSION_COOKIE } from '#lib/oidc.ts';
import type { Admin } from '../../domain/admin.ts';

/** The session cookie the callback sets and the authorizer reads (lib/oidc.ts). */
export const ADMIN_COOKIE = SESSION_COOKIE;
export const LANG_COOKIE = 'pilotflow_lang';

/** The administrator from what the authorizer verified (`requestContext.authorizer.lambda`). */
export function adminFromClaims(claims: Record<string, unknown> | undefined): Admin {
  const sub = typeof claims?.sub === 'string' && claims.sub ? claims.sub : undefined;
  if (!sub) throw new UnauthorizedError('the request carries no administrator claims');
  const text = (key: string) => {
    const value = claims?.[key];
    return typeof value === 'string' && value ? value : undefined;
  };
  const email = text('email');
  const name = text('name') ?? text('cognito:username') ?? text('username');
  return { sub, ...(email ? { email } : {}), ...(name ? { name } : {}) };
}

/**
 * The session token: the `Authorization` header's, else the cookie's; the header's "only the token, or the
 * token prefixed with Bearer", as API Gateway's JWT authorizers read it.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 */
export function sessionToken(
  headers: Record<string, string | undefined>,
  cookies: string[] | undefined,
): { token: string; from: 'header' | 'cookie' } | undefined {
  const bearer = /^\s*(?:Bearer\s+)?(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  if (bearer) return { token: bearer, from: 'header' };
  for (const cookie of cookies ?? []) {
    const eq = cookie.indexOf('=');
    if (eq > 0 && cookie.slice(0, eq).trim() === ADMIN_COOKIE) {
      try {
        return { token: decodeURIComponent(cookie.slice(eq + 1).trim()), from: 'cookie' };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function cookieValue(cookies: string[] | undefined, name: string): string | undefined {
  for (const cookie of cookies ?? []) {
    const eq = cookie.indexOf('=');
    if (eq > 0 && cookie.slice(0, eq).trim() === name) return cookie.slice(eq + 1).trim();
  }
  return undefined;
}

/** The forms' CSRF token: bound to the session token, which another site can neither read nor guess. */
export function csrfToken(sessionTokenValue: string): string {
  return createHash('sha256').update(`pilotflow-csrf-v1\n${sessionTokenValue}`).digest('base64url');
}

export function verifyCsrf(sessionTokenValue: string, given: string | undefined): boolean {
  if (!given) return false;
  const expected = Buffer.from(csrfToken(sessionTokenValue));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** This site's origin as the browser sees it: `https://host` on AWS, `http://127.0.0.1:3000` locally. */
export function ownOrigin(
  headers: Record<string, string | undefined>,
  domainName: string | undefined,
): string {
  const proto = (headers['x-forwarded-proto'] ?? 'https').split(',')[0]?.trim() || 'https';
  const host = headers.host ?? domainName ?? '';
  return `${proto}://${host}`.toLowerCase();
}

/**
 * Whether a request comes from this site: its Origin (or, without one, its Referer) is this site's, and no
 * browser says it is cross-site. A request with neither header is left to the CSRF token.
 */
export function sameOrigin(headers: Record<string, string | undefined>, origin: string): boolean {
  const site = headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const given = headers.origin;
  if (given && given !== 'null') return given.toLowerCase() === origin;
  if (given === 'null') return false;
  const referer = headers.referer;
  if (referer) {
    try {
      return new URL(referer).origin.toLowerCase() === origin;
    } catch {
      return false;
    }
  }
  return true;
}

export function langCookie(lang: string, secure: boolean): string {
  return `${LANG_COOKIE}=${lang}; Path=/admin; SameSite=Lax; Max-Age=31536000${secure ? '; Secure' : ''}`;
}
