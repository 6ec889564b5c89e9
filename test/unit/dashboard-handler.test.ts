// The dashboard function's route table and the middlewares every route shares, invoked as Lambda would with
// API Gateway's events: each refusal here comes before any store or Step Functions call, so nothing runs but
// the function. The routes' work is tested on the local cloud (test/integration/dashboard.test.ts).
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DASHBOARD_PUBLIC_ROUTES, DASHBOARD_ROUTES } from '#infra/constructs/dashboard.ts';
import type { HttpResponse } from '#lib/middleware.ts';
import { csrfToken } from '#presentation/dashboard/session.ts';
import { type EventParts, httpEvent } from '#test/support/api-gateway.ts';

vi.hoisted(() => {
  process.env.TABLE_NAME = 'unit-test';
});

let dashboard: {
  ROUTES: Record<string, unknown>;
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>;
};
beforeAll(async () => {
  dashboard = (await import('../../functions/handlers/dashboard.ts')) as never;
});

const TOKEN = 'aaa.bbb.ccc';
const ORIGIN = 'https://approval.test';

/** An event through the admin authorizer, for someone in `groups`: what it verified in the request context. */
function admitted(parts: EventParts, groups: string[] = ['admin']): APIGatewayProxyEventV2 {
  const event = httpEvent(parts);
  const lambda = {
    session: 'valid',
    via: 'cookie',
    sub: 'u-1',
    email: 'wang@xx-county.example',
    name: '',
    groups: JSON.stringify(groups),
  };
  const authorizer = { lambda };
  return { ...event, requestContext: { ...event.requestContext, authorizer } } as APIGatewayProxyEventV2;
}

/** An event the authorizer found no valid token on. */
function anonymous(parts: EventParts): APIGatewayProxyEventV2 {
  const event = httpEvent(parts);
  const authorizer = { lambda: { session: 'none' } };
  return { ...event, requestContext: { ...event.requestContext, authorizer } } as APIGatewayProxyEventV2;
}

const invoke = (event: APIGatewayProxyEventV2) =>
  dashboard.handler(event, { functionName: 'dashboard', awsRequestId: 'r-1' } as Context);

const resend = (headers: Record<string, string>, body: string) =>
  admitted({
    method: 'POST',
    route: '/admin/tasks/{taskId}/resend',
    pathParameters: { taskId: 't-1' },
    headers: { 'x-forwarded-proto': 'https', ...headers },
    body,
  });

describe('the route table', () => {
  it('has a route function for every route deployed to the function, and no other', () => {
    const deployed = [...DASHBOARD_ROUTES, ...DASHBOARD_PUBLIC_ROUTES].map(([m, p]) => `${m} ${p}`);
    expect(Object.keys(dashboard.ROUTES).sort()).toEqual(deployed.sort());
  });

  it('answers a route key it does not know with 404, after the administrator is known', async () => {
    const html = await invoke(
      admitted({ method: 'GET', route: '/admin/nothing', rawQueryString: 'lang=en' }),
    );
    expect(html.statusCode).toBe(404);
    expect(html.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('Not found');
    const unknown = await invoke(
      anonymous({ method: 'GET', route: '/admin/nothing', headers: { accept: 'application/json' } }),
    );
    expect(unknown.statusCode).toBe(401);
  });
});

describe('the middlewares every route shares', () => {
  it('answers an API client without a valid token 401 JSON', async () => {
    for (const event of [
      anonymous({ method: 'GET', route: '/admin', headers: { accept: 'application/json' } }),
      // A route deployed without the authorizer has nothing in the request context: refused alike.
      httpEvent({ method: 'GET', route: '/admin', headers: { accept: 'application/json' } }),
    ]) {
      const response = await invoke(event);
      expect(response).toMatchObject({ statusCode: 401, body: '{"message":"Unauthorized"}' });
      expect(response.headers?.['WWW-Authenticate']).toBe('Bearer');
    }
  });

  it('sends a browser without a session to sign in, and back to the page it asked for', async () => {
    const response = await invoke(
      anonymous({
        method: 'GET',
        route: '/admin/tasks',
        rawQueryString: 'status=overdue',
        headers: { accept: 'text/html' },
      }),
    );
    expect(response.statusCode).toBe(303);
    expect(response.headers?.Location).toBe(
      `/admin/auth/sign-in?back=${encodeURIComponent('/admin/tasks?status=overdue')}`,
    );
  });

  it('refuses a viewer’s action with a page in the dashboard’s language, before anything is read', async () => {
    const event = admitted(
      {
        method: 'POST',
        route: '/admin/tasks/{taskId}/resend',
        pathParameters: { taskId: 't-1' },
        headers: {
          'x-forwarded-proto': 'https',
          host: 'approval.test',
          origin: ORIGIN,
          cookie: `pilotflow_admin=${TOKEN}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: `csrf=${csrfToken(TOKEN)}&reason=test`,
      },
      ['viewer'],
    );
    const response = await invoke({ ...event, cookies: [`pilotflow_admin=${TOKEN}`] });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('无权执行此操作');
    expect(response.body).toContain('只有查看权限');
  });

  it('refuses someone signed in but in no group with 403', async () => {
    const response = await invoke(
      admitted({ method: 'GET', route: '/admin', headers: { accept: 'application/json' } }, ['Staff']),
    );
    expect(response.statusCode).toBe(403);
  });

  it('answers JSON only to a client that prefers it, the page to a browser or to no Accept at all', async () => {
    const bad = (accept?: string) =>
      invoke(
        admitted({
          method: 'GET',
          route: '/admin/tasks/{taskId}',
          pathParameters: { taskId: 'x'.repeat(200) },
          ...(accept ? { headers: { accept } } : {}),
        }),
      );
    const types = async (accept?: string) => (await bad(accept)).headers?.['Content-Type'];
    expect(await types('application/json')).toBe('application/json; charset=utf-8');
    expect(await types('text/html;q=0.5, application/json')).toBe('application/json; charset=utf-8');
    expect(await types('text/html,application/xhtml+xml,*/*;q=0.8')).toBe('text/html; charset=utf-8');
    expect(await types('*/*')).toBe('text/html; charset=utf-8');
    expect(await types('image/png')).toBe('text/html; charset=utf-8');
    expect(await types()).toBe('text/html; charset=utf-8');
    const json = await bad('application/json');
    expect(json.statusCode).toBe(400);
    expect(JSON.parse(json.body ?? '').issues[0].path).toBe('');
  });

  it('refuses a browser’s post without this page’s CSRF token or from another site with 403', async () => {
    const cookie = {
      cookie: `pilotflow_admin=${TOKEN}`,
      'content-type': 'application/x-www-form-urlencoded',
    };
    const csrf = csrfToken(TOKEN);
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...cookie, origin: ORIGIN }, 'reason=test'],
      [{ ...cookie, origin: ORIGIN }, `csrf=${csrfToken('x.y.z')}&reason=test`],
      [{ ...cookie, origin: 'https://evil.example' }, `csrf=${csrf}&reason=test`],
      [{ ...cookie, 'sec-fetch-site': 'cross-site' }, `csrf=${csrf}&reason=test`],
    ];
    for (const [headers, body] of cases) {
      const event = resend(headers, body);
      // httpEvent sends cookies as API Gateway does, in `cookies`.
      const response = await invoke({ ...event, cookies: [headers.cookie as string] });
      expect(response.statusCode, JSON.stringify(headers) + body).toBe(403);
    }
  });

  it('refuses a post whose body it cannot read with 400 (413 when too large), before the CSRF check', async () => {
    const api = { authorization: `Bearer ${TOKEN}`, accept: 'application/json' };
    const notJson = await invoke(resend({ ...api, 'content-type': 'application/json' }, '{"reason":'));
    expect(notJson.statusCode).toBe(400);
    expect(JSON.parse(notJson.body ?? '')).toEqual({ message: 'the body is not JSON' });
    const large = await invoke(
      resend(
        { cookie: `pilotflow_admin=${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
        `reason=${'x'.repeat(70_000)}`,
      ),
    );
    expect(large.statusCode).toBe(413);
  });
});

describe('the language of a page', () => {
  let pageLocale: typeof import('../../functions/handlers/dashboard/pages.ts').pageLocale;
  beforeAll(async () => {
    ({ pageLocale } = await import('../../functions/handlers/dashboard/pages.ts'));
  });
  const en = { programme: { locale: 'en' as const } };
  const zh = { programme: { locale: 'zh-CN' as const } };
  const none = { locale: 'zh-CN' as const, query: {}, event: {} };

  it('is the plan’s: English for an en plan, Chinese for a zh-CN plan', () => {
    expect(pageLocale(none, en)).toBe('en');
    expect(pageLocale(none, zh)).toBe('zh-CN');
  });

  it('is the administrator’s when they chose one (?lang= or its cookie), whatever the plan’s', () => {
    expect(pageLocale({ ...none, query: { lang: 'zh' } }, en)).toBe('zh-CN');
    expect(pageLocale({ ...none, locale: 'en', query: { lang: 'en' } }, zh)).toBe('en');
    expect(pageLocale({ ...none, event: { cookies: ['pilotflow_lang=zh'] } }, en)).toBe('zh-CN');
  });

  it('is Chinese for a page of no programme without a choice', () => {
    expect(pageLocale(none, {})).toBe('zh-CN');
  });
});
