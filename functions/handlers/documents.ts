// The dashboard's downloads (GET, behind the same authorizer, roles and middlewares as the dashboard):
// the programme's summary report (.docx), acceptance score sheet and status (.xlsx), and each pilot's summary
// report (.docx). A function of its own, apart from the dashboard's, so that the document libraries stay out
// of the pages' bundle (test/infra/bundles.test.ts).
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { getStore } from '#adapters/aws.ts';
import {
  type DocumentDeps,
  PROGRAMME_DOCUMENTS,
  pilotDocument,
  programmeDocument,
} from '#domain/documents.ts';
import type { Attachment } from '#domain/mail.ts';
import { requireConfig } from '#lib/config.ts';
import { attachmentDisposition } from '#lib/content-disposition.ts';
import { NotFoundError } from '#lib/errors.ts';
import { type ErrorPages, type HttpResponse, httpHandler, validate } from '#lib/middleware.ts';
import { pilotReport, programmeReport } from '#presentation/documents/report.ts';
import { scoreSheet, statusSheet } from '#presentation/documents/sheets.ts';
import { DOCUMENT_WORDS } from '#presentation/documents/words.ts';
import { DEFAULT_LOCALE } from '#presentation/i18n.ts';
import { SECURITY_HEADERS } from '#presentation/pages/style.ts';
import { authorize, requireRead } from './dashboard/access.ts';
import { negotiate } from './dashboard/negotiate.ts';
import { type AdminRequest, dashboardRequestOf, type RouteTable, readRequest } from './dashboard/request.ts';

requireConfig('TABLE_NAME');

const id = z.string().min(1).max(128);

/** A refused download in the administrator's language, as plain text (no page: the link was a file's). */
const errorPages: ErrorPages = {
  headers: SECURITY_HEADERS,
  page({ status }, { context }) {
    const words = DOCUMENT_WORDS[dashboardRequestOf(context)?.locale ?? DEFAULT_LOCALE].problems;
    return {
      statusCode: status,
      headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
      body: status === 400 || status === 404 ? words.notFound : words.failed,
    };
  },
};

const deps = (): DocumentDeps => ({
  store: getStore(),
  now: () => new Date(),
  render: { programmeReport, pilotReport, scoreSheet, statusSheet },
});

/** The file as a download: its own name in UTF-8 (RFC 6266), `fallback` for clients that read only ASCII. */
function download(file: Attachment, fallback: string): HttpResponse {
  return {
    statusCode: 200,
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': attachmentDisposition(file.filename, fallback),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
    body: Buffer.from(file.content).toString('base64'),
    isBase64Encoded: true,
  };
}

export const ROUTES: RouteTable = {
  'GET /admin/programmes/{programmeId}/documents/{document}': {
    access: 'admin',
    async run(req: AdminRequest) {
      const name = validate(z.enum(PROGRAMME_DOCUMENTS), req.params.document, 'document');
      const programmeId = validate(id, req.params.programmeId, 'programme id');
      requireRead(req, programmeId);
      return download(await programmeDocument(deps(), programmeId, name), name);
    },
  },
  'GET /admin/programmes/{programmeId}/pilots/{pilotId}/report.docx': {
    access: 'admin',
    async run(req: AdminRequest) {
      const programmeId = validate(id, req.params.programmeId, 'programme id');
      const pilotId = validate(id, req.params.pilotId, 'pilot id');
      requireRead(req, programmeId);
      return download(await pilotDocument(deps(), programmeId, pilotId), `${pilotId}-report.docx`);
    },
  },
};

async function route(event: APIGatewayProxyEventV2, context: Context): Promise<HttpResponse> {
  const found = ROUTES[event.routeKey];
  const req = dashboardRequestOf(context);
  if (!req?.admin || !found || found.access !== 'admin')
    throw new NotFoundError(`no document for ${event.routeKey}`);
  return found.run(req as AdminRequest);
}

export const handler = httpHandler(route, errorPages, [negotiate(), readRequest(), authorize(ROUTES)]);
