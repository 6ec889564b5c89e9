// The batch link's HTTP handler (API Gateway HTTP API, payload 2.0): `GET|HEAD|POST|OPTIONS /b/{ticket}`.
// Thin: it reads the request, asks the domain (functions/domain/batch-page.ts) and renders the page
// (functions/presentation/pages/batch.tsx), with the approval pages' security headers and error pages.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getStore } from '#adapters/aws.ts';
import { linkSigningKeys } from '#adapters/secrets.ts';
import { sfnTaskCallback } from '#adapters/sfn.ts';
import { type BatchDeps, decideBatch, openBatch } from '#domain/batch-page.ts';
import { requestClient } from '#domain/client.ts';
import { keyIdOf } from '#domain/links.ts';
import { requireConfig } from '#lib/config.ts';
import { MethodNotAllowedError } from '#lib/errors.ts';
import { readFormBody } from '#lib/form-body.ts';
import { type HttpResponse, httpHandler } from '#lib/middleware.ts';
import { logger } from '#lib/observability.ts';
import { batchPage } from '#presentation/pages/batch.tsx';
import { htmlResponse, SECURITY_HEADERS } from '#presentation/pages/style.ts';
import { linkErrorPages } from './link-errors.ts';

const config = requireConfig('TABLE_NAME', 'LINK_SIGNING_SECRET_ARN', 'API_BASE_URL');

const ALLOW = 'GET, HEAD, POST, OPTIONS';

async function deps(...signedWith: Array<string | undefined>): Promise<BatchDeps> {
  return {
    store: getStore(),
    signingKeys: await linkSigningKeys(...signedWith.map(keyIdOf)),
    callback: sfnTaskCallback,
    now: () => new Date(),
    warn: (message, details) => logger.warn(message, details),
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
      return respond(method, batchPage(await openBatch(await deps(req.sig), req, method), ctx));
    case 'POST': {
      // The body is checked before anything is looked up: a refused body changes nothing.
      const fields = readFormBody({
        body: event.body,
        isBase64Encoded: event.isBase64Encoded,
        contentType: event.headers?.['content-type'],
      });
      const client = requestClient(event.requestContext.http.sourceIp, event.requestContext.http.userAgent);
      const result = await decideBatch(await deps(req.sig, fields.get('token')), { ...req, fields, client });
      return respond(method, batchPage(result, ctx));
    }
    case 'OPTIONS':
      return { statusCode: 204, headers: { ...SECURITY_HEADERS, Allow: ALLOW }, body: '' };
    default:
      throw new MethodNotAllowedError(ALLOW);
  }
}

export const handler = httpHandler(handle, linkErrorPages(config.HELP_CONTACT));
