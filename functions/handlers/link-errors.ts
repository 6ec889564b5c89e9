// The link pages' side of the one error mapping (lib/middleware.ts), shared by the approval (/a/), supervision
// (/s/) and batch (/b/) handlers: a refused body or method is the bad-request page, any other error the error
// page, both in the page's language (the form posts to its page's URL, which names it: `lang`).
import { BodyError, MethodNotAllowedError, PayloadTooLargeError } from '#lib/errors.ts';
import type { ErrorPages } from '#lib/middleware.ts';
import { frameOf } from '#presentation/pages/approval-view.ts';
import type { BadRequestReason } from '#presentation/pages/model.ts';
import { renderPage } from '#presentation/pages/render.tsx';
import { htmlResponse, SECURITY_HEADERS } from '#presentation/pages/style.ts';

/** Why a request was refused, as the bad-request page says it; undefined for an error of the system. */
function badRequestOf(error: unknown): BadRequestReason | undefined {
  if (error instanceof BodyError) return error.problem;
  if (error instanceof PayloadTooLargeError) return 'too-large';
  if (error instanceof MethodNotAllowedError) return 'method-not-allowed';
  return undefined;
}

/** The error pages of a link handler; `helpContact` is the footer's contact where the function has one. */
export function linkErrorPages(helpContact?: string): ErrorPages {
  return {
    headers: SECURITY_HEADERS,
    page: ({ status, error }, { event }) => {
      const reason = badRequestOf(error);
      const ctx = { lang: event.queryStringParameters?.lang, helpContact, now: new Date() };
      const frame = frameOf(ctx, undefined, undefined);
      const view = reason
        ? { page: 'bad-request' as const, frame, reason }
        : { page: 'error' as const, frame };
      return htmlResponse(event.requestContext.http.method.toUpperCase(), { status, html: renderPage(view) });
    },
  };
}
