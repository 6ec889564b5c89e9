// Reads the mail that the local SES received, through aws-ses-v2-local's store API (`GET /store`), for tests,
// the rehearsal and anyone scripting the local cloud: each e-mail with its subject, addresses, text, HTML and
// the links it contains (the approval links officials click).

export interface Mail {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  text?: string;
  html?: string;
  /** Every http(s) link of the HTML (href) and the text, in order, without duplicates. */
  links: string[];
  /** When the local SES received it (real time, second precision). */
  receivedAt: Date;
  /** Attached files (a raw message's), with their bytes. */
  attachments: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface MailFilter {
  /** An address among To, Cc or Bcc (case-insensitive). */
  to?: string;
  /** A substring of the subject, or a pattern. */
  subject?: string | RegExp;
  /** Only mail received at or after this time. */
  since?: Date;
}

interface StoredEmail {
  messageId: string;
  from: string;
  replyTo?: string[];
  destination: { to?: string[]; cc?: string[]; bcc?: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments?: Array<{ filename?: string; contentType?: string; content: string }>;
  at: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

/** The links of an e-mail: hrefs of the HTML first, then URLs in the text. */
export function linksOf(text: string | undefined, html: string | undefined): string[] {
  const links: string[] = [];
  for (const match of (html ?? '').matchAll(/href\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const raw = (match[1] ?? match[2] ?? '').replace(
      /&(amp|lt|gt|quot|#39|apos);/g,
      (_m, e: string) => ENTITIES[e] ?? _m,
    );
    if (/^https?:\/\//i.test(raw)) links.push(raw);
  }
  for (const match of (text ?? '').matchAll(/https?:\/\/[^\s<>"')\]]+/gi)) {
    links.push(match[0].replace(/[.,;:!?]+$/, ''));
  }
  return [...new Set(links)];
}

/** The bare address of `Name <a@b>` or `a@b`, lower-cased. */
function address(value: string): string {
  return (/<([^>]+)>/.exec(value)?.[1] ?? value).trim().toLowerCase();
}

/**
 * The addresses of a stored destination: one per entry for a simple message, but a raw message's header as
 * the store keeps it is one entry for the whole list (`"A" <a@x>, b@y`).
 */
export function addressesOf(list: string[] | undefined): string[] {
  return (list ?? []).flatMap((entry) =>
    entry.includes(',') ? (entry.match(/[^\s<>,"]+@[^\s<>,"]+/g) ?? []) : [entry],
  );
}

function toMail(email: StoredEmail): Mail {
  return {
    id: email.messageId,
    from: email.from,
    to: addressesOf(email.destination.to),
    cc: addressesOf(email.destination.cc),
    bcc: addressesOf(email.destination.bcc),
    replyTo: email.replyTo ?? [],
    subject: email.subject,
    ...(email.body.text !== undefined ? { text: email.body.text } : {}),
    ...(email.body.html !== undefined ? { html: email.body.html } : {}),
    links: linksOf(email.body.text, email.body.html),
    receivedAt: new Date(email.at * 1000),
    attachments: (email.attachments ?? []).map((a) => ({
      filename: a.filename ?? '',
      contentType: a.contentType ?? 'application/octet-stream',
      content: Buffer.from(a.content, 'base64'),
    })),
  };
}

function matches(mail: Mail, filter: MailFilter): boolean {
  if (filter.to) {
    const wanted = address(filter.to);
    if (![...mail.to, ...mail.cc, ...mail.bcc].some((a) => address(a) === wanted)) return false;
  }
  if (filter.subject !== undefined) {
    const ok =
      typeof filter.subject === 'string'
        ? mail.subject.includes(filter.subject)
        : filter.subject.test(mail.subject);
    if (!ok) return false;
  }
  if (filter.since && mail.receivedAt.getTime() < Math.floor(filter.since.getTime() / 1000) * 1000)
    return false;
  return true;
}

export class MailboxTimeoutError extends Error {
  override name = 'MailboxTimeoutError';
}

export class Mailbox {
  readonly url: string;

  constructor(url: string) {
    this.url = url.replace(/\/$/, '');
  }

  /** Received mail matching `filter`, oldest first. */
  async list(filter: MailFilter = {}): Promise<Mail[]> {
    // The store filters by time itself (whole seconds), so polling for new mail does not fetch all of it.
    const since = filter.since ? `?since=${Math.floor(filter.since.getTime() / 1000)}` : '';
    const response = await fetch(`${this.url}/store${since}`);
    if (!response.ok) throw new Error(`the local mailbox answered ${response.status}`);
    const store = (await response.json()) as { emails: StoredEmail[] };
    return store.emails.map(toMail).filter((mail) => matches(mail, filter));
  }

  /** The newest mail matching `filter`, if any. */
  async latest(filter: MailFilter = {}): Promise<Mail | undefined> {
    return (await this.list(filter)).at(-1);
  }

  /** Waits until a mail matching `filter` is there (polling, real time) and returns the newest one. */
  async waitFor(
    filter: MailFilter,
    options: { timeoutMs?: number; intervalMs?: number } = {},
  ): Promise<Mail> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const mail = await this.latest(filter);
      if (mail) return mail;
      if (Date.now() > deadline) {
        throw new MailboxTimeoutError(`no mail matching ${JSON.stringify(filter)} arrived in time`);
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
    }
  }

  /** Empties the mailbox. */
  async clear(): Promise<void> {
    const response = await fetch(`${this.url}/clear-store`, { method: 'POST' });
    if (!response.ok) throw new Error(`the local mailbox answered ${response.status}`);
  }
}
