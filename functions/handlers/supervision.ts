// The supervision link's HTTP handler (API Gateway HTTP API, payload 2.0): `GET|HEAD|POST|OPTIONS /s/{ticket}`.
// Thin: it reads the request, asks the domain (functions/domain/supervision.ts) and renders the page
// (functions/presentation/pages/supervision.tsx), with the approval pages' security headers and error mapping.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getStore } from '#adapters/aws.ts';
import { sendEmail } from '#adapters/mail.ts';
import { linkSigningKeys } from '#adapters/secrets.ts';
import { keyIdOf } from '#domain/links.ts';
import { nudgeTask, openSupervision, type SupervisionDeps } from '#domain/supervision.ts';
import { requireConfig } from '#lib/config.ts';
import { type HttpResponse, httpHandler } from '#lib/middleware.ts';
import { emailTexts } from '#presentation/email/texts.ts';
import { htmlResponse } from '#presentation/pages/style.ts';
import { supervisionPage } from '#presentation/pages/supervision.tsx';
import { linkErrorPages } from './link-errors.ts';
import { routeLinkRequest } from './link-request.ts';

const config = requireConfig('TABLE_NAME', 'LINK_SIGNING_SECRET_ARN', 'MAIL_FROM', 'API_BASE_URL');

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
  const req = { ticket: event.pathParameters?.ticket ?? '', sig: event.queryStringParameters?.sig };
  const ctx = { lang: event.queryStringParameters?.lang, helpContact: config.HELP_CONTACT, now: new Date() };
  return routeLinkRequest(event, {
    open: async (method) =>
      respond(method, supervisionPage(await openSupervision(await deps(req.sig), req), ctx)),
    submit: async ({ fields, client }) =>
      respond(
        'POST',
        supervisionPage(
          await nudgeTask(await deps(req.sig, fields.get('token')), { ...req, fields, client }),
          ctx,
        ),
      ),
  });
}

export const handler = httpHandler(handle, linkErrorPages());
