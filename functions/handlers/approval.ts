// The approval link's HTTP handler (API Gateway HTTP API, payload 2.0): `GET|HEAD|POST|OPTIONS /a/{linkId}`.
// Thin: it reads the request, asks the domain where the link stands (functions/domain/approval.ts) and renders
// that as a page (functions/presentation/pages/approval-view.ts), with the security headers on every response,
// errors included: a refused body or method is a typed error, answered through the one error mapping.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getStore } from '#adapters/aws.ts';
import { linkSigningKeys } from '#adapters/secrets.ts';
import { sfnTaskCallback } from '#adapters/sfn.ts';
import { type ApprovalDeps, openLink, submitDecision } from '#domain/approval.ts';
import { requestClient } from '#domain/client.ts';
import { keyIdOf, linkUrl } from '#domain/links.ts';
import { requireConfig } from '#lib/config.ts';
import { MethodNotAllowedError } from '#lib/errors.ts';
import { readFormBody } from '#lib/form-body.ts';
import { type HttpResponse, httpHandler } from '#lib/middleware.ts';
import { logger } from '#lib/observability.ts';
import { decisionPage, linkPage, type ViewContext } from '#presentation/pages/approval-view.ts';
import type { PageResult } from '#presentation/pages/model.ts';
import { renderPage } from '#presentation/pages/render.tsx';
import { SECURITY_HEADERS } from '#presentation/pages/style.ts';
import { pageHeaders } from '#presentation/pages/uploads.tsx';
import { evidenceStore } from './evidence.ts';
import { linkErrorPages } from './link-errors.ts';

const config = requireConfig('TABLE_NAME', 'LINK_SIGNING_SECRET_ARN');

const ALLOW = 'GET, HEAD, POST, OPTIONS';

/** `signedWith`: the signature and form token of the request, whose key ids the keys must include if they can. */
async function deps(...signedWith: Array<string | undefined>): Promise<ApprovalDeps> {
  return {
    store: getStore(),
    signingKeys: await linkSigningKeys(...signedWith.map(keyIdOf)),
    callback: sfnTaskCallback,
    now: () => new Date(),
    warn: (message, details) => logger.warn(message, details),
    evidence: evidenceStore(),
  };
}

function respond(method: string, result: PageResult, extra: Record<string, string> = {}): HttpResponse {
  return {
    statusCode: result.status,
    headers: { ...pageHeaders(result.view), 'Content-Type': 'text/html; charset=utf-8', ...extra },
    body: method === 'HEAD' ? '' : renderPage(result.view),
  };
}

function viewContext(event: APIGatewayProxyEventV2): ViewContext {
  const q = event.queryStringParameters;
  return { lang: q?.lang, helpContact: config.HELP_CONTACT, now: new Date(), uploadedKey: q?.key };
}

/** Where S3 sends the browser after an upload: this page, on the same signed link, in the same language. */
function returnUrl(linkId: string, sig: string | undefined, lang: string | undefined): string | undefined {
  if (!config.API_BASE_URL || !sig) return undefined;
  const base = linkUrl(config.API_BASE_URL, encodeURIComponent(linkId), encodeURIComponent(sig));
  return lang ? `${base}&lang=${encodeURIComponent(lang)}` : base;
}

async function handle(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const method = event.requestContext.http.method.toUpperCase();
  const q = event.queryStringParameters;
  const linkId = event.pathParameters?.linkId ?? '';
  const req = { linkId, sig: q?.sig, returnUrl: returnUrl(linkId, q?.sig, q?.lang), uploadedKey: q?.key };
  switch (method) {
    case 'GET':
    case 'HEAD':
      return respond(method, linkPage(await openLink(await deps(req.sig), req, method), viewContext(event)));
    case 'POST': {
      // The body is checked before anything is looked up: a refused body changes nothing and costs nothing.
      const fields = readFormBody({
        body: event.body,
        isBase64Encoded: event.isBase64Encoded,
        contentType: event.headers?.['content-type'],
      });
      const client = requestClient(event.requestContext.http.sourceIp, event.requestContext.http.userAgent);
      const result = await submitDecision(await deps(req.sig, fields.get('token')), {
        ...req,
        fields,
        client,
      });
      return respond(method, decisionPage(result, viewContext(event)));
    }
    case 'OPTIONS':
      return { statusCode: 204, headers: { ...SECURITY_HEADERS, Allow: ALLOW }, body: '' };
    default:
      throw new MethodNotAllowedError(ALLOW);
  }
}

/** The approval pages' side of the one error mapping (lib/middleware.ts): the page in the link's language. */
export const errorPages = linkErrorPages(config.HELP_CONTACT);

export const handler = httpHandler(handle, errorPages);
