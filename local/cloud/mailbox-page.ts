// The local mailbox's pages, in the plan's language: the people who got mail, one person's mail newest first
// with their open tasks, and one mail, its body framed from /body. Dates are the local cloud's clock when SES
// accepted each mail. Preact's `h` rather than JSX: the local cloud runs under Node's type stripping, which
// reads .ts only. preact-render-to-string escapes every text and attribute.
import { createHash } from 'node:crypto';
import { type ComponentChild, h } from 'preact';
import { render } from 'preact-render-to-string';
import { formatDeadline, formatWhen, type Locale } from '#presentation/i18n.ts';
import { CSS as PAGE_CSS } from '#presentation/pages/style.ts';

/** A mail as the pages show it. */
export interface MailView {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  html?: string;
  text?: string;
  /** Epoch ms: the local cloud's clock when SES accepted it, else (older mail) the real time. */
  at: number;
  simulated: boolean;
}

/** Who an address belongs to, from the plan. */
export interface PersonInfo {
  name: string;
  /** The unit or pilot whose contact they are. */
  unit?: string;
  role?: string;
  /** Position in the plan: units, then pilots, in the plan's order. */
  order: number;
}

export interface MailboxContext {
  locale: Locale;
  timeZone: string;
  programme?: string;
  /** By lower-case address. */
  people: Map<string, PersonInfo>;
}

export interface TaskView {
  title: string;
  dueAt: string;
  /** The approval link of this person's latest mail for the task, if one is found. */
  url?: string;
}

export interface Recipient {
  address: string;
  person?: PersonInfo;
  mails: MailView[];
}

const WORDS = {
  'zh-CN': {
    site: '本地邮箱',
    recipients: '收件人',
    intro: (people: number, mails: number) =>
      `共 ${people} 位收件人、${mails} 封邮件。选择收件人，查看其邮件（最新的在前）和待办任务。`,
    clockNote: '时间为本地云模拟时钟的时间。',
    now: '模拟时间：',
    count: (n: number) => `${n} 封`,
    latest: '最近一封：',
    allRecipients: '← 全部收件人',
    tasks: '待办任务',
    noTasks: '没有待办任务。',
    tasksUnknown: '待办任务暂时无法读取。',
    due: '截止：',
    overdue: '已逾期',
    mails: '邮件',
    newestFirst: '最新的在前',
    noMail: '还没有邮件。',
    from: '发件人',
    to: '收件人',
    cc: '抄送',
    sent: '时间',
    realClock: '（实际时钟）',
    backTo: (name: string) => `← ${name}的全部邮件`,
    body: '邮件正文',
    noSubject: '（无主题）',
    notFound: '没有找到',
    noSuchPerson: '没有发给这个地址的邮件。',
    noSuchMail: '这个收件人没有这封邮件。',
  },
  en: {
    site: 'Local mailbox',
    recipients: 'Recipients',
    intro: (people: number, mails: number) =>
      `${people} recipients, ${mails} e-mails. Choose a recipient to see their mail (newest first) and open tasks.`,
    clockNote: "Times are the local cloud's simulated clock.",
    now: 'Simulated time: ',
    count: (n: number) => (n === 1 ? '1 e-mail' : `${n} e-mails`),
    latest: 'Latest: ',
    allRecipients: '← All recipients',
    tasks: 'Open tasks',
    noTasks: 'No open tasks.',
    tasksUnknown: 'Open tasks cannot be read yet.',
    due: 'Due ',
    overdue: 'overdue',
    mails: 'E-mails',
    newestFirst: 'newest first',
    noMail: 'No mail yet.',
    from: 'From',
    to: 'To',
    cc: 'Cc',
    sent: 'Time',
    realClock: ' (real clock)',
    backTo: (name: string) => `← All mail of ${name}`,
    body: 'Message',
    noSubject: '(no subject)',
    notFound: 'Not found',
    noSuchPerson: 'No mail was sent to this address.',
    noSuchMail: 'This recipient has no such e-mail.',
  },
} as const;

// The approval pages' stylesheet, and what only the mailbox needs: lists of people and mails that wrap
// instead of scrolling sideways on a phone, and the framed mail body.
const CSS = `${PAGE_CSS}
.page{max-width:56rem}
ul.list{list-style:none;margin:1rem 0 0;padding:0;border-top:1px solid #e5e7eb}
ul.list li{border-bottom:1px solid #e5e7eb}
ul.list a{display:block;padding:.75rem .25rem;min-height:44px;text-decoration:none;color:inherit}
ul.list a:hover .name,ul.list a:focus-visible .name{text-decoration:underline}
.name{display:block;color:#1d4ed8;font-weight:600;overflow-wrap:anywhere}
.meta{display:block;color:#4b5563;font-size:.875rem;overflow-wrap:anywhere}
.count{float:right;margin-left:.75rem;color:#1f2328;font-size:.875rem;font-weight:600}
ul.tasks{padding-left:1.25rem;margin:.5rem 0}
ul.tasks li{margin:.5rem 0;overflow-wrap:anywhere}
.back{margin:0 0 1rem}
h1{overflow-wrap:anywhere}
iframe.body{display:block;width:100%;height:75vh;min-height:24rem;margin:1rem 0 0;border:1px solid #d1d5db;border-radius:6px;background:#fff}
`;

const CSS_HASH = `'sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}'`;

/** The pages' headers: the stylesheet by hash, frames only of this origin (the mail body), no scripts. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': `default-src 'none'; style-src ${CSS_HASH}; frame-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
});

/** The people who got mail: in the plan's order, then the others by address. */
export function recipientsOf(mails: MailView[], context: MailboxContext): Recipient[] {
  const byAddress = new Map<string, Recipient>();
  for (const mail of mails) {
    for (const raw of new Set([...mail.to, ...mail.cc].map(bareAddress))) {
      let recipient = byAddress.get(raw);
      if (!recipient) {
        const person = context.people.get(raw);
        recipient = { address: raw, ...(person ? { person } : {}), mails: [] };
        byAddress.set(raw, recipient);
      }
      recipient.mails.push(mail);
    }
  }
  for (const recipient of byAddress.values()) recipient.mails = newestFirst(recipient.mails);
  return [...byAddress.values()].sort(
    (a, b) =>
      (a.person?.order ?? Number.MAX_SAFE_INTEGER) - (b.person?.order ?? Number.MAX_SAFE_INTEGER) ||
      a.address.localeCompare(b.address),
  );
}

/** Newest first; mail accepted at the same instant in the reverse of the order SES accepted it. */
function newestFirst(mails: MailView[]): MailView[] {
  return mails
    .map((mail, index) => ({ mail, index }))
    .sort((a, b) => b.mail.at - a.mail.at || b.index - a.index)
    .map(({ mail }) => mail);
}

/** The bare address of `Name <a@b>` or `a@b`, lower-cased. */
export function bareAddress(value: string): string {
  return (/<([^>]+)>/.exec(value)?.[1] ?? value).trim().toLowerCase();
}

function nameOf(recipient: Recipient): string {
  return recipient.person?.name ?? recipient.address;
}

function personLine(recipient: Recipient): string {
  const p = recipient.person;
  return [p?.unit, p?.role, recipient.address].filter(Boolean).join(' · ');
}

export function personHref(address: string): string {
  return `/?${new URLSearchParams({ to: address }).toString()}`;
}

function mailHref(address: string, id: string): string {
  return `/?${new URLSearchParams({ to: address, mail: id }).toString()}`;
}

function when(mail: MailView, context: MailboxContext): string {
  const w = WORDS[context.locale];
  return `${formatWhen(new Date(mail.at), context.locale, context.timeZone)}${mail.simulated ? '' : w.realClock}`;
}

function document(context: MailboxContext, title: string, now: number, main: ComponentChild[]): string {
  const w = WORDS[context.locale];
  const tree = h(
    'html',
    { lang: context.locale },
    h(
      'head',
      null,
      h('meta', { charset: 'utf-8' }),
      h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      h('meta', { name: 'referrer', content: 'no-referrer' }),
      h('title', null, `${title} · ${w.site}`),
      h('style', { dangerouslySetInnerHTML: { __html: CSS } }),
    ),
    h(
      'body',
      null,
      h(
        'div',
        { class: 'page' },
        h(
          'header',
          { class: 'top' },
          h('p', null, context.programme ? `${w.site} · ${context.programme}` : w.site),
          h('p', { class: 'now' }, `${w.now}${formatWhen(new Date(now), context.locale, context.timeZone)}`),
        ),
        h('main', { id: 'main' }, ...main),
      ),
    ),
  );
  return `<!DOCTYPE html>${render(tree)}`;
}

/** Everyone who got mail, with how many and when the latest came. */
export function recipientsPage(context: MailboxContext, recipients: Recipient[], now: number): string {
  const w = WORDS[context.locale];
  const total = new Set(recipients.flatMap((r) => r.mails.map((m) => m.id))).size;
  return document(context, w.recipients, now, [
    h('h1', null, w.recipients),
    h('p', { class: 'muted' }, `${w.intro(recipients.length, total)}${w.clockNote}`),
    recipients.length === 0
      ? h('p', null, w.noMail)
      : h(
          'ul',
          { class: 'list recipients' },
          ...recipients.map((r) =>
            h(
              'li',
              null,
              h(
                'a',
                { href: personHref(r.address) },
                h('span', { class: 'count' }, w.count(r.mails.length)),
                h('span', { class: 'name' }, nameOf(r)),
                h('span', { class: 'meta' }, personLine(r)),
                r.mails[0] ? h('span', { class: 'meta' }, `${w.latest}${when(r.mails[0], context)}`) : null,
              ),
            ),
          ),
        ),
  ]);
}

/** One person's open tasks and mail, newest first. `tasks` undefined: the tasks could not be read. */
export function personPage(
  context: MailboxContext,
  recipient: Recipient,
  tasks: TaskView[] | undefined,
  now: number,
): string {
  const w = WORDS[context.locale];
  const name = nameOf(recipient);
  return document(context, name, now, [
    h('p', { class: 'back' }, h('a', { href: '/' }, w.allRecipients)),
    h('h1', null, name),
    h('p', { class: 'muted' }, personLine(recipient)),
    h('h2', null, `${w.tasks}（${tasks?.length ?? '?'}）`),
    tasks === undefined
      ? h('p', { class: 'muted' }, w.tasksUnknown)
      : tasks.length === 0
        ? h('p', { class: 'muted' }, w.noTasks)
        : h(
            'ul',
            { class: 'tasks' },
            ...tasks.map((task) => {
              const overdue = Date.parse(task.dueAt) < now;
              return h(
                'li',
                null,
                task.url ? h('a', { href: task.url, rel: 'noreferrer' }, task.title) : task.title,
                h(
                  'span',
                  { class: 'meta' },
                  `${w.due}${formatDeadline(task.dueAt, context.locale, context.timeZone)}`,
                  overdue ? h('span', { class: 'overdue' }, ` · ${w.overdue}`) : null,
                ),
              );
            }),
          ),
    h('h2', null, `${w.mails}（${w.count(recipient.mails.length)}，${w.newestFirst}）`),
    h(
      'ul',
      { class: 'list mails' },
      ...recipient.mails.map((mail) =>
        h(
          'li',
          null,
          h(
            'a',
            { href: mailHref(recipient.address, mail.id) },
            h('span', { class: 'name' }, mail.subject || w.noSubject),
            h('span', { class: 'meta' }, h('time', null, when(mail, context))),
          ),
        ),
      ),
    ),
  ]);
}

/** One mail: who, when, and its body in a sandboxed frame (served from /body with its own CSP). */
export function mailPage(context: MailboxContext, recipient: Recipient, mail: MailView, now: number): string {
  const w = WORDS[context.locale];
  const fact = (label: string, value: string) => [h('dt', null, label), h('dd', null, value)];
  return document(context, mail.subject || w.noSubject, now, [
    h('p', { class: 'back' }, h('a', { href: personHref(recipient.address) }, w.backTo(nameOf(recipient)))),
    h('h1', null, mail.subject || w.noSubject),
    h(
      'dl',
      { class: 'facts' },
      ...fact(w.sent, when(mail, context)),
      ...fact(w.from, mail.from),
      ...fact(w.to, mail.to.join(', ')),
      ...(mail.cc.length ? fact(w.cc, mail.cc.join(', ')) : []),
    ),
    h('iframe', {
      class: 'body',
      title: w.body,
      src: `/body?${new URLSearchParams({ id: mail.id }).toString()}`,
      // No scripts, no same-origin access; a link opens in a new tab outside the sandbox.
      sandbox: 'allow-popups allow-popups-to-escape-sandbox',
      referrerpolicy: 'no-referrer',
    }),
  ]);
}

export function notFoundPage(context: MailboxContext, message: 'noSuchPerson' | 'noSuchMail', now: number) {
  const w = WORDS[context.locale];
  return document(context, w.notFound, now, [
    h('p', { class: 'back' }, h('a', { href: '/' }, w.allRecipients)),
    h('h1', null, w.notFound),
    h('p', null, w[message]),
  ]);
}

/**
 * The headers of a mail body: it runs in a sandbox (no scripts, an opaque origin), loads nothing but its
 * inline styles and data: images, and only this mailbox may frame it.
 */
export const BODY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'self'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
});

/** The mail's HTML as sent, its links opening in a new tab; a text-only mail as escaped preformatted text. */
export function bodyDocument(mail: MailView): string {
  const base = '<base target="_blank">';
  if (mail.html !== undefined) {
    return /<head(\s[^>]*)?>/i.test(mail.html)
      ? mail.html.replace(/<head(\s[^>]*)?>/i, (head) => `${head}${base}`)
      : `${base}${mail.html}`;
  }
  const tree = h(
    'html',
    null,
    h('head', null, h('meta', { charset: 'utf-8' }), h('base', { target: '_blank' })),
    h(
      'body',
      null,
      h(
        'pre',
        { style: 'white-space:pre-wrap;overflow-wrap:anywhere;font:15px/1.6 sans-serif' },
        mail.text ?? '',
      ),
    ),
  );
  return `<!DOCTYPE html>${render(tree)}`;
}
