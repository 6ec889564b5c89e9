// The one error→HTTP mapping (errorResponse in functions/lib/middleware.ts), as the dashboard and the approval
// handler both use it: the same typed error gets the same status from either, each in its own page and the
// request's language, JSON for API clients, the authorizer's 401; and the approval handler's own refusals
// (a body it cannot read, a method it does not take) go through it. Nothing here reaches AWS: the errors
// come before any store or secret is asked.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BodyError,
  ConflictError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  ValidationError,
} from '#lib/errors.ts';
import { type ErrorPages, errorResponse, type HttpRequest, type HttpResponse } from '#lib/middleware.ts';
import { approvalEvent, FORM_HEADERS, httpEvent } from '#test/support/api-gateway.ts';

// Configuration is read once, when functions/lib/config.ts is first imported (by the imports above, which
// vi.hoisted runs before): the handlers below need these.
vi.hoisted(() => {
  process.env.TABLE_NAME = 'unit-test';
  process.env.LINK_SIGNING_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:unit-AbCdEf';
});

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>;
let approval: { handler: Handler; errorPages: ErrorPages };
let dashboard: { errorPages: ErrorPages };
let dashboardReadRequest: () => { before: (request: HttpRequest) => void };

beforeAll(async () => {
  approval = (await import('../../functions/handlers/approval.ts')) as never;
  dashboard = await import('../../functions/handlers/dashboard/respond.ts');
  dashboardReadRequest = (await import('../../functions/handlers/dashboard/request.ts')).readRequest as never;
});

const context = (extra: Record<string, unknown> = {}) =>
  ({ functionName: 'test', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 30_000, ...extra }) as never;

/** The middy request a handler's middlewares have seen: the dashboard's as its readRequest() leaves it. */
function request(event: APIGatewayProxyEventV2, media?: string, admin = true): HttpRequest {
  const req = {
    event,
    context: context(media ? { preferredMediaType: media } : {}),
  } as unknown as HttpRequest;
  dashboardReadRequest().before(req);
  if (admin) {
    const read = (req.context as unknown as { dashboard: Record<string, unknown> }).dashboard;
    read.admin = { sub: 'u-1', email: 'wang@xx-county.example' };
  }
  return req;
}

const dashboardEvent = (query = '') =>
  httpEvent({
    method: 'GET',
    route: '/admin/tasks/{taskId}',
    pathParameters: { taskId: 't-1' },
    rawQueryString: query,
  });
const approvalPageEvent = (query = '') =>
  httpEvent({
    method: 'POST',
    route: '/a/{linkId}',
    pathParameters: { linkId: 'l-1' },
    rawQueryString: query,
  });

const TYPED: Array<[Error, number]> = [
  [new ValidationError('invalid reason', [{ path: 'reason', message: 'too short' }]), 400],
  [new BodyError('malformed'), 400],
  [new ForbiddenError('from another site'), 403],
  [new NotFoundError('no task t-1'), 404],
  [new MethodNotAllowedError('GET, HEAD, POST, OPTIONS'), 405],
  [new ConflictError('task t-1 is decided'), 409],
  [new PayloadTooLargeError('too large'), 413],
  [new Error('the table is gone'), 500],
];

describe('the one error mapping', () => {
  it.each(TYPED)(
    'gives %s the same status from the dashboard and the approval handler',
    async (error, status) => {
      const fromDashboard = await errorResponse(error, request(dashboardEvent()), dashboard.errorPages);
      const fromApproval = await errorResponse(
        error,
        request(approvalPageEvent(), undefined, false),
        approval.errorPages,
      );
      expect(fromDashboard.statusCode).toBe(status);
      expect(fromApproval.statusCode).toBe(status);
      for (const response of [fromDashboard, fromApproval]) {
        expect(response.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
        expect(response.headers?.['Content-Security-Policy']).toContain("frame-ancestors 'none'");
        expect(response.headers?.Allow).toBe(status === 405 ? 'GET, HEAD, POST, OPTIONS' : undefined);
      }
    },
  );

  it('answers an UnauthorizedError as the JWT authorizer does, from either handler, rendering no page', async () => {
    for (const [req, pages] of [
      [request(dashboardEvent()), dashboard.errorPages],
      [request(approvalPageEvent(), undefined, false), approval.errorPages],
    ] as const) {
      const response = await errorResponse(new UnauthorizedError('no session'), req, pages);
      expect(response).toMatchObject({ statusCode: 401, body: '{"message":"Unauthorized"}' });
      expect(response.headers).toMatchObject({
        'Content-Type': 'application/json',
        'WWW-Authenticate': 'Bearer',
      });
    }
  });

  it('shows each handler’s page in the request’s language', async () => {
    const dashboardPage = await errorResponse(
      new ConflictError('task t-1 is decided'),
      request(dashboardEvent('lang=en')),
      dashboard.errorPages,
    );
    expect(dashboardPage.body).toContain('<html lang="en"');
    expect(dashboardPage.body).toContain('Things have changed');
    expect(dashboardPage.body).toContain('task t-1 is decided');
    const approvalPage = await errorResponse(
      new PayloadTooLargeError('too large'),
      request(approvalPageEvent('lang=en'), undefined, false),
      approval.errorPages,
    );
    expect(approvalPage.body).toContain('The submission was too large; nothing was changed');
    const zh = await errorResponse(
      new Error('boom'),
      request(approvalPageEvent(), undefined, false),
      approval.errorPages,
    );
    expect(zh.body).toContain('系统暂时出现问题');
  });

  it('answers an API client JSON: the message and the issues of a typed error, nothing of any other', async () => {
    const req = request(dashboardEvent(), 'application/json');
    const invalid = await errorResponse(
      new ValidationError('invalid reason', [{ path: 'reason', message: 'too short' }]),
      req,
      dashboard.errorPages,
    );
    expect(invalid.statusCode).toBe(400);
    expect(invalid.headers?.['Content-Type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(invalid.body ?? '')).toEqual({
      message: 'invalid reason',
      issues: [{ path: 'reason', message: 'too short' }],
    });
    const conflict = await errorResponse(new ConflictError('task t-1 is decided'), req, dashboard.errorPages);
    expect(JSON.parse(conflict.body ?? '')).toEqual({ message: 'task t-1 is decided' });
    const failure = await errorResponse(new Error('secret table name'), req, dashboard.errorPages);
    expect(failure.statusCode).toBe(500);
    expect(failure.body).toBe('{"message":"Internal Server Error"}');
  });

  it('answers plain text when the page itself cannot be rendered', async () => {
    const broken: ErrorPages = {
      headers: { 'X-Content-Type-Options': 'nosniff' },
      page: () => {
        throw new Error('render failed');
      },
    };
    const response = await errorResponse(new NotFoundError('x'), request(dashboardEvent()), broken);
    expect(response.statusCode).toBe(500);
    expect(response.headers).toMatchObject({
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
    });
  });
});

describe('the approval handler’s refusals, through the mapping', () => {
  const link = { linkId: 'a'.repeat(24), sig: 'k1.sig' };
  const invoke = (event: APIGatewayProxyEventV2) => approval.handler(event, context());

  it('answers a method it does not take with 405, its Allow header and the page', async () => {
    const response = await invoke(approvalEvent('PUT', link));
    expect(response.statusCode).toBe(405);
    expect(response.headers?.Allow).toBe('GET, HEAD, POST, OPTIONS');
    expect(response.body).toContain('这个链接只能在浏览器中打开。');
  });

  it('answers a body it cannot read with 400 or 413 and the page in the page’s language', async () => {
    const json = await invoke(
      approvalEvent('POST', link, undefined, {
        headers: { 'content-type': 'application/json' },
        body: '{"decision":"approve"}',
        rawQueryString: `sig=${link.sig}&lang=en`,
      }),
    );
    expect(json.statusCode).toBe(400);
    expect(json.body).toContain('The submission was not in a form this page accepts');
    const large = await invoke(
      approvalEvent('POST', link, undefined, {
        headers: FORM_HEADERS,
        body: `comment=${'x'.repeat(70_000)}`,
      }),
    );
    expect(large.statusCode).toBe(413);
    expect(large.body).toContain('提交的内容太多');
    expect(large.headers?.['Content-Security-Policy']).toContain("frame-ancestors 'none'");
  });
});
