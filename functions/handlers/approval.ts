// The approval link's HTTP handler (API Gateway HTTP API, payload 2.0): `GET|HEAD|POST|OPTIONS /a/{linkId}`.
// Thin: it reads the request, calls the domain (functions/domain/approval.ts) and renders the page it
// returns, with the security headers on every response, errors included.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type ApprovalDeps, openLink, submitDecision } from '#domain/approval.ts';
import { requestClient } from '#domain/client.ts';
import { keyIdOf } from '#domain/links.ts';
import { getStore } from '#lib/aws.ts';
import { requireConfig } from '#lib/config.ts';
import { parseFormBody } from '#lib/form-body.ts';
import { type HttpResponse, httpHandler } from '#lib/middleware.ts';
import { logger } from '#lib/observability.ts';
import { linkSigningKeys } from '#lib/secrets.ts';
import { sfnTaskCallback } from '#lib/task-callback.ts';
import { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, parseLocale } from '../pages/i18n.ts';
import type { PageFrame, PageResult } from '../pages/model.ts';
import { renderPage } from '../pages/render.tsx';
import { SECURITY_HEADERS } from '../pages/style.ts';

const config = requireConfig('TABLE_NAME', 'LINK_SIGNING_SECRET_ARN');

const ALLOW = 'GET, HEAD, POST, OPTIONS';

/** `signedWith`: the signature and form token of the request, whose key ids the keys must include if they can. */
async function deps(...signedWith: Array<string | undefined>): Promise<ApprovalDeps> {
  return {
    store: getStore(),
    signingKeys: await linkSigningKeys(...signedWith.map(keyIdOf)),
    callback: sfnTaskCallback,
    now: () => new Date(),
    helpContact: config.HELP_CONTACT,
    warn: (message, details) => logger.warn(message, details),
  };
}

function respond(method: string, result: PageResult, extra: Record<string, string> = {}): HttpResponse {
  return {
    statusCode: result.status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', ...extra },
    body: method === 'HEAD' ? '' : renderPage(result.view),
  };
}

function bareFrame(event: APIGatewayProxyEventV2): PageFrame {
  return {
    locale: parseLocale(event.queryStringParameters?.lang) ?? DEFAULT_LOCALE,
    timeZone: DEFAULT_TIME_ZONE,
    ...(config.HELP_CONTACT ? { contact: { text: config.HELP_CONTACT } } : {}),
  };
}

async function handle(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const method = event.requestContext.http.method.toUpperCase();
  const req = {
    linkId: event.pathParameters?.linkId ?? '',
    sig: event.queryStringParameters?.sig,
    lang: event.queryStringParameters?.lang,
  };
  switch (method) {
    case 'GET':
    case 'HEAD':
      return respond(method, await openLink(await deps(req.sig), req, method));
    case 'POST': {
      // The body is checked before anything is looked up: a refused body changes nothing and costs nothing.
      const body = parseFormBody({
        body: event.body,
        isBase64Encoded: event.isBase64Encoded,
        contentType: event.headers?.['content-type'],
      });
      if (!body.ok) {
        // In the page's language: the form posts to its page's URL, which names it (`lang`).
        return respond(method, {
          status: body.problem === 'too-large' ? 413 : 400,
          view: { page: 'bad-request', frame: bareFrame(event), reason: body.problem },
        });
      }
      const client = requestClient(event.requestContext.http.sourceIp, event.requestContext.http.userAgent);
      return respond(
        method,
        await submitDecision(await deps(req.sig, body.fields.get('token')), {
          ...req,
          fields: body.fields,
          client,
        }),
      );
    }
    case 'OPTIONS':
      return { statusCode: 204, headers: { ...SECURITY_HEADERS, Allow: ALLOW }, body: '' };
    default:
      return respond(
        method,
        { status: 405, view: { page: 'bad-request', frame: bareFrame(event), reason: 'method-not-allowed' } },
        { Allow: ALLOW },
      );
  }
}

export const handler = httpHandler(handle, (_error, event) =>
  respond(event.requestContext.http.method.toUpperCase(), {
    status: 500,
    view: { page: 'error', frame: bareFrame(event) },
  }),
);
