// The browser sign-in's pieces: PKCE, the signed state between sign-in and callback, the cookies, the provider's
// URLs, and the roles the identity provider's groups give.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accessOf, canAct, canRead, parseGroups, roleOn } from '#domain/roles.ts';
import {
  authorizeUrl,
  clearedSessionCookie,
  landing,
  logoutUrl,
  newSignIn,
  openSignIn,
  pkcePair,
  sameState,
  sealSignIn,
  sessionCookie,
  signInCookie,
} from '#lib/oidc.ts';

const KEY = 'k'.repeat(40);
const NOW = Date.parse('2026-03-01T08:00:00Z');

describe('PKCE', () => {
  it('sends the S256 challenge of a fresh 43-character verifier', () => {
    const a = pkcePair();
    const b = pkcePair();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.challenge).toBe(createHash('sha256').update(a.verifier).digest('base64url'));
  });
});

describe('the sign-in state cookie', () => {
  it('opens under the key that sealed it, before it expires', () => {
    const { state } = newSignIn('/admin/tasks', NOW);
    expect(openSignIn(KEY, sealSignIn(KEY, state), NOW + 60_000)).toEqual(state);
  });

  it('does not open after ten minutes, under another key, or altered', () => {
    const { state } = newSignIn('/admin', NOW);
    const sealed = sealSignIn(KEY, state);
    expect(openSignIn(KEY, sealed, NOW + 600_001)).toBeUndefined();
    expect(openSignIn('x'.repeat(40), sealed, NOW)).toBeUndefined();
    const [body, mac] = sealed.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...state, back: '/admin/x' })).toString('base64url');
    expect(openSignIn(KEY, `${forged}.${mac}`, NOW)).toBeUndefined();
    expect(openSignIn(KEY, body, NOW)).toBeUndefined();
    expect(openSignIn(KEY, undefined, NOW)).toBeUndefined();
  });

  it('matches the callback’s state only when it is the same', () => {
    const { state } = newSignIn('/admin', NOW);
    expect(sameState(state.state, state.state)).toBe(true);
    expect(sameState(`${state.state.slice(1)}x`, state.state)).toBe(false);
    expect(sameState(undefined, state.state)).toBe(false);
  });

  it('lives ten minutes, for /admin/auth only, out of scripts’ reach', () => {
    expect(signInCookie('v', true)).toBe(
      'pilotflow_signin=v; Path=/admin/auth; Max-Age=600; HttpOnly; SameSite=Lax; Secure',
    );
  });
});

describe('the session cookie', () => {
  it('is HttpOnly, Secure over https, SameSite=Lax, for /admin, as long as the token', () => {
    expect(sessionCookie('a.b.c', true, 3600)).toBe(
      'pilotflow_admin=a.b.c; Path=/admin; Max-Age=3600; HttpOnly; SameSite=Lax; Secure',
    );
    expect(sessionCookie('a.b.c', false, 3600)).not.toContain('Secure');
    expect(clearedSessionCookie(true)).toContain('Max-Age=0');
  });
});

describe('the provider’s URLs', () => {
  it('asks for a code with the S256 challenge, state and nonce', () => {
    const { state, challenge } = newSignIn('/admin', NOW);
    const url = new URL(
      authorizeUrl('https://pf.auth.us-east-1.amazoncognito.com/oauth2/authorize', {
        clientId: 'client-1',
        redirectUri: 'https://api.example/admin/auth/callback',
        state,
        challenge,
        loginHint: 'wang@xx-county.example',
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://api.example/admin/auth/callback',
      scope: 'openid email profile',
      state: state.state,
      nonce: state.nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      login_hint: 'wang@xx-county.example',
    });
  });

  it('logs out at Cognito’s /logout with the client and the sign-out URL', () => {
    const url = new URL(
      logoutUrl(
        'https://pf.auth.us-east-1.amazoncognito.com/logout',
        'client-1',
        'https://api.example/admin/auth/sign-out',
      ),
    );
    expect(url.pathname).toBe('/logout');
    expect(url.searchParams.get('client_id')).toBe('client-1');
    expect(url.searchParams.get('logout_uri')).toBe('https://api.example/admin/auth/sign-out');
  });

  it('lands only on a dashboard page after signing in, never on the sign-in routes or another site', () => {
    expect(landing('/admin/programmes/p1?x=1')).toBe('/admin/programmes/p1?x=1');
    expect(landing('/admin/auth/sign-in')).toBe('/admin');
    expect(landing('https://evil.example/admin')).toBe('/admin');
    expect(landing('//evil.example')).toBe('/admin');
  });
});

describe('roles from the identity provider’s groups', () => {
  it('lets the admin group act and the viewer group only read', () => {
    const admin = accessOf(['admin']);
    const viewer = accessOf(['viewer']);
    expect([canRead(admin, 'p1'), canAct(admin, 'p1')]).toEqual([true, true]);
    expect([canRead(viewer, 'p1'), canAct(viewer, 'p1')]).toEqual([true, false]);
    expect(canAct(viewer, undefined)).toBe(false);
  });

  it('limits `viewer:<programme>` and `admin:<programme>` to that programme', () => {
    const access = accessOf(['viewer:caotang-2026', 'admin:gucheng-2026']);
    expect(roleOn(access, 'caotang-2026')).toBe('viewer');
    expect(roleOn(access, 'gucheng-2026')).toBe('admin');
    expect(roleOn(access, 'other')).toBeUndefined();
    expect(access.all).toBeUndefined();
  });

  it('takes the stronger role when groups overlap, and ignores unknown groups', () => {
    expect(roleOn(accessOf(['viewer', 'admin:p1']), 'p1')).toBe('admin');
    expect(roleOn(accessOf(['viewer', 'admin:p1']), 'p2')).toBe('viewer');
    expect(accessOf(['Admins', 'us-east-1_x_Google', 'admin:'])).toEqual({ programmes: {} });
  });

  it('reads the groups claim as an array, its JSON text, or API Gateway’s `[a b]`', () => {
    expect(parseGroups(['admin', 1])).toEqual(['admin']);
    expect(parseGroups('["admin","viewer:p1"]')).toEqual(['admin', 'viewer:p1']);
    expect(parseGroups('[admin viewer:p1]')).toEqual(['admin', 'viewer:p1']);
    expect(parseGroups(undefined)).toEqual([]);
  });
});
