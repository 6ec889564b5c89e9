// Who may see and do what on the dashboard: the administrator the admin routes' authorizer verified
// (functions/handlers/admin-authorizer.ts), with the roles their groups give (functions/domain/roles.ts).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { accessOf, canAct, canRead, hasAnyRole, parseGroups } from '#domain/roles.ts';
import { ForbiddenError, UnauthorizedError } from '#lib/errors.ts';
import type { HttpResponse } from '#lib/middleware.ts';
import { landing } from '#lib/oidc.ts';
import { adminFromClaims } from '#presentation/dashboard/session.ts';
import { urls } from '#presentation/dashboard/urls.ts';
import type { AdminRequest, DashboardRequest, Middleware, RouteTable } from './request.ts';
import { requestOf } from './request.ts';

/** What the admin routes' authorizer (functions/handlers/admin-authorizer.ts) found. */
function sessionOf(event: APIGatewayProxyEventV2): Record<string, unknown> | undefined {
  const ctx = (event.requestContext as { authorizer?: { lambda?: Record<string, unknown> } }).authorizer
    ?.lambda;
  return ctx?.session === 'valid' ? ctx : undefined;
}

/**
 * The administrator the authorizer verified, and what their groups allow. Without one, a browser is sent to
 * sign in and brought back (a form's post to the page it came from), and an API client gets 401. Signed in
 * but in no group of functions/domain/roles.ts: 403.
 */
export const authorize = (routes: RouteTable): Middleware => ({
  before: ({ event, context }) => {
    if (routes[event.routeKey]?.access === 'public') return;
    const req = requestOf(context);
    const session = sessionOf(event);
    if (!session) {
      if (req.json) throw new UnauthorizedError('no session');
      const isGet = event.requestContext.http.method.toUpperCase() === 'GET';
      const here = isGet
        ? `${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`
        : refererPath(req);
      return signInRedirect(here);
    }
    req.admin = adminFromClaims(session);
    req.access = accessOf(parseGroups(session.groups));
    if (!hasAnyRole(req.access)) {
      throw new ForbiddenError('the administrator is in no group of the dashboard', 'role');
    }
  },
});

/**
 * An action needs the admin role on its programme (a viewer reads only): refused with the page that says so.
 * Without a programme (stopping an execution), only the all-programme `admin` group acts.
 */
export function requireAct(req: AdminRequest, programmeId: string | undefined): void {
  if (!canAct(req.access, programmeId)) throw new ForbiddenError('the administrator may only view', 'role');
}

/** A page of a programme the administrator's groups do not cover: refused (`viewer:<other>`). */
export function requireRead(req: AdminRequest, programmeId: string | undefined): void {
  if (!canRead(req.access, programmeId)) {
    throw new ForbiddenError('the administrator may not see this programme', 'programme');
  }
}

/** The programme a page without one shows: the latest (undefined) for all-programme groups, else their first. */
export function homeProgramme(req: AdminRequest): string | undefined {
  return req.access.all ? undefined : Object.keys(req.access.programmes).sort()[0];
}

export function refererPath(req: DashboardRequest): string | undefined {
  try {
    const url = new URL(req.headers.referer ?? '');
    return url.origin.toLowerCase() === req.origin ? `${url.pathname}${url.search}` : undefined;
  } catch {
    return undefined;
  }
}

function signInRedirect(back: string | undefined): HttpResponse {
  return {
    statusCode: 303,
    headers: { Location: urls.signIn(landing(back)), 'Cache-Control': 'no-store' },
    body: '',
  };
}
