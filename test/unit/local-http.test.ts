// The pure parts of the local HTTP API and clock control: route selection as API Gateway chooses, which
// bodies stay text, request times, JWT checks and claims, clock durations, and which Host names a local server
// answers.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ControlledClock } from '#local/clock.ts';
import {
  ClockOptionError,
  clockFileOf,
  parseDuration,
  planStart,
  saveClock,
  storedClockTime,
} from '#local/cloud/clock-state.ts';
import { type HttpRoute, isTextContent, requestTime, selectRoute } from '#local/cloud/http-api.ts';
import { eventClaims, LocalIssuer, TokenRejectedError } from '#local/cloud/jwt.ts';
import { mailCounter, mailFileOf } from '#local/cloud/ses.ts';
import { hostAllowed, isLoopbackName } from '#local/host-check.ts';

function route(routeKey: string): HttpRoute {
  const [method, path] = routeKey.split(' ');
  return {
    logicalId: routeKey,
    routeKey,
    ...(path ? { method, segments: path.split('/').filter(Boolean) } : {}),
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:F',
    integrationTimeoutMs: 30_000,
    scopes: [],
  };
}

const routes = [
  'GET /tasks/open',
  'GET /tasks/{id}',
  'ANY /tasks/{id}',
  'ANY /{proxy+}',
  'GET /tasks/{id}/{rest+}',
  '$default',
].map(route);
const chosen = (method: string, path: string) => selectRoute(routes, method, path);

describe('route selection', () => {
  test('an exact path wins over a variable, and a method over ANY', () => {
    expect(chosen('GET', '/tasks/open')?.route.routeKey).toBe('GET /tasks/open');
    expect(chosen('GET', '/tasks/7')).toMatchObject({
      route: { routeKey: 'GET /tasks/{id}' },
      pathParameters: { id: '7' },
    });
    expect(chosen('POST', '/tasks/7')?.route.routeKey).toBe('ANY /tasks/{id}');
  });

  test('greedy variables take the rest of the path, decoded, and $default takes what nothing else does', () => {
    expect(chosen('GET', '/tasks/7/links/a%20b')?.pathParameters).toEqual({ id: '7', rest: 'links/a b' });
    expect(chosen('DELETE', '/anything/else')?.route.routeKey).toBe('ANY /{proxy+}');
    expect(selectRoute([route('GET /a'), route('$default')], 'GET', '/b')?.route.routeKey).toBe('$default');
    expect(selectRoute([route('GET /a')], 'GET', '/b')).toBeUndefined();
  });
});

describe('event details', () => {
  test('only text, JSON, XML and JavaScript bodies stay text; forms and binaries are base64', () => {
    expect(isTextContent('text/html; charset=utf-8')).toBe(true);
    expect(isTextContent('application/json')).toBe(true);
    expect(isTextContent('application/x-www-form-urlencoded')).toBe(false);
    expect(isTextContent('application/octet-stream')).toBe(false);
    expect(isTextContent(undefined)).toBe(false);
  });

  test('requestContext.time reads like API Gateway’s', () => {
    expect(requestTime(Date.parse('2020-03-12T19:03:58Z'))).toBe('12/Mar/2020:19:03:58 +0000');
  });

  test('claims become strings, arrays in brackets, and null claims are left out', () => {
    expect(eventClaims({ exp: 1, groups: ['a', 'b'], nested: { x: 1 }, gone: null })).toEqual({
      exp: '1',
      groups: '[a b]',
      nested: '{"x":1}',
    });
  });
});

describe('local JWTs', () => {
  const issuer = LocalIssuer.open(join(mkdtempSync(join(tmpdir(), 'pilotflow-jwt-')), 'key.pem'));
  const rules = { issuer: 'https://issuer.example', audiences: ['app'] };

  test('a token with the authorizer’s issuer and audience is accepted', async () => {
    const token = await issuer.issue({ iss: rules.issuer, aud: 'app', sub: 'u' });
    await expect(issuer.verify(token, rules)).resolves.toMatchObject({ sub: 'u' });
    const cognitoAccess = await issuer.issue({ iss: rules.issuer, client_id: 'app' });
    await expect(issuer.verify(cognitoAccess, rules)).resolves.toBeDefined();
  });

  test('a token is RS256 with the key’s id, and lives a year from its issue', async () => {
    const now = Date.parse('2023-01-01T00:00:00Z');
    const [head, body] = (await issuer.issue({ sub: 'u' }, { now })).split('.') as [string, string];
    const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    expect(decode(head)).toEqual({ alg: 'RS256', typ: 'JWT', kid: issuer.keyId });
    expect(decode(body)).toEqual({
      iat: now / 1000,
      nbf: now / 1000,
      exp: now / 1000 + 365 * 86_400,
      sub: 'u',
    });
  });

  test('a wrong issuer, a wrong audience or an expired token is refused', async () => {
    const otherIssuer = await issuer.issue({ iss: 'https://other', aud: 'app' });
    await expect(issuer.verify(otherIssuer, rules)).rejects.toThrow(TokenRejectedError);
    const otherAudience = await issuer.issue({ iss: rules.issuer, aud: 'other' });
    await expect(issuer.verify(otherAudience, rules)).rejects.toThrow('wrong audience');
    const expired = await issuer.issue(
      { iss: rules.issuer, aud: 'app' },
      { now: Date.now() - 7200_000, lifetimeSeconds: 3600 },
    );
    await expect(issuer.verify(expired, rules)).rejects.toThrow('expired');
  });

  test('exp has no leeway and must be there; nbf may be up to a minute ahead', async () => {
    const now = Date.parse('2023-01-01T00:00:00Z');
    const at = (claims: Record<string, unknown>) => issuer.issue({ ...claims }, { now });
    await expect(issuer.verifySignature(await at({ exp: now / 1000 }), now)).rejects.toThrow('expired');
    await expect(issuer.verifySignature(await at({ exp: undefined }), now)).rejects.toThrow(
      TokenRejectedError,
    );
    await expect(issuer.verifySignature(await at({ nbf: now / 1000 + 60 }), now)).resolves.toBeDefined();
    await expect(issuer.verifySignature(await at({ nbf: now / 1000 + 61 }), now)).rejects.toThrow(
      TokenRejectedError,
    );
  });

  test('another key’s signature, a changed payload and an unsigned token are refused', async () => {
    const token = await issuer.issue({ iss: rules.issuer, aud: 'app' });
    const [head, body] = token.split('.') as [string, string];
    const other = LocalIssuer.open(join(mkdtempSync(join(tmpdir(), 'pilotflow-jwt-')), 'key.pem'));
    const changed = Buffer.from(JSON.stringify({ iss: rules.issuer, aud: 'app', sub: 'x' })).toString(
      'base64url',
    );
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    for (const forged of [
      await other.issue({ iss: rules.issuer, aud: 'app' }),
      `${head}.${changed}.${token.split('.')[2]}`,
      `${none}.${body}.`,
    ]) {
      await expect(issuer.verify(forged, rules)).rejects.toThrow(TokenRejectedError);
    }
  });

  test('the same key is used again from the data directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pilotflow-jwt-'));
    const token = await LocalIssuer.open(join(dir, 'key.pem')).issue({ iss: rules.issuer, aud: 'app' });
    await expect(LocalIssuer.open(join(dir, 'key.pem')).verify(token, rules)).resolves.toBeDefined();
  });
});

describe('clock durations', () => {
  test('weeks, days, hours, minutes and seconds are accepted', () => {
    expect(parseDuration('P3D')).toBe(3 * 86_400_000);
    expect(parseDuration('P1W')).toBe(7 * 86_400_000);
    expect(parseDuration('PT1H30M')).toBe(5_400_000);
    expect(parseDuration('P1DT0.5S')).toBe(86_400_500);
  });

  test('months, years and malformed durations are refused', () => {
    expect(() => parseDuration('P1M')).toThrow(/ISO 8601 duration/);
    expect(() => parseDuration('P1Y')).toThrow(ClockOptionError);
    expect(() => parseDuration('P')).toThrow();
    expect(() => parseDuration('PT')).toThrow();
    expect(() => parseDuration('PT.5S')).toThrow();
    expect(() => parseDuration('3 days')).toThrow();
  });
});

describe('the clock’s start', () => {
  const planIn = (timezone: string, start: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'pilotflow-plan-')), 'plan.yaml');
    writeFileSync(file, `programme:\n  start: ${start}\n  timezone: ${timezone}\n`);
    return file;
  };

  test('is midnight of the plan’s start in its time zone', () => {
    expect(new Date(planStart(planIn('Asia/Shanghai', '2023-01-01'))).toISOString()).toBe(
      '2022-12-31T16:00:00.000Z',
    );
  });

  test('is the first minute of the start day where daylight saving skips midnight', () => {
    // Santiago's clocks went from 00:00 to 01:00 on 2023-09-03: the day began at 01:00 (04:00 UTC).
    expect(new Date(planStart(planIn('America/Santiago', '2023-09-03'))).toISOString()).toBe(
      '2023-09-03T04:00:00.000Z',
    );
  });
});

describe('the stored clock', () => {
  test('reads back the virtual time a clock saved in a data directory, and nothing before it saved one', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pilotflow-clock-'));
    expect(storedClockTime(dataDir)).toBeUndefined();
    const at = Date.parse('2023-08-14T16:00:00Z');
    saveClock(new ControlledClock({ start: at, speed: 0 }), clockFileOf(dataDir));
    expect(storedClockTime(dataDir)).toBe(at);
  });
});

describe('the mail counter', () => {
  test('counts complete lines of the mail file, reading only what was appended since it last asked', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pilotflow-mail-'));
    const count = mailCounter(dataDir);
    expect(count()).toBe(0);
    mkdirSync(join(dataDir, 'ses'));
    writeFileSync(mailFileOf(dataDir), '{"a":1}\n{"b":2}\n');
    expect(count()).toBe(2);
    appendFileSync(mailFileOf(dataDir), '{"c":3}\n{"d":');
    expect(count()).toBe(3);
    appendFileSync(mailFileOf(dataDir), '4}\n');
    expect(count()).toBe(4);
    expect(mailCounter(dataDir)()).toBe(4);
  });
});

describe('the Host check', () => {
  test('loopback names are localhost, *.localhost, 127.0.0.0/8 and ::1, bracketed or not', () => {
    for (const name of [
      'localhost',
      'LOCALHOST.',
      'app.localhost',
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
    ]) {
      expect(isLoopbackName(name), name).toBe(true);
    }
    for (const name of ['0.0.0.0', '192.168.1.5', 'rebind.example', 'localhost.example', '128.0.0.1', '::']) {
      expect(isLoopbackName(name), name).toBe(false);
    }
  });

  test('a loopback server answers loopback Host names only; a server bound elsewhere answers any', () => {
    expect(hostAllowed('127.0.0.1', '127.0.0.1:3000')).toBe(true);
    expect(hostAllowed('127.0.0.1', 'localhost:3000')).toBe(true);
    expect(hostAllowed('127.0.0.1', '[::1]:3000')).toBe(true);
    expect(hostAllowed('127.0.0.1', 'rebind.example:3000')).toBe(false);
    expect(hostAllowed('127.0.0.1', '127.0.0.1.rebind.example')).toBe(false);
    expect(hostAllowed('localhost', 'evil.example')).toBe(false);
    expect(hostAllowed('0.0.0.0', 'pilotflow.county.example:3000')).toBe(true);
    expect(hostAllowed('192.168.1.5', 'rebind.example')).toBe(true);
  });
});
