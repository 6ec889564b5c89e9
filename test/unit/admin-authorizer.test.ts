// The admin routes' authorizer without a valid token: it never denies (API Gateway's denial is a fixed 403 a
// browser cannot be sent to sign in from), and hands the dashboard `session: none` or `invalid`. A valid token
// is verified against the local OpenID provider in test/integration/sign-in.test.ts.
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.AUTH_ISSUER = 'https://issuer.test/us-east-1_test';
  process.env.AUTH_CLIENT_ID = 'client-1';
});

let authorize: typeof import('../../functions/handlers/admin-authorizer.ts').authorize;
beforeAll(async () => {
  ({ authorize } = await import('../../functions/handlers/admin-authorizer.ts'));
});

describe('the admin authorizer', () => {
  it('lets a request without a token through as having no session', async () => {
    expect(await authorize({ headers: {}, cookies: ['pilotflow_lang=en'] })).toEqual({
      isAuthorized: true,
      context: { session: 'none' },
    });
  });

  it('marks a malformed token from the header or the cookie as invalid, never as a session', async () => {
    for (const event of [
      { headers: { Authorization: 'Bearer not-a-jwt' }, cookies: [] },
      { headers: {}, cookies: ['pilotflow_admin=aaa.bbb.ccc'] },
    ]) {
      expect(await authorize(event)).toEqual({ isAuthorized: true, context: { session: 'invalid' } });
    }
  });
});
