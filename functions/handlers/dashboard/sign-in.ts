// Browser sign-in through the identity provider's managed login (Cognito on AWS, the local OpenID provider
// locally), outside the authorizer: sign-in sends the browser to the provider with a PKCE challenge, keeping
// the verifier, state and nonce in a short-lived signed cookie; the callback exchanges the code for tokens at
// the token endpoint and keeps the ID token in the session cookie; sign-out clears it and sends the browser to
// the provider's logout (by a refresh: the pages' CSP keeps a form's post from being redirected to another
// origin), so the managed login's own session ends too, which returns to the signed-out page.
// https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
import { JwtBaseError } from 'aws-jwt-verify/error';
import {
  CodeExchangeError,
  clientId,
  exchangeCode,
  providerEndpoints,
  verifyToken,
} from '#adapters/identity.ts';
import { linkSigningKey } from '#adapters/secrets.ts';
import { config } from '#lib/config.ts';
import { UnauthorizedError } from '#lib/errors.ts';
import {
  authorizeUrl,
  CALLBACK_PATH,
  clearedSessionCookie,
  clearedSignInCookie,
  landing,
  logoutUrl,
  newSignIn,
  openSignIn,
  SIGN_IN_COOKIE,
  SIGN_OUT_PATH,
  sameState,
  sealSignIn,
  sessionCookie,
  signInCookie,
} from '#lib/oidc.ts';
import { cookieValue, sameOrigin } from '#presentation/dashboard/session.ts';
import type { DashboardRequest, RouteTable } from './request.ts';
import { html, redirect } from './respond.ts';

/** Where the provider sends the browser back: the API's public URL, as registered on the app client. */
const own = (req: DashboardRequest, path: string) => `${config.API_BASE_URL ?? req.origin}${path}`;

/** The key of the sign-in cookie's HMAC: derived from the link-signing key, for this use alone. */
const stateKey = async () => `sign-in:${await linkSigningKey()}`;

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}$/;

function page(req: DashboardRequest, status: number, problem?: 'failed') {
  return html(req, status, {
    kind: 'signed-out',
    locale: req.locale,
    path: req.event.rawPath,
    ...(problem ? { problem } : {}),
  });
}

export const signInRoutes: RouteTable = {
  'GET /admin/auth/sign-in': {
    access: 'public',
    async run(req) {
      const { state, challenge } = newSignIn(landing(req.query.back), Date.now());
      const hint = req.query.login_hint;
      const { authorization } = await providerEndpoints();
      const to = authorizeUrl(authorization, {
        clientId: clientId(),
        redirectUri: own(req, CALLBACK_PATH),
        state,
        challenge,
        ...(hint && EMAIL.test(hint) ? { loginHint: hint } : {}),
      });
      return redirect(req, to, [signInCookie(sealSignIn(await stateKey(), state), req.secure)]);
    },
  },
  'GET /admin/auth/callback': {
    access: 'public',
    async run(req) {
      const started = openSignIn(
        await stateKey(),
        cookieValue(req.event.cookies, SIGN_IN_COOKIE),
        Date.now(),
      );
      const { code, state } = req.query;
      // No cookie, another browser's state, an expired sign-in, or the provider's `error=`: start again.
      if (!started || !code || !sameState(state, started.state)) return page(req, 400, 'failed');
      try {
        const tokens = await exchangeCode({
          code,
          verifier: started.verifier,
          redirectUri: own(req, CALLBACK_PATH),
        });
        const claims = await verifyToken(tokens.idToken);
        if (claims.nonce !== started.nonce) throw new UnauthorizedError('the ID token’s nonce differs');
        const cookies = [
          sessionCookie(tokens.idToken, req.secure, tokens.expiresIn),
          clearedSignInCookie(req.secure),
        ];
        return redirect(req, started.back, cookies);
      } catch (error) {
        const refused = [CodeExchangeError, UnauthorizedError, JwtBaseError].some((e) => error instanceof e);
        if (refused) {
          return page(req, 400, 'failed');
        }
        throw error;
      }
    },
  },
  'POST /admin/auth/sign-out': {
    access: 'public',
    async run(req) {
      if (!sameOrigin(req.headers, req.origin)) throw new UnauthorizedError('sign-out from another site');
      const { logout } = await providerEndpoints();
      const to = logoutUrl(logout, clientId(), own(req, SIGN_OUT_PATH));
      req.cookies.push(clearedSessionCookie(req.secure));
      const page = html(req, 200, { kind: 'signing-out', locale: req.locale, path: req.event.rawPath, to });
      return { ...page, headers: { ...page.headers, Refresh: `0; url=${to}` } };
    },
  },
  /** Where the provider's logout returns: the signed-out page, with a link to sign in again. */
  'GET /admin/auth/sign-out': { access: 'public', run: async (req) => page(req, 200) },
};
