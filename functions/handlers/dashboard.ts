// The administrators' dashboard (API Gateway HTTP API, payload 2.0): one function for every `/admin…` route,
// the route key telling the page. Pages are HTML by default and the same view models as JSON with
// `Accept: application/json`. Every route but sign-in and sign-out sits behind the HTTP API's JWT
// authorizer; the function refuses requests that arrive without its claims, checks that state-changing
// requests come from its own pages, and leaves the work to functions/domain/dashboard/.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { getSfn, getStore } from '#adapters/aws.ts';
import { sendEmail } from '#adapters/mail.ts';
import { linkSigningKey } from '#adapters/secrets.ts';
import { sendTaskSuccess } from '#adapters/sfn.ts';
import { sfnApi } from '#adapters/sfn-api.ts';
import {
  type ActionDeps,
  type Admin,
  ReassignInputSchema,
  ResendInputSchema,
  reassignTask,
  resendLink,
  StopInputSchema,
  stopExecution,
} from '#domain/admin.ts';
import { requireConfig } from '#lib/config.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '#lib/errors.ts';
import { parseFormBody } from '#lib/form-body.ts';
import { type HttpResponse, httpHandler, httpStatusOf, validate } from '#lib/middleware.ts';
import {
  type DashboardDeps,
  loadExecution,
  loadOverview,
  loadPilot,
  loadTask,
  loadTasks,
  parseExecutionArn,
} from '#presentation/dashboard/load.ts';
import {
  adminCookie,
  adminFromClaims,
  clearedAdminCookie,
  cookieValue,
  csrfToken,
  LANG_COOKIE,
  langCookie,
  ownOrigin,
  safeBack,
  sameOrigin,
  sessionToken,
  verifyCsrf,
} from '#presentation/dashboard/session.ts';
import { TASK_FILTER_STATUSES } from '#presentation/dashboard/views.ts';
import { emailTexts } from '#presentation/email/texts.ts';
import type { AdminFrame, LocalCloudFrame } from '../presentation/dashboard/frame.ts';
import { type DashboardPage, renderDashboard } from '../presentation/dashboard/render.tsx';
import { DASHBOARD_HEADERS } from '../presentation/dashboard/style.ts';
import { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, type Locale, lt, parseLocale } from '../presentation/i18n.ts';

const config = requireConfig('TABLE_NAME');

/** How often the pages' live parts refresh. */
const LIVE_MS = 5000;

const machines = {
  ...(config.PROGRAMME_STATE_MACHINE_ARN ? { programme: config.PROGRAMME_STATE_MACHINE_ARN } : {}),
  ...(config.PILOT_STATE_MACHINE_ARN ? { pilot: config.PILOT_STATE_MACHINE_ARN } : {}),
  ...(config.LAUNCH_STATE_MACHINE_ARN ? { launch: config.LAUNCH_STATE_MACHINE_ARN } : {}),
  ...(config.IMPLEMENTATION_STATE_MACHINE_ARN
    ? { implementation: config.IMPLEMENTATION_STATE_MACHINE_ARN }
    : {}),
  ...(config.EVALUATION_STATE_MACHINE_ARN ? { evaluation: config.EVALUATION_STATE_MACHINE_ARN } : {}),
};

function deps(): ActionDeps {
  const base: DashboardDeps = { store: getStore(), sfn: sfnApi(getSfn()), now: () => new Date(), machines };
  return {
    ...base,
    sendEmail,
    texts: emailTexts,
    linkSigningKey,
    apiBaseUrl: config.API_BASE_URL ?? '',
    sendTaskSuccess,
  };
}

const id = z.string().min(1).max(128);
const optional = z
  .string()
  .max(254)
  .optional()
  .transform((v) => (v ? v : undefined));
const TaskQuerySchema = z.object({
  programme: optional,
  unit: optional,
  pilot: optional,
  stage: optional,
  assignee: optional,
  status: z.enum(TASK_FILTER_STATUSES).catch('open'),
});

interface Request {
  event: APIGatewayProxyEventV2;
  route: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  locale: Locale;
  json: boolean;
  secure: boolean;
  origin: string;
  /** Cookies to set with the response (the language). */
  cookies: string[];
}

function readRequest(event: APIGatewayProxyEventV2): Request {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
  const query = { ...(event.queryStringParameters ?? {}) };
  const origin = ownOrigin(headers, event.requestContext.domainName);
  const secure = origin.startsWith('https:');
  const asked = parseLocale(query.lang);
  const cookies = asked ? [langCookie(asked === 'en' ? 'en' : 'zh', secure)] : [];
  const locale = asked ?? parseLocale(cookieValue(event.cookies, LANG_COOKIE)) ?? DEFAULT_LOCALE;
  const accept = headers.accept ?? '';
  const json = /application\/json/i.test(accept) && !/text\/html/i.test(accept);
  return { event, route: event.routeKey, headers, query, locale, json, secure, origin, cookies };
}

function html(
  req: Request,
  status: number,
  page: DashboardPage,
  extra: Record<string, string> = {},
): HttpResponse {
  return {
    statusCode: status,
    headers: {
      ...DASHBOARD_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      Vary: 'Accept, Cookie',
      ...extra,
    },
    ...(req.cookies.length ? { cookies: req.cookies } : {}),
    body: renderDashboard(page),
  };
}

function json(req: Request, status: number, body: unknown): HttpResponse {
  return {
    statusCode: status,
    headers: {
      ...DASHBOARD_HEADERS,
      'Content-Type': 'application/json; charset=utf-8',
      Vary: 'Accept, Cookie',
    },
    ...(req.cookies.length ? { cookies: req.cookies } : {}),
    body: JSON.stringify(body),
  };
}

function redirect(req: Request, location: string, cookies: string[] = []): HttpResponse {
  const all = [...req.cookies, ...cookies];
  return {
    statusCode: 303,
    headers: { ...DASHBOARD_HEADERS, Location: location },
    ...(all.length ? { cookies: all } : {}),
    body: '',
  };
}

/** 401 with nothing rendered: the authorizer's own answer, for requests that reach the function without it. */
function unauthorized(): HttpResponse {
  return {
    statusCode: 401,
    headers: { ...DASHBOARD_HEADERS, 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer' },
    body: JSON.stringify({ message: 'Unauthorized' }),
  };
}

/** The body of a POST: a form (the pages) or JSON (API clients). */
function readBody(req: Request): Record<string, string> {
  const type = req.headers['content-type'] ?? '';
  if (/^application\/json/i.test(type)) {
    const text = req.event.isBase64Encoded
      ? Buffer.from(req.event.body ?? '', 'base64').toString('utf8')
      : (req.event.body ?? '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text || '{}');
    } catch {
      throw new ValidationError('the body is not JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ValidationError('the body is not an object');
    return Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]),
    );
  }
  const form = parseFormBody({
    body: req.event.body,
    isBase64Encoded: req.event.isBase64Encoded,
    contentType: type,
  });
  if (!form.ok) throw new ValidationError(`the form could not be read: ${form.problem}`);
  return Object.fromEntries(form.fields);
}

/**
 * A state-changing request from a browser (the session in the cookie) must come from this site and carry the
 * form's CSRF token; an API client that sends its token in the Authorization header is not a browser's
 * ambient credential and needs neither.
 */
function checkCsrf(
  req: Request,
  fields: Record<string, string>,
  session: { token: string; from: string } | undefined,
) {
  if (session?.from === 'header') return;
  if (!session) throw new UnauthorizedError('no session');
  if (!sameOrigin(req.headers, req.origin) || !verifyCsrf(session.token, fields.csrf)) {
    throw new ForbiddenError('the request did not come from a page of this dashboard');
  }
}

async function localFrame(session: string | undefined): Promise<LocalCloudFrame | undefined> {
  if (config.PILOTFLOW_LOCAL !== '1') return undefined;
  const frame: LocalCloudFrame = {
    ...(config.LOCAL_MAILBOX_URL ? { mailboxUrl: config.LOCAL_MAILBOX_URL } : {}),
  };
  if (config.API_BASE_URL && session) {
    try {
      // A GET reads the clock without settling it, so this cannot wait on this very invocation.
      const res = await fetch(`${config.API_BASE_URL}/_local/clock`, {
        headers: { authorization: `Bearer ${session}` },
        signal: AbortSignal.timeout(2000),
      });
      if (res.ok) frame.clock = (await res.json()) as NonNullable<LocalCloudFrame['clock']>;
    } catch {
      // The bar says the clock is unavailable.
    }
  }
  return frame;
}

const NOTICES: Record<string, AdminFrame['notice']> = {
  resent: { tone: 'ok', text: lt('已重新发送链接。', 'The link was sent again.') },
  reassigned: {
    tone: 'ok',
    text: lt(
      '已转办：原链接已失效，新办理人已收到链接。',
      'Reassigned: the old links no longer work and the new assignee was sent a link.',
    ),
  },
  stopped: { tone: 'warn', text: lt('执行已停止。', 'The execution was stopped.') },
};

async function handleAdmin(req: Request, admin: Admin): Promise<HttpResponse> {
  const { event } = req;
  const session = sessionToken(req.headers, event.cookies);
  const d = deps();
  const path = event.rawPath + (event.rawQueryString ? `?${event.rawQueryString}` : '');
  const frame = async (programmeId?: string, timeZone = DEFAULT_TIME_ZONE): Promise<AdminFrame> => {
    const local = req.json ? undefined : await localFrame(session?.token);
    const notice = req.query.done ? NOTICES[req.query.done] : undefined;
    return {
      locale: req.locale,
      timeZone,
      path,
      admin,
      csrf: session ? csrfToken(session.token) : '',
      ...(local ? { local } : {}),
      ...(programmeId ? { programmeId } : {}),
      ...(notice ? { notice } : {}),
      liveMs: LIVE_MS,
    };
  };
  const params = event.pathParameters ?? {};
  const graph = { locale: req.locale, full: req.query.graph === 'full' };
  try {
    switch (req.route) {
      case 'GET /admin':
      case 'GET /admin/programmes/{programmeId}': {
        const programmeId = params.programmeId ? validate(id, params.programmeId, 'programme id') : undefined;
        const view = await loadOverview(d, programmeId);
        if (req.json) return json(req, 200, view);
        return html(req, 200, {
          kind: 'overview',
          frame: await frame(view.programme.programmeId, view.timeZone),
          view,
        });
      }
      case 'GET /admin/programmes/{programmeId}/pilots/{pilotId}': {
        const view = await loadPilot(
          d,
          validate(id, params.programmeId, 'programme id'),
          validate(id, params.pilotId, 'pilot id'),
          graph,
        );
        if (req.json) return json(req, 200, view);
        return html(req, 200, {
          kind: 'pilot',
          frame: await frame(view.programme.programmeId, view.timeZone),
          view,
        });
      }
      case 'GET /admin/executions/{executionArn}': {
        const view = await loadExecution(d, parseExecutionArn(params.executionArn ?? ''), graph);
        if (req.json) return json(req, 200, view);
        return html(req, 200, {
          kind: 'execution',
          frame: await frame(view.programmeId, view.timeZone),
          view,
        });
      }
      case 'GET /admin/tasks': {
        const filters = validate(TaskQuerySchema, req.query, 'filters');
        const view = await loadTasks(d, filters);
        if (req.json) return json(req, 200, view);
        return html(req, 200, {
          kind: 'tasks',
          frame: await frame(view.programme.programmeId, view.timeZone),
          view,
        });
      }
      case 'GET /admin/tasks/{taskId}': {
        const view = await loadTask(d, validate(id, params.taskId, 'task id'));
        if (req.json) return json(req, 200, view);
        return html(req, 200, {
          kind: 'task',
          frame: await frame(view.programme?.programmeId, view.timeZone),
          view,
        });
      }
      case 'POST /admin/tasks/{taskId}/resend':
      case 'POST /admin/tasks/{taskId}/reassign': {
        const taskId = validate(id, params.taskId, 'task id');
        const fields = readBody(req);
        checkCsrf(req, fields, session);
        const resend = req.route.endsWith('/resend');
        const { csrf: _csrf, ...input } = fields;
        try {
          const result = resend
            ? await resendLink(d, admin, taskId, validate(ResendInputSchema, input, 'resend'))
            : await reassignTask(d, admin, taskId, validate(ReassignInputSchema, input, 'reassign'));
          if (req.json) return json(req, 200, result);
          return redirect(
            req,
            `/admin/tasks/${encodeURIComponent(taskId)}?done=${resend ? 'resent' : 'reassigned'}`,
          );
        } catch (error) {
          if (!(error instanceof ValidationError) || req.json) throw error;
          // The task page again, with what was typed and what is wrong with it.
          const view = await loadTask(d, taskId);
          const prefix = resend ? 'resend' : 'reassign';
          return html(req, 400, {
            kind: 'task',
            frame: await frame(view.programme?.programmeId, view.timeZone),
            view,
            errors: Object.fromEntries(
              error.issues.map((i) => [`${prefix}.${i.path || 'reason'}`, i.message]),
            ),
            input: Object.fromEntries(Object.entries(input).map(([k, v]) => [`${prefix}.${k}`, v])),
          });
        }
      }
      case 'POST /admin/executions/{executionArn}/stop': {
        const arn = parseExecutionArn(params.executionArn ?? '');
        const fields = readBody(req);
        checkCsrf(req, fields, session);
        const { csrf: _csrf, ...input } = fields;
        const result = await stopExecution(d, admin, arn, validate(StopInputSchema, input, 'stop'));
        if (req.json) return json(req, 200, result);
        return redirect(req, `/admin/executions/${encodeURIComponent(arn)}?done=stopped`);
      }
      case 'POST /admin/clock': {
        if (config.PILOTFLOW_LOCAL !== '1' || !config.API_BASE_URL)
          throw new NotFoundError('the clock can only be moved in the local cloud');
        const fields = readBody(req);
        checkCsrf(req, fields, session);
        const body =
          fields.speed !== undefined
            ? { speed: validate(z.coerce.number().min(0).max(1_000_000), fields.speed, 'speed') }
            : {
                advance: validate(
                  z.union([z.literal('next'), z.string().regex(/^P(?:\d+[DW]|T\d+[HM])$/)]),
                  fields.advance,
                  'advance',
                ),
              };
        // Moving the clock waits until every function it wakes has finished, this one included: so the
        // request is sent, and this function answers without waiting for it (the page's script posts to
        // /_local/clock itself and waits; this is the way without JavaScript).
        void fetch(`${config.API_BASE_URL}/_local/clock`, {
          method: 'POST',
          headers: { authorization: `Bearer ${session?.token ?? ''}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (req.json) return json(req, 202, { requested: body });
        return redirect(req, safeBack(fields.back));
      }
      default:
        throw new NotFoundError(`no page for ${req.route}`);
    }
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === undefined) throw error;
    if (status === 401) return unauthorized();
    if (req.json) {
      return json(req, status, {
        message: (error as Error).message,
        ...(error instanceof ValidationError ? { issues: error.issues } : {}),
      });
    }
    return html(req, status, {
      kind: 'problem',
      frame: { ...(await frame()), liveMs: 0 },
      status,
      message: (error as Error).message,
    });
  }
}

async function handle(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const req = readRequest(event);
  switch (req.route) {
    case 'GET /admin/sign-in':
      return html(req, 200, { kind: 'sign-in', locale: req.locale, path: event.rawPath, secure: req.secure });
    case 'POST /admin/sign-in': {
      // No session yet, so no CSRF token: the Origin check keeps other sites from signing a browser in.
      let fields: Record<string, string>;
      try {
        fields = readBody(req);
      } catch {
        fields = {};
      }
      if (!sameOrigin(req.headers, req.origin)) {
        return html(req, 403, {
          kind: 'sign-in',
          locale: req.locale,
          path: event.rawPath,
          problem: 'origin',
          secure: req.secure,
        });
      }
      const token = (fields.token ?? '').trim();
      if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
        return html(req, 400, {
          kind: 'sign-in',
          locale: req.locale,
          path: event.rawPath,
          problem: 'empty',
          secure: req.secure,
        });
      }
      // The token is not checked here: the authorizer checks it on every request that follows.
      return redirect(req, '/admin', [adminCookie(token, req.secure)]);
    }
    case 'POST /admin/sign-out': {
      if (!sameOrigin(req.headers, req.origin)) return unauthorized();
      return redirect(req, '/admin/sign-in', [clearedAdminCookie(req.secure)]);
    }
  }
  let admin: Admin;
  try {
    // The JWT authorizer's claims: present only on routes that have it, and only once it let the token in.
    const context = event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
    admin = adminFromClaims(context.authorizer?.jwt?.claims);
  } catch {
    return unauthorized();
  }
  return handleAdmin(req, admin);
}

export const handler = httpHandler(handle, (error, event) => {
  if (httpStatusOf(error) === 401) return unauthorized();
  const req = readRequest(event);
  if (req.json) return json(req, 500, { message: 'Internal Server Error' });
  return {
    statusCode: 500,
    headers: { ...DASHBOARD_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
    body: 'Something went wrong. 系统暂时出现问题，请稍后再试。',
  };
});
