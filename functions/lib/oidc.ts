// The browser sign-in's small crypto and cookies (OAuth 2.0 authorization code with PKCE, RFC 7636), shared by
// the sign-in handler and its tests: the PKCE verifier and challenge, the state that rides in a short-lived
// signed cookie between sign-in and callback, and the session cookie. Pure: no network, no configuration.
// https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
// https://datatracker.ietf.org/doc/html/rfc7636#section-4
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The session: the identity provider's ID token, for every `/admin` page (and only those). */
export const SESSION_COOKIE = 'pilotflow_admin';
/** Sign-in's PKCE verifier, state and nonce, for the callback alone. */
export const SIGN_IN_COOKIE = 'pilotflow_signin';
export const SIGN_IN_PATH = '/admin/auth/sign-in';
export const CALLBACK_PATH = '/admin/auth/callback';
export const SIGN_OUT_PATH = '/admin/auth/sign-out';
/** How long a sign-in may take at the identity provider (typing a password and an MFA code). */
export const SIGN_IN_SECONDS = 600;

const random = () => randomBytes(32).toString('base64url');

/** A PKCE pair: the verifier stays with us (the signed cookie), the S256 challenge goes to the provider. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = random();
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface SignInState {
  /** The `state` parameter, compared with the callback's (a callback this browser did not start fails). */
  state: string;
  /** The ID token's `nonce` (a token minted for another sign-in is refused). */
  nonce: string;
  verifier: string;
  /** The dashboard page to land on. */
  back: string;
  /** Seconds since the epoch. */
  exp: number;
}

export function newSignIn(back: string, now: number): { state: SignInState; challenge: string } {
  const { verifier, challenge } = pkcePair();
  const exp = Math.floor(now / 1000) + SIGN_IN_SECONDS;
  return { state: { state: random(), nonce: random(), verifier, back, exp }, challenge };
}

const mac = (key: string, body: string) =>
  createHmac('sha256', key).update(`pilotflow-sign-in-v1\n${body}`).digest('base64url');

/** The state as the cookie holds it: its JSON, base64url, and an HMAC under the link-signing key. */
export function sealSignIn(key: string, state: SignInState): string {
  const body = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${body}.${mac(key, body)}`;
}

/** The state a cookie holds, if this key signed it and it has not expired; else undefined. */
export function openSignIn(key: string, sealed: string | undefined, now: number): SignInState | undefined {
  const [body, given, extra] = (sealed ?? '').split('.');
  if (!body || !given || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(key, body));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  try {
    const state = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SignInState;
    return typeof state.exp === 'number' && state.exp > now / 1000 ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Constant-time comparison of the callback's `state` with the cookie's. */
export function sameState(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(name: string, value: string, path: string, maxAge: number, secure: boolean): string {
  return `${name}=${value}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/**
 * The session cookie: HttpOnly (out of scripts' reach), SameSite=Lax (sent on the top-level navigation back
 * from the identity provider, never with another site's POST), Secure over https, `/admin` only, and no longer
 * than the token it holds.
 */
export function sessionCookie(token: string, secure: boolean, maxAge: number): string {
  return cookie(SESSION_COOKIE, token, '/admin', Math.max(0, Math.floor(maxAge)), secure);
}

export function clearedSessionCookie(secure: boolean): string {
  return cookie(SESSION_COOKIE, '', '/admin', 0, secure);
}

export function signInCookie(sealed: string, secure: boolean): string {
  return cookie(SIGN_IN_COOKIE, sealed, '/admin/auth', SIGN_IN_SECONDS, secure);
}

export function clearedSignInCookie(secure: boolean): string {
  return cookie(SIGN_IN_COOKIE, '', '/admin/auth', 0, secure);
}

/** The managed login's authorize request: the code flow with an S256 challenge. */
export function authorizeUrl(
  endpoint: string,
  p: { clientId: string; redirectUri: string; state: SignInState; challenge: string; loginHint?: string },
): string {
  const url = new URL(endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: p.clientId,
    redirect_uri: p.redirectUri,
    scope: 'openid email profile',
    state: p.state.state,
    nonce: p.state.nonce,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    ...(p.loginHint ? { login_hint: p.loginHint } : {}),
  }).toString();
  return url.toString();
}

/**
 * Cognito's logout endpoint ends the managed login's session and returns to `logoutUri` (one of the client's
 * sign-out URLs). https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
 */
export function logoutUrl(endpoint: string, clientId: string, logoutUri: string): string {
  const url = new URL(endpoint);
  url.search = new URLSearchParams({ client_id: clientId, logout_uri: logoutUri }).toString();
  return url.toString();
}

/** Where to land after signing in: only a dashboard page of this site (no open redirect). */
export function landing(value: string | undefined): string {
  if (value && /^\/admin(?:[/?#][^\s\\]*)?$/.test(value) && !value.startsWith('//')) {
    return value.startsWith('/admin/auth/') ? '/admin' : value;
  }
  return '/admin';
}
