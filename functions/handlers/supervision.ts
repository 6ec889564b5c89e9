// The supervision link's HTTP handler (API Gateway HTTP API, payload 2.0): `GET|HEAD|POST|OPTIONS /s/{ticket}`.
// Thin: it reads the request, asks the domain (functions/domain/supervision.ts) and renders the page
// (functions/presentation/pages/supervision.tsx), with the approval pages' security headers and error mapping.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getStore } from '#adapters/aws.ts';
import { sendEmail } from '#adapters/mail.ts';
import { linkSigningKeys } from '#adapters/secrets.ts';
import { requestClient } from '#domain/client.ts';
import { keyIdOf } from '#domain/links.ts';
import { nudgeTask, openSupervision, type SupervisionDeps } from '#domain/supervision.ts';
import { requireConfig } from '#lib/config.ts';
import { MethodNotAllowedError } from '#lib/errors.ts';
import { readFormBody } from '#lib/form-body.ts';
import { type HttpResponse, httpHandler } from '#lib/middleware.ts';
import { emailTexts } from '#presentation/email/texts.ts';
import { htmlResponse, SECURITY_HEADERS } from '#presentation/pages/style.ts';
import { supervisionPage } from '#presentation/pages/supervision.tsx';
import { linkErrorPages } from './link-errors.ts';

const config = requireConfig('TABLE_NAME', 'LINK_SIGNING_SECRET_ARN', 'MAIL_FROM', 'API_BASE_URL');

const ALLOW = 'GET, HEAD, POST, OPTIONS';

async function deps(...signedWith: Array<string | undefined>): Promise<SupervisionDeps> {
  return {
    store: getStore(),
    signingKeys: await linkSigningKeys(...signedWith.map(keyIdOf)),
    now: () => new Date(),
    sendEmail,
    texts: emailTexts,
    apiBaseUrl: config.API_BASE_URL,
  };
}

const respond = htmlResponse;

async function handle(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const method = event.requestContext.http.method.toUpperCase();
  const req = { ticket: event.pathParameters?.ticket ?? '', sig: event.queryStringParameters?.sig };
  const ctx = { lang: event.queryStringParameters?.lang, helpContact: config.HELP_CONTACT, now: new Date() };
  switch (method) {
    case 'GET':
    case 'HEAD':
      return respond(method, supervisionPage(await openSupervision(await deps(req.sig), req), ctx));
    case 'POST': {
      const fields = readFormBody({
        body: event.body,
        isBase64Encoded: event.isBase64Encoded,
        contentType: event.headers?.['content-type'],
      });
      const client = requestClient(event.requestContext.http.sourceIp, event.requestContext.http.userAgent);
      const result = await nudgeTask(await deps(req.sig, fields.get('token')), { ...req, fields, client });
      return respond(method, supervisionPage(result, ctx));
    }
    case 'OPTIONS':
      return { statusCode: 204, headers: { ...SECURITY_HEADERS, Allow: ALLOW }, body: '' };
    default:
      throw new MethodNotAllowedError(ALLOW);
  }
}

export const handler = httpHandler(handle, linkErrorPages());
