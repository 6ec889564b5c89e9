// Sign-in and sign-out, outside the JWT authorizer: the sign-in page keeps a pasted token in the cookie the
// local authorizer reads, sign-out clears it. Neither has a session to derive a CSRF token from, so the
// Origin check alone keeps other sites from signing a browser in or out.
import { UnauthorizedError } from '#lib/errors.ts';
import { adminCookie, clearedAdminCookie, sameOrigin } from '#presentation/dashboard/session.ts';
import type { DashboardRequest, RouteTable } from './request.ts';
import { html, redirect } from './respond.ts';

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function signInPage(req: DashboardRequest, status: number, problem?: 'empty' | 'origin') {
  return html(req, status, {
    kind: 'sign-in',
    locale: req.locale,
    path: req.event.rawPath,
    ...(problem ? { problem } : {}),
    secure: req.secure,
  });
}

export const signInRoutes: RouteTable = {
  'GET /admin/sign-in': { access: 'public', run: async (req) => signInPage(req, 200) },
  'POST /admin/sign-in': {
    access: 'public',
    async run(req) {
      if (!sameOrigin(req.headers, req.origin)) return signInPage(req, 403, 'origin');
      // An unreadable body has no token either (req.bodyError).
      const token = (req.fields.token ?? '').trim();
      if (!JWT.test(token)) return signInPage(req, 400, 'empty');
      // The token is not checked here: the authorizer checks it on every request that follows.
      return redirect(req, '/admin', [adminCookie(token, req.secure)]);
    },
  },
  'POST /admin/sign-out': {
    access: 'public',
    async run(req) {
      if (!sameOrigin(req.headers, req.origin)) throw new UnauthorizedError('sign-out from another site');
      return redirect(req, '/admin/sign-in', [clearedAdminCookie(req.secure)]);
    },
  },
};
