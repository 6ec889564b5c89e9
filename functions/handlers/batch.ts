// The batch link's HTTP handler (API Gateway HTTP API, payload 2.0): `GET|HEAD|POST|OPTIONS /b/{ticket}`.
// Thin: it reads the request, asks the domain (functions/domain/batch-page.ts) and renders the page
// (functions/presentation/pages/batch.tsx), with the approval pages' security headers and error pages.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getStore } from '#adapters/aws.ts';
import { linkSigningKeys } from '#adapters/secrets.ts';
import { sfnTaskCallback } from '#adapters/sfn.ts';
import { type BatchDeps, decideBatch, openBatch } from '#domain/batch-page.ts';
import { keyIdOf } from '#domain/links.ts';
import { requireConfig } from '#lib/config.ts';
import { type HttpResponse, httpHandler } from '#lib/middleware.ts';
import { logger } from '#lib/observability.ts';
import { batchPage } from '#presentation/pages/batch.tsx';
import { htmlResponse } from '#presentation/pages/style.ts';
import { linkErrorPages } from './link-errors.ts';
import { routeLinkRequest } from './link-request.ts';

const config = requireConfig('TABLE_NAME', 'LINK_SIGNING_SECRET_ARN', 'API_BASE_URL');

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
  const req = { ticket: event.pathParameters?.ticket ?? '', sig: event.queryStringParameters?.sig };
  const ctx = { lang: event.queryStringParameters?.lang, helpContact: config.HELP_CONTACT, now: new Date() };
  return routeLinkRequest(event, {
    open: async (method) =>
      respond(method, batchPage(await openBatch(await deps(req.sig), req, method), ctx)),
    submit: async ({ fields, client }) =>
      respond(
        'POST',
        batchPage(
          await decideBatch(await deps(req.sig, fields.get('token')), { ...req, fields, client }),
          ctx,
        ),
      ),
  });
}

export const handler = httpHandler(handle, linkErrorPages(config.HELP_CONTACT));
