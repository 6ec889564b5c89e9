// The dashboard's responses: a page (with the frame every admin page has: who, the language, the local
// cloud's clock and mailbox, the forms' CSRF token, a notice), the view model as JSON, a redirect after an
// action, and its side of the one error mapping (lib/middleware.ts): the problem page in the request's language.

import { hasAnyRole, mayLaunch } from '#domain/roles.ts';
import { config } from '#lib/config.ts';
import { ForbiddenError } from '#lib/errors.ts';
import type { ErrorPages, HttpResponse } from '#lib/middleware.ts';
import { AMEND } from '#presentation/amend-words.ts';
import type { AdminFrame, LocalCloudFrame } from '#presentation/dashboard/frame.ts';
import { PLAN_WORDS } from '#presentation/dashboard/plan-words.ts';
import { type DashboardPage, problemTitle, renderDashboard } from '#presentation/dashboard/render.tsx';
import { csrfToken } from '#presentation/dashboard/session.ts';
import { DASHBOARD_HEADERS } from '#presentation/dashboard/style.ts';
import { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, lt } from '#presentation/i18n.ts';
import { refererPath } from './access.ts';
import { type AdminRequest, type DashboardRequest, dashboardRequestOf } from './request.ts';

/** How often the pages' live parts refresh. */
const LIVE_MS = 5000;

const withCookies = (cookies: string[]) => (cookies.length ? { cookies } : {});

export function html(req: DashboardRequest, status: number, page: DashboardPage): HttpResponse {
  return {
    statusCode: status,
    headers: { ...DASHBOARD_HEADERS, 'Content-Type': 'text/html; charset=utf-8', Vary: 'Accept, Cookie' },
    ...withCookies(req.cookies),
    body: renderDashboard(page),
  };
}

export function json(req: DashboardRequest, status: number, body: unknown): HttpResponse {
  return {
    statusCode: status,
    headers: {
      ...DASHBOARD_HEADERS,
      'Content-Type': 'application/json; charset=utf-8',
      Vary: 'Accept, Cookie',
    },
    ...withCookies(req.cookies),
    body: JSON.stringify(body),
  };
}

export function redirect(req: DashboardRequest, location: string, cookies: string[] = []): HttpResponse {
  return {
    statusCode: 303,
    headers: { ...DASHBOARD_HEADERS, Location: location },
    ...withCookies([...req.cookies, ...cookies]),
    body: '',
  };
}

/** The local cloud's clock and mailbox for the bar on every page; undefined on AWS. */
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
  launched: { tone: 'ok', text: PLAN_WORDS.launched },
  'launched-before': { tone: 'ok', text: PLAN_WORDS.alreadyLaunched },
};

export async function frameOf(
  req: AdminRequest,
  programmeId?: string,
  timeZone = DEFAULT_TIME_ZONE,
): Promise<AdminFrame> {
  const { event } = req;
  const local = req.json ? undefined : await localFrame(req.session?.token);
  const done = req.query.done;
  const amended = done ? AMEND.done[done] : undefined;
  const notice = done
    ? (NOTICES[done] ?? (amended ? { tone: 'ok' as const, text: amended } : undefined))
    : undefined;
  return {
    locale: req.locale,
    timeZone,
    path: event.rawPath + (event.rawQueryString ? `?${event.rawQueryString}` : ''),
    admin: req.admin,
    csrf: req.session ? csrfToken(req.session.token) : '',
    ...(mayLaunch(req.access) ? { canLaunch: true } : {}),
    ...(local ? { local } : {}),
    ...(programmeId ? { programmeId } : {}),
    ...(notice ? { notice } : {}),
    liveMs: LIVE_MS,
  };
}

/** Errors as pages: the problem page around the administrator's frame; plain text before sign-in. */
export const errorPages: ErrorPages = {
  headers: DASHBOARD_HEADERS,
  async page(problem, { context }) {
    const { status, message } = problem;
    const req = dashboardRequestOf(context);
    if (!req?.admin) {
      return {
        statusCode: status,
        headers: { ...DASHBOARD_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
        body: problemTitle(status, req?.locale ?? DEFAULT_LOCALE),
      };
    }
    const frame = { ...(await frameOf(req as AdminRequest)), liveMs: 0 };
    const { error } = problem;
    if (error instanceof ForbiddenError && error.reason) {
      const back = refererPath(req);
      const why = !req.access || !hasAnyRole(req.access) ? 'none' : error.reason === 'role' ? 'act' : 'read';
      return html(req, 403, { kind: 'refused', frame, why, ...(back ? { back } : {}) });
    }
    return html(req, status, { kind: 'problem', frame, status, ...(message ? { message } : {}) });
  },
};
