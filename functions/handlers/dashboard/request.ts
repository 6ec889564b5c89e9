// What every dashboard route shares, as middy middlewares run in this order after the content negotiation:
// the request read once (language, origin, JSON or HTML), the administrator (./access.ts),
// the body of a POST, and the check that a browser's POST comes from one of this dashboard's own pages.
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Admin } from '#domain/admin.ts';
import type { Access } from '#domain/roles.ts';
import { BodyError, ForbiddenError, UnauthorizedError } from '#lib/errors.ts';
import { readFormBody } from '#lib/form-body.ts';
import type { HttpResponse } from '#lib/middleware.ts';
import { isMultipartContentType, type MultipartBody, readMultipartBody } from '#lib/multipart-body.ts';
import {
  cookieValue,
  LANG_COOKIE,
  langCookie,
  ownOrigin,
  sameOrigin,
  sessionToken,
  verifyCsrf,
} from '#presentation/dashboard/session.ts';
import { DEFAULT_LOCALE, type Locale, parseLocale } from '#presentation/i18n.ts';

export interface DashboardRequest {
  event: APIGatewayProxyEventV2;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  params: Record<string, string | undefined>;
  locale: Locale;
  /** Answer the view model as JSON (the negotiated type), not the page. */
  json: boolean;
  secure: boolean;
  origin: string;
  /** Cookies to set with the response (the language). */
  cookies: string[];
  /** The Authorization header's token (an API client's), else the sign-in cookie's (a browser's). */
  session: ReturnType<typeof sessionToken>;
  /** A POST's fields: a form (the pages) or a JSON object (API clients). */
  fields: Record<string, string>;
  /** A file-upload form's files (multipart/form-data: the plan upload). */
  files?: MultipartBody['files'];
  /** Why a POST's body could not be read; thrown by `checkCsrf`, ignored by the sign-in page. */
  bodyError?: unknown;
  /** Every route but the public ones has one. */
  admin?: Admin;
  /** What the administrator's groups allow (functions/domain/roles.ts). */
  access?: Access;
}

export type AdminRequest = DashboardRequest & { admin: Admin; access: Access };

/** A route key's function; `public` routes (sign-in, sign-out) sit outside the JWT authorizer. */
export type Route =
  | { access: 'public'; run(req: DashboardRequest): Promise<HttpResponse> }
  | { access: 'admin'; run(req: AdminRequest): Promise<HttpResponse> };

export type RouteTable = Readonly<Record<string, Route>>;

type DashboardContext = Context & { preferredMediaType?: string; dashboard?: DashboardRequest };
export type Middleware = middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse>;

/** The request as the middlewares below left it; undefined if the error came before it was read. */
export function dashboardRequestOf(context: Context): DashboardRequest | undefined {
  return (context as DashboardContext).dashboard;
}

/** For the middlewares after readRequest(), which always has run. */
export const requestOf = (context: Context) => dashboardRequestOf(context) as DashboardRequest;

export const readRequest = (): Middleware => ({
  before: ({ event, context }) => {
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
    const query = { ...(event.queryStringParameters ?? {}) };
    const origin = ownOrigin(headers, event.requestContext.domainName);
    const secure = origin.startsWith('https:');
    const asked = parseLocale(query.lang);
    (context as DashboardContext).dashboard = {
      event,
      headers,
      query,
      params: event.pathParameters ?? {},
      locale: asked ?? parseLocale(cookieValue(event.cookies, LANG_COOKIE)) ?? DEFAULT_LOCALE,
      json: (context as DashboardContext).preferredMediaType === 'application/json',
      secure,
      origin,
      cookies: asked ? [langCookie(asked === 'en' ? 'en' : 'zh', secure)] : [],
      session: sessionToken(headers, event.cookies),
      fields: {},
    };
  },
});

/** The body of a POST: a form (the pages) or a JSON object (API clients). */
function readBody(event: APIGatewayProxyEventV2, contentType: string): Record<string, string> {
  const { body, isBase64Encoded } = event;
  if (!/^application\/json/i.test(contentType)) {
    return Object.fromEntries(readFormBody({ body, isBase64Encoded, contentType }));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      (isBase64Encoded ? Buffer.from(body ?? '', 'base64').toString('utf8') : body) || '{}',
    );
  } catch {
    throw new BodyError('malformed', 'the body is not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new BodyError('malformed', 'the body is not an object');
  return Object.fromEntries(
    Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]),
  );
}

export const parseBody = (): Middleware => ({
  before: async ({ event, context }) => {
    if (event.requestContext.http.method.toUpperCase() !== 'POST') return;
    const req = requestOf(context);
    const contentType = req.headers['content-type'] ?? '';
    try {
      if (isMultipartContentType(contentType)) {
        const { body, isBase64Encoded } = event;
        const form = await readMultipartBody({ body, isBase64Encoded, contentType });
        req.fields = form.fields;
        req.files = form.files;
      } else req.fields = readBody(event, contentType);
    } catch (error) {
      req.bodyError = error;
    }
  },
});

/**
 * An administrator's POST carried by the browser's cookie must come from this site and carry the form's CSRF
 * token; an API client that sends its token in the Authorization header is not a browser's ambient
 * credential and needs neither.
 */
export const checkCsrf = (routes: RouteTable): Middleware => ({
  before: ({ event, context }) => {
    if (routes[event.routeKey]?.access !== 'admin' || !event.routeKey.startsWith('POST ')) return;
    const req = requestOf(context);
    if (req.bodyError) throw req.bodyError;
    if (req.session?.from === 'header') return;
    if (!req.session) throw new UnauthorizedError('no session');
    if (!sameOrigin(req.headers, req.origin) || !verifyCsrf(req.session.token, req.fields.csrf)) {
      throw new ForbiddenError('the request did not come from a page of this dashboard');
    }
  },
});
