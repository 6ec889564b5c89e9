// The local mailbox's routes on the SES port, GET only: `/` (the recipients), `/?to=<address>` (one person's
// mail and open tasks), `/?to=<address>&mail=<id>` (one mail) and `/body?id=<id>` (a mail's HTML, sandboxed).
// Everything else (the SES APIs, `GET /store`) is aws-ses-v2-local's, unchanged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BODY_HEADERS,
  bareAddress,
  bodyDocument,
  type MailboxContext,
  type MailView,
  mailPage,
  notFoundPage,
  PAGE_HEADERS,
  personPage,
  type Recipient,
  recipientsOf,
  recipientsPage,
  type TaskView,
} from './mailbox-page.ts';
import type { AcceptedEmail } from './ses.ts';

export interface MailboxSource {
  /** The language, time zone and people of the plan (read once, when a page is first asked for). */
  context?: () => Promise<MailboxContext>;
  /** A person's open tasks; `mails` are theirs, newest first (where the tasks' links are found). */
  openTasks?: (address: string, mails: MailView[]) => Promise<TaskView[] | undefined>;
}

const DEFAULT_CONTEXT: MailboxContext = { locale: 'zh-CN', timeZone: 'Asia/Shanghai', people: new Map() };

function viewOf({ email, clockAt }: AcceptedEmail): MailView {
  const e = email as {
    messageId?: unknown;
    from?: unknown;
    subject?: unknown;
    destination?: { to?: unknown; cc?: unknown };
    body?: { html?: unknown; text?: unknown };
    at?: unknown;
  };
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  return {
    id: String(e.messageId ?? ''),
    from: String(e.from ?? ''),
    to: list(e.destination?.to),
    cc: list(e.destination?.cc),
    subject: String(e.subject ?? ''),
    ...(typeof e.body?.html === 'string' ? { html: e.body.html } : {}),
    ...(typeof e.body?.text === 'string' ? { text: e.body.text } : {}),
    at: clockAt ?? Number(e.at ?? 0) * 1000,
    simulated: clockAt !== undefined,
  };
}

function send(res: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: string) {
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * The request listener of the mailbox's routes: true when it answers the request (the caller passes the
 * others on to aws-ses-v2-local).
 */
export function mailboxViewer(
  source: MailboxSource,
  accepted: () => AcceptedEmail[],
  clock: { now(): number } = Date,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  let context: Promise<MailboxContext> | undefined;
  const contextOnce = () => {
    context ??= (source.context?.() ?? Promise.resolve(DEFAULT_CONTEXT)).catch(() => DEFAULT_CONTEXT);
    return context;
  };
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://mailbox.invalid');
    if (url.pathname !== '/' && url.pathname !== '/body') return false;
    // `POST /` is the SES v1 API.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (url.pathname === '/') return false;
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Length': 0 });
      res.end();
      return true;
    }
    answer(url, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`the mailbox page failed: ${error instanceof Error ? error.message : String(error)}\n`);
    });
    return true;
  };

  async function answer(url: URL, res: ServerResponse): Promise<void> {
    const mails = accepted().map(viewOf);
    if (url.pathname === '/body') {
      const mail = mails.find((m) => m.id === url.searchParams.get('id'));
      if (!mail) return send(res, 404, BODY_HEADERS, '');
      return send(res, 200, BODY_HEADERS, bodyDocument(mail));
    }
    const ctx = await contextOnce();
    const now = clock.now();
    const recipients = recipientsOf(mails, ctx);
    const to = url.searchParams.get('to');
    if (to === null) return send(res, 200, PAGE_HEADERS, recipientsPage(ctx, recipients, now));
    const recipient: Recipient | undefined = recipients.find((r) => r.address === bareAddress(to));
    if (!recipient) return send(res, 404, PAGE_HEADERS, notFoundPage(ctx, 'noSuchPerson', now));
    const id = url.searchParams.get('mail');
    if (id === null) {
      const tasks = await (source.openTasks?.(recipient.address, recipient.mails) ??
        Promise.resolve(undefined));
      return send(res, 200, PAGE_HEADERS, personPage(ctx, recipient, tasks, now));
    }
    const mail = recipient.mails.find((m) => m.id === id);
    if (!mail) return send(res, 404, PAGE_HEADERS, notFoundPage(ctx, 'noSuchMail', now));
    return send(res, 200, PAGE_HEADERS, mailPage(ctx, recipient, mail, now));
  }
}
