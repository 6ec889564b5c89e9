// Who may see and do what on the dashboard: the administrator the admin routes' authorizer verified
// (functions/handlers/admin-authorizer.ts), with the roles their groups give (functions/domain/roles.ts).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { accessOf, canAct, parseGroups } from '#domain/roles.ts';
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
    // Programme-scoped groups (`viewer:<id>`) are not yet applied to the pages that list every programme, so
    // for now only the all-programme roles open the dashboard.
    if (!req.access.all)
      throw new ForbiddenError('the administrator is in no group of the dashboard', 'role');
  },
});

/** An action needs the admin role (a viewer reads only): refused with the page that says so. */
export function requireAct(req: AdminRequest): void {
  if (!canAct(req.access, undefined)) throw new ForbiddenError('the administrator may only view', 'role');
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
