// The approval link's HTTP handler (API Gateway HTTP API, payload 2.0): `GET|HEAD|POST|OPTIONS /a/{linkId}`.
// Thin: it reads the request, asks the domain where the link stands (functions/domain/approval.ts) and renders
// that as a page (functions/presentation/pages/approval-view.ts), with the security headers on every response,
// errors included: a refused body or method is a typed error, answered through the one error mapping.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getStore } from '#adapters/aws.ts';
import { linkSigningKeys } from '#adapters/secrets.ts';
import { sfnTaskCallback } from '#adapters/sfn.ts';
import { type ApprovalDeps, openLink, submitDecision } from '#domain/approval.ts';
import { keyIdOf, linkUrl } from '#domain/links.ts';
import { requireConfig } from '#lib/config.ts';
import { type HttpResponse, httpHandler } from '#lib/middleware.ts';
import { logger } from '#lib/observability.ts';
import { decisionPage, linkPage, type ViewContext } from '#presentation/pages/approval-view.ts';
import type { PageResult } from '#presentation/pages/model.ts';
import { renderPage } from '#presentation/pages/render.tsx';
import { pageHeaders } from '#presentation/pages/uploads.tsx';
import { evidenceStore } from './evidence.ts';
import { linkErrorPages } from './link-errors.ts';
import { routeLinkRequest } from './link-request.ts';

const config = requireConfig('TABLE_NAME', 'LINK_SIGNING_SECRET_ARN');

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
  const q = event.queryStringParameters;
  const linkId = event.pathParameters?.linkId ?? '';
  const req = { linkId, sig: q?.sig, returnUrl: returnUrl(linkId, q?.sig, q?.lang), uploadedKey: q?.key };
  return routeLinkRequest(event, {
    open: async (method) =>
      respond(method, linkPage(await openLink(await deps(req.sig), req, method), viewContext(event))),
    submit: async ({ fields, client }) => {
      const result = await submitDecision(await deps(req.sig, fields.get('token')), {
        ...req,
        fields,
        client,
      });
      return respond('POST', decisionPage(result, viewContext(event)));
    },
  });
}

/** The approval pages' side of the one error mapping (lib/middleware.ts): the page in the link's language. */
export const errorPages = linkErrorPages(config.HELP_CONTACT);

export const handler = httpHandler(handle, errorPages);
