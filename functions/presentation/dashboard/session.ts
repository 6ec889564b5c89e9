// Who is asking, and whether a state-changing request really comes from the dashboard's own pages. The
// token itself is checked before the function runs, by the HTTP API's JWT authorizer (Cognito on AWS, the
// local cloud's emulation locally); the function refuses any admin request that arrives without the
// authorizer's claims (a route deployed without it), and defends its forms against cross-site requests:
// the cookie is SameSite=Strict, the Origin must be this site's, and each form carries a token derived from
// the session token that a page of another site cannot know.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
// https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '#lib/errors.ts';
import type { Admin } from '../../domain/admin.ts';

/** The cookie the sign-in page sets and the authorizer reads (the local cloud's `pilotflow_admin`). */
export const ADMIN_COOKIE = 'pilotflow_admin';
export const LANG_COOKIE = 'pilotflow_lang';

/** The administrator from the authorizer's claims (`requestContext.authorizer.jwt.claims`). */
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
 * The session token: the `Authorization` header's, else the cookie's. The header is read as API Gateway's JWT
 * authorizer reads it, "only the token, or the token prefixed with Bearer" (the page above), so that a token
 * the authorizer let in is never missing here.
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

/** The sign-in cookie: HttpOnly (out of scripts' reach), SameSite=Strict, Secure over https, whole site. */
export function adminCookie(token: string, secure: boolean): string {
  return `${ADMIN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedAdminCookie(secure: boolean): string {
  return `${ADMIN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

export function langCookie(lang: string, secure: boolean): string {
  return `${LANG_COOKIE}=${lang}; Path=/admin; SameSite=Lax; Max-Age=31536000${secure ? '; Secure' : ''}`;
}

/** A path to go back to after an action: only this dashboard's own pages (no open redirect). */
export function safeBack(value: string | undefined): string {
  if (value && /^\/admin(?:[/?#][^\s\\]*)?$/.test(value) && !value.startsWith('//')) return value;
  return '/admin';
}
