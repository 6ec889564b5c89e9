// Who is asking and whether a state-changing request comes from the dashboard's own pages.
import { describe, expect, it } from 'vitest';
import { landing as safeBack } from '#lib/oidc.ts';
import { parseExecutionArn } from '#presentation/dashboard/load.ts';
import {
  adminFromClaims,
  csrfToken,
  ownOrigin,
  sameOrigin,
  sessionToken,
  verifyCsrf,
} from '#presentation/dashboard/session.ts';

describe('the administrator', () => {
  it('comes from the authorizer’s claims: subject, e-mail and name', () => {
    expect(
      adminFromClaims({ sub: 'u-1', email: 'wang@xx-county.example', 'cognito:username': 'wang' }),
    ).toEqual({
      sub: 'u-1',
      email: 'wang@xx-county.example',
      name: 'wang',
    });
  });

  it('is refused without claims or without a subject', () => {
    expect(() => adminFromClaims(undefined)).toThrow(/no administrator claims/);
    expect(() => adminFromClaims({ email: 'x@y.example' })).toThrow(/no administrator claims/);
  });
});

describe('the session token', () => {
  it('is the Authorization header’s bearer token, else the sign-in cookie’s', () => {
    expect(sessionToken({ authorization: 'Bearer a.b.c' }, ['pilotflow_admin=x.y.z'])).toEqual({
      token: 'a.b.c',
      from: 'header',
    });
    expect(sessionToken({}, ['other=1', 'pilotflow_admin=x.y.z'])).toEqual({
      token: 'x.y.z',
      from: 'cookie',
    });
    expect(sessionToken({}, ['other=1'])).toBeUndefined();
  });

  it('is read from the header as the JWT authorizer reads it: the token alone or after `Bearer `', () => {
    expect(sessionToken({ authorization: 'a.b.c' }, ['pilotflow_admin=x.y.z'])).toEqual({
      token: 'a.b.c',
      from: 'header',
    });
    expect(sessionToken({ authorization: ' bearer  a.b.c ' }, undefined)?.token).toBe('a.b.c');
    expect(sessionToken({ authorization: 'Basic dXNlcjpwdw==' }, undefined)).toBeUndefined();
  });
});

describe('the defence against cross-site requests', () => {
  it('accepts the CSRF token derived from the session, and no other', () => {
    const token = csrfToken('a.b.c');
    expect(verifyCsrf('a.b.c', token)).toBe(true);
    expect(verifyCsrf('a.b.d', token)).toBe(false);
    expect(verifyCsrf('a.b.c', undefined)).toBe(false);
    expect(verifyCsrf('a.b.c', `${token}x`)).toBe(false);
  });

  it('accepts requests from this origin and refuses others', () => {
    const origin = ownOrigin(
      { host: 'pilotflow.xx-county.example', 'x-forwarded-proto': 'https' },
      undefined,
    );
    expect(origin).toBe('https://pilotflow.xx-county.example');
    expect(sameOrigin({ origin: 'https://pilotflow.xx-county.example' }, origin)).toBe(true);
    expect(sameOrigin({ origin: 'https://evil.example' }, origin)).toBe(false);
    expect(sameOrigin({ origin: 'null' }, origin)).toBe(false);
    expect(sameOrigin({ 'sec-fetch-site': 'cross-site' }, origin)).toBe(false);
    expect(sameOrigin({ referer: 'https://pilotflow.xx-county.example/admin/tasks' }, origin)).toBe(true);
    expect(sameOrigin({ referer: 'https://evil.example/' }, origin)).toBe(false);
  });

  it('goes back only to the dashboard’s own pages after an action', () => {
    expect(safeBack('/admin/tasks?status=overdue')).toBe('/admin/tasks?status=overdue');
    expect(safeBack('https://evil.example/admin')).toBe('/admin');
    expect(safeBack('//evil.example/admin')).toBe('/admin');
    expect(safeBack('/administrator')).toBe('/admin');
    expect(safeBack(undefined)).toBe('/admin');
  });
});

describe('an execution ARN in a URL', () => {
  const arn =
    'arn:aws:states:us-east-1:123456789012:execution:PilotFlow-Launch:xx-county-2023-gucheng-launch';

  it('is accepted as it is or percent-encoded', () => {
    expect(parseExecutionArn(arn)).toBe(arn);
    expect(parseExecutionArn(encodeURIComponent(arn))).toBe(arn);
  });

  it('is refused when it is not an execution ARN', () => {
    expect(() =>
      parseExecutionArn('arn:aws:states:us-east-1:123456789012:stateMachine:PilotFlow-Launch'),
    ).toThrow(/not an execution ARN/);
    expect(() => parseExecutionArn(`${arn}/../../x`)).toThrow(/not an execution ARN/);
    expect(() => parseExecutionArn('%E0%A4%A')).toThrow(/not an execution ARN/);
  });
});
