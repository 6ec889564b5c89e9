// Helpers for the dashboard's HTTP and browser tests on the sample cloud (test/support/sample-cloud.ts): requests
// as an API client (Bearer token) or as a browser (the sign-in cookie, the form's CSRF token, this site's
// Origin), tokens the authorizer must refuse, and moving a pilot's launch along through its approval links.
import { generateKeyPairSync, sign } from 'node:crypto';
import { join } from 'node:path';
import { LocalIssuer } from '#local/cloud/jwt.ts';
import { decide, type SampleCloud, type TaskLink, uploadEvidence } from './sample-cloud.ts';

export function bearer(env: SampleCloud): Record<string, string> {
  return { authorization: `Bearer ${env.cloud.endpoints.adminToken}` };
}

export function cookie(env: SampleCloud): Record<string, string> {
  return { cookie: `pilotflow_admin=${env.cloud.endpoints.adminToken}` };
}

/** GET as an API client: the JSON view model. */
export async function getJson<T = Record<string, unknown>>(env: SampleCloud, path: string): Promise<T> {
  const res = await fetch(`${env.cloud.endpoints.api}${path}`, {
    headers: { ...bearer(env), accept: 'application/json' },
  });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** POST as an API client, JSON in and out. */
export function postJson(env: SampleCloud, path: string, body: unknown): Promise<Response> {
  return fetch(`${env.cloud.endpoints.api}${path}`, {
    method: 'POST',
    headers: { ...bearer(env), accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
    redirect: 'manual',
  });
}

/** The CSRF token of a dashboard page (what its forms post back). */
export function csrfOf(html: string): string {
  const token = html.match(/name="csrf" value="([A-Za-z0-9_-]+)"/)?.[1];
  if (!token) throw new Error('the page has no CSRF token');
  return token;
}

/** POST a form as a browser does: the cookie, this site's Origin, urlencoded fields. */
export function postForm(
  env: SampleCloud,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${env.cloud.endpoints.api}${path}`, {
    method: 'POST',
    headers: {
      ...cookie(env),
      origin: env.cloud.endpoints.api,
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The claims of the local administrator's token. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** Tokens the authorizer must refuse: another key, a tampered payload, no signature, expired, wrong audience. */
export async function forgedTokens(env: SampleCloud): Promise<Record<string, string>> {
  const real = env.cloud.endpoints.adminToken;
  const claims = claimsOf(real);
  const [head, , signature] = real.split('.') as [string, string, string];
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherKey = `${head}.${b64url(claims)}`;
  const issuer = LocalIssuer.open(join(env.cloud.dataDir, 'admin-key.pem'));
  // The local key signs these: only the one claim named is wrong.
  const { iat: _iat, nbf: _nbf, exp: _exp, ...base } = claims;
  return {
    'signed with another key': `${otherKey}.${sign('sha256', Buffer.from(otherKey), privateKey).toString('base64url')}`,
    'a changed payload': `${head}.${b64url({ ...claims, sub: 'intruder' })}.${signature}`,
    'no signature (alg none)': `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`,
    // Expired by the local cloud's clock, which the authorizer reads, and by the wall clock, which /_local/ reads.
    expired: await issuer.issue(base, {
      now: Math.min(Date.now(), env.cloud.clock.now()) - 2 * 86_400_000,
      lifetimeSeconds: 3600,
    }),
    'another audience': await issuer.issue({ ...base, aud: 'someone-else' }),
    'another issuer': await issuer.issue({ ...base, iss: 'https://evil.example' }),
  };
}

/** A valid token of the local administrator, but in `groups` (roles: functions/domain/roles.ts). */
export async function tokenWithGroups(env: SampleCloud, groups: string[]): Promise<string> {
  const { iat: _iat, nbf: _nbf, exp, ...base } = claimsOf(env.cloud.endpoints.adminToken);
  const issuer = LocalIssuer.open(join(env.cloud.dataDir, 'admin-key.pem'));
  // No `nbf`: the authorizer reads the local cloud's clock, which may be before the wall clock.
  return issuer.issue({
    ...base,
    exp,
    nbf: undefined,
    sub: `in-${groups.join('-')}`,
    'cognito:groups': groups,
  });
}

/** The newest task link e-mailed to `to` about `subject`. */
export async function newestLink(env: SampleCloud, subject: RegExp, to?: string): Promise<TaskLink> {
  const links = await env.links({ subject, ...(to ? { to } : {}) });
  const link = links.at(-1);
  if (!link) throw new Error(`no link about ${subject} ${to ? `to ${to}` : ''}`);
  return link;
}

/**
 * Moves a pilot's launch to its plan review: every recipient acknowledges, the pilot submits its plan.
 * Resolves when the review task (to the civil affairs bureau, both its contacts) has been e-mailed.
 */
export async function toPlanReview(env: SampleCloud, pilotName: string): Promise<void> {
  for (const link of await env.links({ subject: new RegExp(`${pilotName}：确认收到试点任务`) })) {
    const res = await decide(link, { decision: 'approve', comment: '' });
    if (res.status !== 200) throw new Error(`acknowledging ${link.to}: ${res.status}`);
  }
  await env.cloud.whenIdle();
  const submit = await newestLink(env, new RegExp(`${pilotName}：提交实施方案`));
  await uploadEvidence(submit, '实施方案.pdf');
  const res = await decide(submit, {
    decision: 'approve',
    comment: '',
    'f.summary': '一、组建工作专班；二、完善便民服务站点；三、每月向县民政局报告进展。',
  });
  if (res.status !== 200) throw new Error(`submitting the plan: ${res.status} ${await res.text()}`);
  await env.cloud.whenIdle();
}
